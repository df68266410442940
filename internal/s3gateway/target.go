package s3gateway

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// target is what a request addresses: a bucket and a key (either may be
// empty: the service, or a bucket), as the client addressed it: in the path
// ("path-style", /bucket/key) or in the host name ("virtual-hosted-style",
// bucket.<domain>/key).
type target struct {
	bucket string
	key    string // decoded
	// rawPath is the request path exactly as sent (what SigV4 signs for
	// S3: the path URI-encoded once, by the client).
	rawPath string
}

// locate reads the target of r. domain is the host name under which
// buckets are addressed virtually ("" for path-style only).
func locate(r *http.Request, domain string) (target, *Error) {
	raw := r.RequestURI
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	if !strings.HasPrefix(raw, "/") {
		// An absolute-form request target (http://host/path) is for proxies.
		return target{}, errInvalidRequest("The request target must be a path.")
	}
	t := target{rawPath: raw}
	path, err := url.PathUnescape(raw)
	if err != nil {
		return target{}, errInvalidArgument("The request path is not a valid URI path.")
	}
	if bucket, ok := virtualBucket(r.Host, domain); ok {
		t.bucket, t.key = bucket, strings.TrimPrefix(path, "/")
	} else {
		t.bucket, t.key, _ = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	}
	if t.bucket != "" && !validBucket(t.bucket) {
		return target{}, &Error{Status: http.StatusBadRequest, Code: "InvalidBucketName", Message: "The specified bucket is not valid."}
	}
	if !validKey(t.key) {
		return target{}, errInvalidArgument("Object keys with '.' or '..' path segments, or control characters, are not accepted by this gateway.")
	}
	return t, nil
}

// virtualBucket returns the bucket named by a host bucket.<domain>.
func virtualBucket(hostport, domain string) (string, bool) {
	if domain == "" {
		return "", false
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	bucket, ok := strings.CutSuffix(host, "."+domain)
	return bucket, ok && bucket != ""
}

// validBucket accepts S3's bucket names (3 to 63 lower-case letters,
// digits, dots and hyphens), and the legacy names of us-east-1 (up to 255
// characters, upper case and underscores too), never a character that
// means something in an ARN or a URL.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 255 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '.', c == '-', c == '_', 'A' <= c && c <= 'Z':
		default:
			return false
		}
	}
	return true
}

// validKey refuses keys whose meaning a backend might change on the way:
// "." and ".." segments, which some S3-compatible stores normalise (so a
// key that a policy sees under one folder would land in another), and
// control characters. Amazon S3 takes such keys literally; this gateway
// does not take them at all.
func validKey(k string) bool {
	if len(k) > 1024 {
		return false
	}
	for seg := range strings.SplitSeq(k, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] == 0x7f {
			return false
		}
	}
	return true
}

// objectARN and bucketARN are the resources of IAM's S3 actions.
func bucketARN(bucket string) string      { return "arn:aws:s3:::" + bucket }
func objectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// escapeKey encodes a key for a request path as the AWS SDKs do: every
// byte but the unreserved characters and '/' percent-encoded.
func escapeKey(k string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(k) + 8)
	for i := 0; i < len(k); i++ {
		c := k[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
