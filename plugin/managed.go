package plugin

import "sync"

// managed is the set of clients created with ClientConfig.Managed that
// have not been killed yet: the package's one piece of mutable global
// state, which CleanupClients needs.
var managed struct {
	mu      sync.Mutex // guards clients
	clients map[*Client]struct{}
}

func manage(c *Client) {
	managed.mu.Lock()
	defer managed.mu.Unlock()
	if managed.clients == nil {
		managed.clients = make(map[*Client]struct{})
	}
	managed.clients[c] = struct{}{}
}

func unmanage(c *Client) {
	managed.mu.Lock()
	defer managed.mu.Unlock()
	delete(managed.clients, c)
}

// CleanupClients makes sure all the managed subprocesses are killed and
// properly logged. This should be called before the parent process running
// the plugins exits.
//
// It kills every managed client in parallel and blocks until they are all
// gone, so it takes about the longest KillTimeout among them. It is safe to
// call more than once and concurrently with Kill; clients created while it
// runs are not waited for.
func CleanupClients() {
	managed.mu.Lock()
	clients := make([]*Client, 0, len(managed.clients))
	for c := range managed.clients {
		clients = append(clients, c)
	}
	managed.mu.Unlock()

	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Kill()
		}()
	}
	wg.Wait()
}
