package app_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// The S3 gateway's cost: the same requests to a store reached directly and
// through the gateway (which verifies the caller's signature and session
// token, evaluates the role's policies, re-signs and streams both ways).
// The store is a stand-in that answers at memory speed, so the gateway's
// own cost is what differs:
//
//	go test ./internal/app -run '^$' -bench S3GatewaySmall -benchtime 2000x
//	go test ./internal/app -run '^$' -bench 'S3Gateway(Large|Memory)' -benchtime 3x
//
// (S3GatewayLargeObjectFakeS3 does the same against an S3 implementation
// that does a store's work.)
//
// Small objects: p50 of sequential GETs of 1 KiB with keep-alive. Large
// objects: MB/s of 100 MiB PUTs and GETs, and the gateway's peak heap
// while streaming 1 GiB.

// memStore is a stand-in S3 backend: PUT reads and discards the body, GET
// returns as many bytes as the key's last path segment says ("/b/1024").
func memStore() *httptest.Server {
	chunk := make([]byte, 256<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPut:
			n, _ := io.Copy(io.Discard, r.Body)
			if n != r.ContentLength {
				http.Error(w, "short body", http.StatusBadRequest)
				return
			}
			w.Header().Set("ETag", `"bench"`)
		case http.MethodGet:
			size, _ := strconv.ParseInt(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:], 10, 64)
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
			for size > 0 {
				n := min(size, int64(len(chunk)))
				if _, err := w.Write(chunk[:n]); err != nil {
					return
				}
				size -= n
			}
		}
	}))
}

// benchGateway is a gateway in front of a memStore and a person allowed
// into their private folder.
func benchGateway(b *testing.B) (g *gatewayServer, store *httptest.Server, p person) {
	store = memStore()
	b.Cleanup(store.Close)
	g = startGatewayTo(b, store.URL, false)
	_, ps := g.people(b, "bench")
	return g, store, ps[0]
}

