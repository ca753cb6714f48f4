//go:build go1.25

// go.mod's go 1.22 turns on the old asynchronous timer channels, which
// synctest refuses to run with.
//
//go:debug asynctimerchan=0

package packertest_test

import (
	"testing"
	"testing/synctest"

	"github.com/muxplug/muxplug/packer/packertest"
)

// TestCacheBlocking checks who waits for whom, using synctest.Wait to know
// that a goroutine is blocked rather than sleeping.
func TestCacheBlocking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &packertest.Cache{Dir: "/nonexistent"}
		c.RLock("k")
		c.RLock("other")

		locked := make(chan struct{})
		go func() {
			c.Lock("k")
			close(locked)
		}()
		synctest.Wait()
		select {
		case <-locked:
			t.Fatal("Lock(k) returned while k had a reader")
		default:
		}

		// A reader of k still gets in while the writer waits is not
		// promised; a different key is never held up.
		c.Lock("free")
		c.Unlock("free")

		c.RUnlock("k")
		synctest.Wait()
		select {
		case <-locked:
		default:
			t.Fatal("Lock(k) still blocked after the last RUnlock")
		}

		rlocked := make(chan struct{})
		go func() {
			c.RLock("k")
			close(rlocked)
		}()
		synctest.Wait()
		select {
		case <-rlocked:
			t.Fatal("RLock(k) returned while k was locked exclusively")
		default:
		}
		c.Unlock("k")
		<-rlocked
		c.RUnlock("k")
		c.RUnlock("other")
	})
}
