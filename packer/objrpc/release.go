package objrpc

// Releasable objects: a proxy Import makes of a reference with Release set
// carries a runtime cleanup; once the garbage collector finds the proxy
// unreachable, the release goroutine closes its stream and tells the peer,
// in batches, with Runtime.Release on the peer's main object, and the peer
// ends the objects (Conn.release).

// releaseTicket is what a releasable proxy leaves behind for its cleanup:
// the object's id and the proxy's link, never the proxy itself.
type releaseTicket struct {
	id   uint32
	link *link
}

// queueRelease runs once a releasable proxy is unreachable (on the
// runtime's cleanup goroutine, which it must not hold up): it queues the
// release for the release goroutine, starting it if none runs.
func (c *Conn) queueRelease(t releaseTicket) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		t.link.close()
		return
	}
	c.releases = append(c.releases, t)
	if !c.freeing {
		c.freeing = true
		c.wg.Add(1)
		go c.releaseLoop()
	}
	c.mu.Unlock()
}

// releaseLoop closes the streams of unreachable releasable proxies and
// tells the peer, in batches, until none are queued.
func (c *Conn) releaseLoop() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		batch := c.releases
		c.releases = nil
		if len(batch) == 0 || c.closed {
			c.freeing = false
			c.mu.Unlock()
			for _, t := range batch {
				t.link.close()
			}
			return
		}
		c.mu.Unlock()
		ids := make([]uint32, len(batch))
		for i, t := range batch {
			t.link.flush()
			t.link.close()
			ids[i] = t.id
		}
		err := c.Main(runtimeService).Call("Release", &releaseArgs{IDs: ids}, new(Empty))
		if err != nil && c.life.Err() == nil {
			c.log.Debug("objrpc: releasing objects failed", "ids", len(ids), "err", err)
		}
	}
}

// release ends the releasable objects ids that the peer no longer uses.
// Ids that are not releasable objects of c are ignored.
func (c *Conn) release(ids []uint32) {
	var gone []*object
	c.mu.Lock()
	for _, id := range ids {
		if o := c.objects[id]; o != nil && id != 0 && o.scope == nil && o.data == nil {
			gone = append(gone, o)
		}
	}
	c.mu.Unlock()
	if len(gone) == 0 {
		return
	}
	for _, o := range gone {
		o.stop()
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for _, o := range gone {
			o.work.Wait()
			o.closeReceiver()
		}
	}()
}
