package s3gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// The AWS example of a signed streaming upload (Amazon S3 API reference,
// "Transferring payload in multiple chunks"): 66,560 bytes of "a" in a
// chunk of 65,536, one of 1,024 and the final empty one, signed by the
// documentation's example key on 2013-05-24.
const (
	exampleAccessKey = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleSeed      = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
)

var exampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

var exampleChunkSignatures = []struct {
	size      int
	signature string
}{
	{65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"},
	{1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"},
	{0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"},
}

type exampleCreds struct{}

func (exampleCreds) LookupCredential(_ context.Context, id, _ string) (awsproto.Credential, error) {
	if id != exampleAccessKey {
		return awsproto.Credential{}, awsproto.ErrUnknownAccessKey
	}
	return awsproto.Credential{SecretAccessKey: exampleSecret, Principal: "example"}, nil
}

// exampleBody is the example's aws-chunked body; mutate changes it.
func exampleBody(mutate func(chunk int, data []byte)) []byte {
	var b bytes.Buffer
	for i, c := range exampleChunkSignatures {
		b.WriteString(strconv.FormatInt(int64(c.size), 16) + ";chunk-signature=" + c.signature + "\r\n")
		data := bytes.Repeat([]byte("a"), c.size)
		if mutate != nil {
			mutate(i, data)
		}
		b.Write(data)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// exampleRequest is the example's request, verified: the caller whose
// ChunkVerifier checks the chunks.
func exampleRequest(t *testing.T, body []byte) (*http.Request, *awsproto.Caller) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPut, "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Host = "s3.amazonaws.com"
	h := r.Header
	h.Set("X-Amz-Date", "20130524T000000Z")
	h.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	h.Set("Content-Encoding", "aws-chunked")
	h.Set("X-Amz-Decoded-Content-Length", "66560")
	h.Set("Content-Length", "66824")
	h.Set("X-Amz-Content-Sha256", streamingSigned)
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+exampleAccessKey+"/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature="+exampleSeed)
	caller, err := awsproto.VerifyRequest(context.Background(), awsproto.SignedRequest{
		Method: r.Method, Path: "/examplebucket/chunkObject.txt", Host: r.Host, Header: h, PayloadHash: streamingSigned,
	}, "s3", exampleCreds{}, exampleTime)
	if err != nil {
		t.Fatalf("the example's seed signature does not verify: %v", err)
	}
	return r, caller
}

func TestChunkedBodyMatchesAWSExample(t *testing.T) {
	r, caller := exampleRequest(t, exampleBody(nil))
	if int64(len(exampleBody(nil))) != 66824 {
		t.Fatalf("example body is %d bytes, the example says 66824", len(exampleBody(nil)))
	}
	b, e := openBody(r, streamingSigned, caller.ChunkVerifier())
	if e != nil {
		t.Fatal(e)
	}
	got, err := io.ReadAll(b.r)
	if err != nil {
		t.Fatalf("decoding the example: %v", err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) || b.length != 66560 {
		t.Fatalf("decoded %d bytes (length %d), want 66560 a's", len(got), b.length)
	}
}

// A forged or reordered chunk is refused, and the reader never hands out
// the body's last byte: a backend that gets the decoded length never gets
// a whole body.
func TestChunkedBodyRefusesForgery(t *testing.T) {
	cases := map[string][]byte{
		"changed data": exampleBody(func(chunk int, data []byte) {
			if chunk == 1 {
				data[10] = 'b'
			}
		}),
		"changed first chunk": exampleBody(func(chunk int, data []byte) {
			if chunk == 0 {
				data[0] = 'b'
			}
		}),
		"wrong final signature": bytes.Replace(exampleBody(nil), []byte(exampleChunkSignatures[2].signature),
			[]byte(strings.Repeat("0", 64)), 1),
		"truncated": exampleBody(nil)[:66824-40],
		"no final chunk": func() []byte {
			b := exampleBody(nil)
			return b[:bytes.LastIndex(b, []byte("0;chunk-signature"))]
		}(),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			r, caller := exampleRequest(t, body)
			b, e := openBody(r, streamingSigned, caller.ChunkVerifier())
			if e != nil {
				t.Fatal(e)
			}
			got, err := io.ReadAll(b.r)
			if err == nil {
				t.Fatalf("read %d bytes without an error", len(got))
			}
			if len(got) >= 66560 {
				t.Fatalf("the reader gave %d bytes: the last byte must be held back", len(got))
			}
			if b.err == nil {
				t.Fatalf("no gateway error recorded for %v", err)
			}
		})
	}
}

// unsignedTrailerBody frames data as STREAMING-UNSIGNED-PAYLOAD-TRAILER
// with a CRC32 trailer, as the AWS SDKs send uploads over HTTPS.
func unsignedTrailerBody(data []byte, chunk int, checksum string) []byte {
	var b bytes.Buffer
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		b.WriteString(strconv.FormatInt(int64(end-off), 16) + "\r\n")
		b.Write(data[off:end])
		b.WriteString("\r\n")
	}
	b.WriteString("0\r\nx-amz-checksum-crc32:" + checksum + "\r\n\r\n")
	return b.Bytes()
}

func crc32Base64(data []byte) string {
	s := crc32.ChecksumIEEE(data)
	return base64.StdEncoding.EncodeToString([]byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)})
}