// s3Request makes a signed request (UNSIGNED-PAYLOAD, as the SDKs sign
// over HTTPS) to base for key.
func s3Request(b *testing.B, c aws.Credentials, method, base, bucket, key string, body io.Reader, size int64) *http.Request {
	req, err := http.NewRequest(method, base+"/"+bucket+"/"+key, body)
	if err != nil {
		b.Fatal(err)
	}
	req.ContentLength = size
	if body == nil {
		req.ContentLength = 0
	}
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	s3Signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := s3Signer.SignHTTP(ctx, c, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}

func do(b *testing.B, c *http.Client, req *http.Request) {
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		text, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		resp.Body.Close()
		b.Fatalf("%s %s: HTTP %d %s", req.Method, req.URL.Path, resp.StatusCode, text)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func BenchmarkS3GatewaySmallObject(b *testing.B) {
	g, store, p := benchGateway(b)
	key := "private/" + p.identityID + "/1024"
	for _, target := range []struct{ name, url string }{{"direct", store.URL}, {"gateway", g.gateway.URL}} {
		b.Run(target.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				req := s3Request(b, p.creds, http.MethodGet, target.url, g.bucket, key, nil, 0)
				start := time.Now()
				do(b, client, req)
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// zeros is an endless source of bytes for uploads.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { return len(p), nil }

func BenchmarkS3GatewayLargeObject(b *testing.B) {
	g, store, p := benchGateway(b)
	const size = 100 << 20
	largeObjects(b, g, store.URL, p, "private/"+p.identityID+"/"+strconv.Itoa(size), size)
}

// BenchmarkS3GatewayLargeObjectFakeS3 is BenchmarkS3GatewayLargeObject
// against an S3 implementation that does a store's work (gofakes3 with
// its memory backend: it reads the whole body, computes its MD5 ETag and
// keeps the bytes, then serves them back), rather than against memStore,
// which costs nothing.
func BenchmarkS3GatewayLargeObjectFakeS3(b *testing.B) {
	mem := s3mem.New()
	store := httptest.NewServer(gofakes3.New(mem, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	b.Cleanup(store.Close)
	g := startGatewayTo(b, store.URL, false)
	if err := mem.CreateBucket(g.bucket); err != nil {
		b.Fatal(err)
	}
	_, ps := g.people(b, "bench")
	largeObjects(b, g, store.URL, ps[0], "private/"+ps[0].identityID+"/big", 100<<20)
}

// largeObjects PUTs, then GETs, size bytes at key, directly to the store
// at storeURL and through the gateway.
func largeObjects(b *testing.B, g *gatewayServer, storeURL string, p person, key string, size int64) {
	for _, target := range []struct{ name, url string }{{"direct", storeURL}, {"gateway", g.gateway.URL}} {
		for _, method := range []string{http.MethodPut, http.MethodGet} {
			b.Run(target.name+"/"+method, func(b *testing.B) {
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
				b.SetBytes(size)
				b.ResetTimer()
				cpu := processCPU()
				for range b.N {
					var body io.Reader
					if method == http.MethodPut {
						body = io.LimitReader(zeros{}, size)
					}
					do(b, client, s3Request(b, p.creds, method, target.url, g.bucket, key, body, size))
				}
				// CPU of client, gateway and store together: on a busy
				// machine a steadier measure than wall-clock MB/s.
				b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// chunkedZeros is an aws-chunked body of size zeros, unsigned with a
// CRC-32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER), in the SDKs' 64 KiB
// chunks; it returns the body and its encoded length.
func chunkedZeros(size int) (io.Reader, int64) {
	const chunk = 64 << 10
	head := []byte(strconv.FormatInt(chunk, 16) + "\r\n")
	zero := make([]byte, chunk)
	var parts []io.Reader
	var length int64
	add := func(r io.Reader, n int) { parts = append(parts, r); length += int64(n) }
	crc := uint32(0)
	for left := size; left > 0; left -= chunk {
		n := min(left, chunk)
		h := head
		if n != chunk {
			h = []byte(strconv.FormatInt(int64(n), 16) + "\r\n")
		}
		add(bytes.NewReader(h), len(h))
		add(bytes.NewReader(zero[:n]), n) // zeros{} leaves the buffer as it is
		add(strings.NewReader("\r\n"), 2)
		crc = crc32.Update(crc, crc32.IEEETable, zero[:n])
	}
	sum := binary.BigEndian.AppendUint32(nil, crc)
	tail := "0\r\nx-amz-checksum-crc32:" + base64.StdEncoding.EncodeToString(sum) + "\r\n\r\n"
	add(strings.NewReader(tail), len(tail))
	return io.MultiReader(parts...), length
}

// BenchmarkS3GatewayChunkedPut: 100 MiB PUTs in aws-chunked encoding with
// a CRC-32 trailer, as the AWS SDKs send uploads over HTTPS; the gateway
// decodes the chunks and checks the trailer, the store reads them as sent.
func BenchmarkS3GatewayChunkedPut(b *testing.B) {
	g, store, p := benchGateway(b)
	const size = 100 << 20
	key := "private/" + p.identityID + "/chunked"
	for _, target := range []struct{ name, url string }{{"direct", store.URL}, {"gateway", g.gateway.URL}} {
		b.Run(target.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
			b.SetBytes(size)
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				body, length := chunkedZeros(size)
				req, err := http.NewRequest(http.MethodPut, target.url+"/"+g.bucket+"/"+key, body)
				if err != nil {
					b.Fatal(err)
				}
				req.ContentLength = length
				const mode = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
				req.Header.Set("Content-Encoding", "aws-chunked")
				req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(size))
				req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
				req.Header.Set("X-Amz-Content-Sha256", mode)
				signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
				if err := signer.SignHTTP(ctx, p.creds, req, mode, "s3", "us-east-1", time.Now()); err != nil {
					b.Fatal(err)
				}
				do(b, client, req)
			}
			b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkS3GatewayMemory streams 1 GiB up and down through the gateway
// and reports the process's peak heap, which must not grow with the size.
func BenchmarkS3GatewayMemory(b *testing.B) {
	g, _, p := benchGateway(b)
	const size = 1 << 30
	key := "private/" + p.identityID + "/" + strconv.Itoa(size)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	b.SetBytes(2 * size)
	b.ResetTimer()
	for range b.N {
		do(b, client, s3Request(b, p.creds, http.MethodPut, g.gateway.URL, g.bucket, key, io.LimitReader(zeros{}, size), size))
		do(b, client, s3Request(b, p.creds, http.MethodGet, g.gateway.URL, g.bucket, key, nil, 0))
	}
	b.StopTimer()
	close(stop)
	<-sampled
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-growth-MiB")
	if growth := peak.Load() - min(peak.Load(), base.HeapInuse); growth > 64<<20 {
		b.Errorf("heap grew by %d MiB while streaming 1 GiB", growth>>20)
	}
}
