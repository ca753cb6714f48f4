package mux

import "sync"

// Chunk sizes of a stream's receive buffer. A frame body is read in pieces
// of at most bigChunk bytes, each into a chunk of the smallest class that
// holds it; small pieces are packed into the last chunk while it has room,
// so that many tiny frames cannot make a buffer hold much more memory than
// the bytes it stores (at most about twice, plus one chunk). Big pieces
// keep bulk transfers at few, large reads.
const (
	smallChunk  = 4 << 10
	mediumChunk = 64 << 10
	bigChunk    = 256 << 10
)

var chunkPools = [...]struct {
	size int
	pool sync.Pool
}{{size: smallChunk}, {size: mediumChunk}, {size: bigChunk}}

// getChunk returns an empty chunk with room for at least n bytes (n must
// not exceed bigChunk).
func getChunk(n int) []byte {
	for i := range chunkPools {
		c := &chunkPools[i]
		if n <= c.size {
			if b, ok := c.pool.Get().(*[]byte); ok {
				return (*b)[:0]
			}
			return make([]byte, 0, c.size)
		}
	}
	panic("mux: chunk larger than bigChunk")
}

// putChunk recycles a chunk from getChunk.
func putChunk(b []byte) {
	b = b[:0]
	for i := range chunkPools {
		if c := &chunkPools[i]; cap(b) == c.size {
			c.pool.Put(&b)
			return
		}
	}
}

// recvBuf holds the bytes a stream received and its reader has not read
// yet, as a queue of pooled chunks. An empty recvBuf holds no chunk. It is
// not safe for concurrent use; its stream's lock guards it.
type recvBuf struct {
	chunks [][]byte // chunks[head][off:] is the oldest unread byte
	head   int      // index of the oldest chunk
	off    int      // read offset in chunks[head]
	n      int      // unread bytes in total
}

// Len returns the number of unread bytes.
func (q *recvBuf) Len() int { return q.n }

// write appends a copy of p, filling the last chunk before taking new ones.
func (q *recvBuf) write(p []byte) {
	q.n += len(p)
	for len(p) > 0 {
		if last := len(q.chunks) - 1; last >= q.head && cap(q.chunks[last]) > len(q.chunks[last]) {
			c := q.chunks[last]
			m := copy(c[len(c):cap(c)], p)
			q.chunks[last] = c[:len(c)+m]
			p = p[m:]
			continue
		}
		q.chunks = append(q.chunks, getChunk(min(len(p), bigChunk)))
	}
}

// push appends a full chunk from getChunk; the queue takes ownership.
func (q *recvBuf) push(c []byte) {
	q.n += len(c)
	q.chunks = append(q.chunks, c)
}

// read moves up to len(p) unread bytes into p and recycles drained chunks.
func (q *recvBuf) read(p []byte) int {
	n := 0
	for n < len(p) && q.head < len(q.chunks) {
		m := copy(p[n:], q.chunks[q.head][q.off:])
		n += m
		q.off += m
		if q.off == len(q.chunks[q.head]) {
			q.dropFirst()
		}
	}
	q.n -= n
	return n
}

// dropFirst recycles the oldest chunk; the queue's array is reused once
// it is empty.
func (q *recvBuf) dropFirst() {
	putChunk(q.chunks[q.head])
	q.chunks[q.head] = nil
	q.head++
	q.off = 0
	if q.head == len(q.chunks) {
		q.chunks, q.head = q.chunks[:0], 0
	}
}

// reset recycles every chunk and empties the queue.
func (q *recvBuf) reset() {
	for q.head < len(q.chunks) {
		q.dropFirst()
	}
	q.n = 0
}
