package s3gateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
)

// Large downloads skip the gateway's memory. When the store and the client
// both talk plain TCP, a GET's body goes from one socket to the other by
// splice(2): the kernel moves the pages, and the gateway neither reads nor
// writes the bytes (reading them out of one socket and writing them into
// the other was most of its cost). net/http offers no way to hand a
// response's connection over, so the gateway works beside the transport:
//
//  1. The store's connection records what the transport reads from it,
//     from the moment the transport picks it for the request, to find where
//     the response's header ends and so how many body bytes the transport
//     has already buffered.
//  2. The gateway sends those through the response body as usual, then
//     splices the rest straight from the socket to the client (the
//     ResponseWriter's ReadFrom does that for a *net.TCPConn source).
//  3. The connection then reports the spliced bytes to the transport as
//     read, without copying anything, so that the transport's count of the
//     body stays right and the connection goes back to the pool.
//
// Anything unexpected (TLS on either side, a body without a length, a
// header that cannot be found) leaves the response to the ordinary copy.

// spliceMin is the smallest body worth splicing: below it, the pipe's
// system calls cost more than they save.
const spliceMin = 1 << 20

// backendDialer dials the store's connections as *backendConn.
func backendDialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &backendConn{Conn: c}, nil
	}
}

// backendConn is a connection to the store. It takes request bodies in
// copyBufferSize writes, and it can record a response's header and skip
// a spliced body (see above).
type backendConn struct {
	net.Conn
	mu   sync.Mutex
	head *responseHead // while recording
	skip int64         // spliced bytes the transport has yet to read
}

// ReadFrom copies r to the connection through a pooled copyBufferSize
// buffer. The transport streams a request body with ReadFrom, and a TCP
// connection copies from anything but another socket or a file 32 KiB at a
// time: a 100 MiB upload would be 3,200 reads and writes each side of the
// gateway instead of 400.
func (c *backendConn) ReadFrom(r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{c.Conn}, struct{ io.Reader }{r}, *buf)
}

// Read reads from the store, or reports spliced bytes as read. Those
// leave p as it was: the only reader of them is spliceBody's drain.
func (c *backendConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.skip > 0 {
		n := int(min(int64(len(p)), c.skip))
		c.skip -= int64(n)
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	// Checked once the read is back: the transport reads an idle
	// connection all along, and the response arrives during a read that
	// began before the recording did.
	c.mu.Lock()
	if c.head != nil {
		c.head.see(p[:n])
	}
	c.mu.Unlock()
	return n, err
}

// record starts recording the response to the request about to be sent.
func (c *backendConn) record() {
	c.mu.Lock()
	c.head = &responseHead{}
	c.mu.Unlock()
}

// recorded stops recording and returns what was seen.
func (c *backendConn) recorded() *responseHead {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.head
	c.head = nil
	return h
}

// skipNext makes the next n bytes the transport reads come from no
// socket: they were spliced.
func (c *backendConn) skipNext(n int64) {
	c.mu.Lock()
	c.skip += n
	c.mu.Unlock()
}

// skipped is how many spliced bytes the transport has yet to read.
func (c *backendConn) skipped() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.skip
}

// maxHead bounds the response header the gateway looks through.
const maxHead = 64 << 10

// responseHead is what the transport read of a response: its header and
// a count of the bytes after it.
type responseHead struct {
	head   []byte // up to and with the blank line, once found
	end    bool   // the blank line was found
	after  int64  // bytes read after it
	failed bool   // no blank line in the first maxHead bytes
}

var headerEnd = []byte("\r\n\r\n")

func (h *responseHead) see(b []byte) {
	switch {
	case h.end:
		h.after += int64(len(b))
		return
	case h.failed:
		return
	}
	old := len(h.head)
	take := min(len(b), maxHead-old)
	h.head = append(h.head, b[:take]...)
	from := max(0, old-len(headerEnd)+1)
	i := bytes.Index(h.head[from:], headerEnd)
	if i < 0 {
		h.failed = take < len(b)
		return
	}
	end := from + i + len(headerEnd)
	h.after = int64(old + len(b) - end)
	h.head = h.head[:end]
	h.end = true
}

// buffered is how many body bytes the transport read with the header of
// resp, or false if that is unknown: the header recorded is not resp's
// (an informational response came first) or was not found.
func (h *responseHead) buffered(resp *http.Response) (int64, bool) {
	if h == nil || !h.end || h.after > resp.ContentLength {
		return 0, false
	}
	line, _, _ := bytes.Cut(h.head, []byte("\r\n"))
	_, status, _ := bytes.Cut(line, []byte(" "))
	code, _, _ := bytes.Cut(status, []byte(" "))
	if !bytes.HasPrefix(line, []byte("HTTP/1.")) || string(code) != strconv.Itoa(resp.StatusCode) {
		return 0, false
	}
	return h.after, true
}

// spliceTrace watches which connection the transport picks for a
// request, to record its response. The returned function stops recording
// and returns the connection and what it recorded (nil if the connection
// is not a backendConn).
func spliceTrace(ctx context.Context) (context.Context, func() (*backendConn, *responseHead)) {
	var conn *backendConn
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if conn != nil {
			conn.recorded() // a retry on another connection
		}
		conn, _ = info.Conn.(*backendConn)
		if conn != nil {
			conn.record()
		}
	}}
	return httptrace.WithClientTrace(ctx, trace), func() (*backendConn, *responseHead) {
		if conn == nil {
			return nil, nil
		}
		return conn, conn.recorded()
	}
}

// spliceBody copies resp's body to w: the bytes the transport buffered
// through it, the rest by splice. ok is false when it did nothing, and the
// caller copies the body.
func spliceBody(w http.ResponseWriter, resp *http.Response, conn *backendConn, head *responseHead) (n int64, ok bool, err error) {
	rf, isRF := w.(io.ReaderFrom)
	tcp, isTCP := conn.Conn.(*net.TCPConn)
	buffered, known := head.buffered(resp)
	if !isRF || !isTCP || !known || resp.ContentLength < spliceMin {
		return 0, false, nil
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	// The transport's buffer holds exactly these: reading them makes no
	// system call and leaves it empty.
	n, err = io.CopyBuffer(struct{ io.Writer }{w}, io.LimitReader(resp.Body, buffered), *buf)
	if err != nil {
		return n, true, err
	}
	rest := &io.LimitedReader{R: tcp, N: resp.ContentLength - buffered}
	spliced, err := rf.ReadFrom(rest)
	n += spliced
	// Whatever happened, the transport's view of the stream must move
	// past the bytes that went by splice.
	conn.skipNext(spliced)
	if err != nil {
		return n, true, err
	}
	if rest.N > 0 {
		return n, true, io.ErrUnexpectedEOF
	}
	// Let the transport read to the end of the body (no bytes are copied)
	// so that it reuses the connection.
	drained, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{resp.Body}, *buf)
	if err == nil && (drained != spliced || conn.skipped() != 0) {
		// Never expected; the connection must not carry another response.
		conn.Close()
		err = errors.New("s3gateway: spliced body out of step with the transport")
	}
	return n, true, err
}
