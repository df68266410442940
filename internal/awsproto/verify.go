package awsproto

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// SignedRequest describes an HTTP request signed with AWS Signature
// Version 4 that some other server received (a resource server asking
// whether to serve it), for VerifyRequest.
type SignedRequest struct {
	Method string
	// Path is the request path as sent on the wire, percent-encoded; ""
	// means "/".
	Path string
	// Query is the raw query string, without the '?'.
	Query string
	// Host is the Host header; "" means Header's "Host".
	Host string
	// Header holds the request's headers, among them Authorization,
	// X-Amz-Date and, for temporary credentials, X-Amz-Security-Token.
	Header http.Header
	// PayloadHash is the lowercase hex SHA-256 of the body (or
	// "UNSIGNED-PAYLOAD" when the resource server accepts unsigned
	// bodies); "" means the hash of Body.
	PayloadHash string
	Body        []byte
}

// VerifyRequest checks the SigV4 signature of a described request with
// the credentials creds knows, at time now: the Authorization header's form,
// the credential scope (its service must be signingName unless that is
// ""), the date (15 minutes of skew), the session token, the payload hash
// and the signature. It returns the verified Caller, or an *Error with the
// JSON protocol's type (MissingAuthenticationTokenException,
// IncompleteSignatureException, InvalidSignatureException,
// UnrecognizedClientException, ExpiredTokenException), or another error
// from creds.
func VerifyRequest(ctx context.Context, req SignedRequest, signingName string, creds CredentialSource, now time.Time) (*Caller, error) {
	header := req.Header
	if header == nil {
		header = http.Header{}
	}
	host := req.Host
	if host == "" {
		host = header.Get("Host")
	}
	payload := req.PayloadHash
	if payload == "" {
		payload = hashHex(req.Body)
	}
	length := int64(-1)
	if v := header.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			length = n
		}
	} else if req.PayloadHash == "" {
		length = int64(len(req.Body))
	}
	path := req.Path
	if path == "" {
		path = "/"
	}
	return verify(ctx, &signedRequest{
		method:        req.Method,
		path:          path,
		rawQuery:      req.Query,
		host:          host,
		header:        header,
		contentLength: length,
		payloadHash:   payload,
	}, signingName, creds, now)
}
