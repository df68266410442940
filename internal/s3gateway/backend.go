package s3gateway

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Backend is the S3-compatible store behind the gateway and the
// credentials the gateway signs its requests with.
type Backend struct {
	// URL is the store's endpoint, e.g. https://s3.us-east-1.amazonaws.com
	// or http://127.0.0.1:9000.
	URL             string
	AccessKeyID     string
	SecretAccessKey string
	// Region signs requests; "" means us-east-1.
	Region string
	// PathStyle addresses buckets in the path (http://host/bucket/key)
	// rather than in the host name (http://bucket.host/key).
	PathStyle bool
}

// backend forwards requests to the store, re-signed.
type backend struct {
	base   *url.URL
	cfg    Backend
	creds  aws.Credentials
	signer *v4.Signer
	client *http.Client
}

func newBackend(cfg Backend, client *http.Client) (*backend, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("s3gateway: backend URL %q must be http(s)://host[:port]", cfg.URL)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 256
		t.MaxIdleConns = 1024
		// Bodies pass through as the store sends them: no transparent
		// gzip (it would change lengths, ranges and ETags).
		t.DisableCompression = true
		// Large buffers: bodies stream through in big writes, not the
		// default 4 KiB ones.
		t.WriteBufferSize = copyBufferSize
		t.ReadBufferSize = copyBufferSize
		t.DialContext = bigWriteDialer(&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second})
		client = &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &backend{
		base:  u,
		cfg:   cfg,
		creds: aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey, Source: "cognate-s3-gateway"},
		signer: v4.NewSigner(func(o *v4.SignerOptions) {
			o.DisableURIPathEscaping = true // S3 signs the path as sent
		}),
		client: client,
	}, nil
}

// request builds a signed request to the store for a bucket and key.
func (b *backend) request(ctx context.Context, method, bucket, key, rawQuery string, header http.Header, body io.Reader, length int64) (*http.Request, error) {
	u := *b.base
	u.RawQuery = rawQuery
	path := strings.TrimSuffix(b.base.Path, "/")
	switch {
	case bucket == "":
		path += "/"
	case b.cfg.PathStyle:
		path += "/" + bucket
		if key != "" {
			path += "/" + key
		}
	default:
		u.Host = bucket + "." + u.Host
		path += "/" + key
	}
	u.Path = path
	u.RawPath = escapeKey(path)
	if body == nil {
		body = http.NoBody
		length = 0
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.URL.RawPath = u.RawPath
	req.ContentLength = length
	if length == 0 {
		req.Body = http.NoBody
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
	if err := b.signer.SignHTTP(ctx, b.creds, req, unsignedPayload, "s3", b.cfg.Region, time.Now()); err != nil {
		return nil, err
	}
	return req, nil
}

// forwardedHeaders copies the request headers the store should see: all
// but the client's signature, the aws-chunked framing, hop-by-hop headers
// and the metadata only the gateway writes.
func forwardedHeaders(in http.Header, chunked bool) http.Header {
	out := make(http.Header, len(in))
	for k, vs := range in {
		switch k {
		case "Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
			"X-Amz-Decoded-Content-Length", "X-Amz-Trailer", "Host", "Content-Length", "Expect",
			"Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer",
			"Transfer-Encoding", "Upgrade", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto":
			continue
		case "X-Amz-Sdk-Checksum-Algorithm":
			if chunked {
				// The checksum was in the trailer, which the gateway
				// verified and does not forward.
				continue
			}
		case "Content-Encoding":
			if chunked {
				vs = withoutAWSChunked(vs)
				if len(vs) == 0 {
					continue
				}
			}
		}
		if strings.HasPrefix(k, metaPrefix) {
			continue
		}
		out[k] = vs
	}
	return out
}

// withoutAWSChunked drops the aws-chunked coding from Content-Encoding.
func withoutAWSChunked(vs []string) []string {
	var out []string
	for _, v := range vs {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "aws-chunked") {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return []string{strings.Join(out, ",")}
}

// forwardedQuery is the query without a presigned URL's signature.
func forwardedQuery(raw string, presigned bool) string {
	if !presigned || raw == "" {
		return raw
	}
	var kept []string
	for part := range strings.SplitSeq(raw, "&") {
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil && presignParams[strings.ToLower(n)] {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&")
}

var presignParams = map[string]bool{
	"x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true, "x-amz-expires": true,
	"x-amz-signedheaders": true, "x-amz-signature": true, "x-amz-security-token": true,
	"x-amz-content-sha256": true,
	// Signature Version 2.
	"awsaccesskeyid": true, "signature": true, "expires": true,
}

// hopHeaders are not copied from the store's response.
var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true,
}

// bigWriteDialer dials connections that take request bodies in
// copyBufferSize writes. The transport streams a body with ReadFrom on the
// connection, and a TCP connection copies from anything but another socket
// or a file 32 KiB at a time: a 100 MiB upload would be 3,200 reads and
// writes each side of the gateway instead of 400.
func bigWriteDialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return bigWriteConn{c}, nil
	}
}

type bigWriteConn struct{ net.Conn }

// ReadFrom copies r to the connection through a pooled copyBufferSize
// buffer.
func (c bigWriteConn) ReadFrom(r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{c.Conn}, struct{ io.Reader }{r}, *buf)
}