func TestUnsignedTrailerBody(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 10_000)
	for name, tc := range map[string]struct {
		checksum string
		wantErr  string
	}{
		"good checksum":  {crc32Base64(data), ""},
		"wrong checksum": {crc32Base64(data[1:]), "BadDigest"},
	} {
		t.Run(name, func(t *testing.T) {
			body := unsignedTrailerBody(data, 8192, tc.checksum)
			r := httptest.NewRequest(http.MethodPut, "/b/k", bytes.NewReader(body))
			r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
			r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
			b, e := openBody(r, streamingUnsignedTrail, nil)
			if e != nil {
				t.Fatal(e)
			}
			got, err := io.ReadAll(b.r)
			if tc.wantErr == "" {
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("got %d bytes, err %v", len(got), err)
				}
				return
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Code != tc.wantErr || len(got) >= len(data) {
				t.Fatalf("got %d bytes, err %v; want %s before the last byte", len(got), err, tc.wantErr)
			}
		})
	}
}

func TestDigestBody(t *testing.T) {
	data := []byte("hello, world")
	sum := sha256.Sum256(data)
	for name, tc := range map[string]struct {
		body    []byte
		wantErr string
	}{
		"matching":  {data, ""},
		"different": {[]byte("hello, World"), "XAmzContentSHA256Mismatch"},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPut, "/b/k", bytes.NewReader(tc.body))
			b, e := openBody(r, hex.EncodeToString(sum[:]), nil)
			if e != nil {
				t.Fatal(e)
			}
			got, err := io.ReadAll(b.r)
			if tc.wantErr == "" {
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if b.err == nil || b.err.Code != tc.wantErr || len(got) >= len(tc.body) {
				t.Fatalf("got %q, err %v (%v); want %s before the last byte", got, err, b.err, tc.wantErr)
			}
		})
	}
}

// One read of the example's body with a large buffer takes both data
// chunks but the held last byte: the store gets large writes, not one per
// chunk.
func TestChunkedBodyReadsAcrossChunks(t *testing.T) {
	r, caller := exampleRequest(t, exampleBody(nil))
	b, e := openBody(r, streamingSigned, caller.ChunkVerifier())
	if e != nil {
		t.Fatal(e)
	}
	buf := make([]byte, copyBufferSize)
	n, err := b.r.Read(buf)
	if n != 66559 || err != nil {
		t.Fatalf("first read: %d bytes, %v; want 66,559 (all but the held byte)", n, err)
	}
	if n, err := b.r.Read(buf); n != 1 || err != io.EOF {
		t.Fatalf("second read: %d bytes, %v; want the last byte and EOF", n, err)
	}
}
