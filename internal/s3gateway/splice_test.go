package s3gateway

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// patterned is n bytes in which every 4-byte word holds its own offset,
// so that a byte delivered out of place is seen.
func patterned(n int) []byte {
	b := make([]byte, n+4)
	for i := 0; i < n; i += 4 {
		binary.BigEndian.PutUint32(b[i:], uint32(i))
	}
	return b[:n]
}

// patternStore is a stand-in store: GET /b/<n> answers n patterned bytes,
// in writes of uneven sizes, with ranges; it counts the connections made
// to it.
func patternStore(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		data := patterned(n)
		if r.Header.Get("Range") != "" {
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		for len(data) > 0 {
			k := min(len(data), 100_003)
			if _, err := w.Write(data[:k]); err != nil {
				return
			}
			data = data[k:]
		}
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

// TestSpliceBody sends GETs through a front server that forwards them as
// the gateway does: bodies large enough are spliced, arrive whole and in
// order, and the store's connection is reused for the next request.
func TestSpliceBody(t *testing.T) {
	store, conns := patternStore(t)
	b, err := newBackend(Backend{URL: store.URL, PathStyle: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var spliced atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, recorded := spliceTrace(r.Context())
		req, err := b.request(ctx, http.MethodGet, "b", strings.TrimPrefix(r.URL.Path, "/"), "", http.Header{"Range": r.Header["Range"]}, nil, 0)
		if err != nil {
			t.Error(err)
			return
		}
		resp, err := b.client.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		conn, head := recorded()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		n, ok, err := spliceBody(w, resp, conn, head)
		if !ok {
			n, err = io.Copy(w, resp.Body)
		} else {
			spliced.Add(1)
		}
		if err != nil || n != resp.ContentLength {
			t.Errorf("%s: copied %d of %d bytes: %v", r.URL.Path, n, resp.ContentLength, err)
		}
	}))
	defer front.Close()

	for _, tc := range []struct {
		size       int
		rangeFirst int // -1: the whole object
		splice     bool
	}{
		{1 << 10, -1, false},
		{spliceMin - 1, -1, false},
		{spliceMin, -1, true},
		{5<<20 + 3, -1, true},
		{1 << 10, -1, false},
		{3 << 20, 12_345, true},
		{7<<20 + 1, -1, true},
	} {
		before := spliced.Load()
		req, _ := http.NewRequest(http.MethodGet, front.URL+"/"+strconv.Itoa(tc.size), nil)
		want := patterned(tc.size)
		if tc.rangeFirst >= 0 {
			req.Header.Set("Range", "bytes="+strconv.Itoa(tc.rangeFirst)+"-")
			want = want[tc.rangeFirst:]
		}
		resp, err := front.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%d bytes: %v", tc.size, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes from %d: the body differs (got %d bytes)", tc.size, tc.rangeFirst, len(got))
		}
		if did := spliced.Load() > before; did != tc.splice {
			t.Errorf("%d bytes: spliced %v, want %v", tc.size, did, tc.splice)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("the store saw %d connections, want 1 reused for every request", n)
	}
}

// TestResponseHeadSplitReads finds a header's end and the bytes after it
// however the reads cut them.
func TestResponseHeadSplitReads(t *testing.T) {
	stream := []byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789")
	headerLen := bytes.Index(stream, headerEnd) + len(headerEnd)
	resp := &http.Response{StatusCode: 200, ContentLength: 10}
	for cut1 := 0; cut1 <= len(stream); cut1++ {
		for cut2 := cut1; cut2 <= len(stream); cut2++ {
			var h responseHead
			h.see(stream[:cut1])
			h.see(stream[cut1:cut2])
			h.see(stream[cut2:])
			n, ok := h.buffered(resp)
			if !ok || n != int64(len(stream)-headerLen) || !bytes.Equal(h.head, stream[:headerLen]) {
				t.Fatalf("reads cut at %d and %d: buffered %d, %v; head %q", cut1, cut2, n, ok, h.head)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		stream string
	}{
		{"another status", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"},
		{"more than the length", "HTTP/1.1 200 OK\r\n\r\n0123456789x"},
		{"no end", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-A: b\r\n", maxHead/8)},
	} {
		var h responseHead
		h.see([]byte(tc.stream))
		if _, ok := h.buffered(resp); ok {
			t.Errorf("%s: buffered is known", tc.name)
		}
	}
}
