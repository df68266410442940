package awsproto

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Caller is the verified SigV4 identity of a signed request.
type Caller struct {
	AccessKeyID string
	// Region and Service come from the credential scope.
	Region, Service string
	// Principal is what the CredentialSource returned for the key, e.g. an
	// IAM user or assumed-role ARN.
	Principal    string
	SessionToken string
	// Session is the CredentialSource's description of temporary
	// credentials (nil for long-term ones such as the root credentials).
	Session any
	// Presigned reports a signature carried in the query string.
	Presigned bool
	// seed is the verified signature and its key, which sign the chunks
	// of a streaming upload (see ChunkVerifier).
	seed *seedSignature
}

// Credential is what a CredentialSource returns for an access key.
type Credential struct {
	SecretAccessKey string
	Principal       string
	// Session is non-nil for temporary credentials (a session token's
	// contents); it reaches handlers as Caller.Session. Services refuse
	// temporary credentials except for the operations they allow (see
	// Service.SessionOperations).
	Session any
}

// CredentialSource resolves access keys for SigV4 verification. It returns
// ErrUnknownAccessKey (possibly wrapped) for an unknown key or a session
// token that does not belong to it, and ErrExpiredToken (possibly wrapped)
// for a genuine session token whose lifetime is over; clients see each
// protocol's wording of those. It may return an *Error, which is passed to
// the client as is. Any other error is logged and answered with
// InternalErrorException.
type CredentialSource interface {
	LookupCredential(ctx context.Context, accessKeyID, sessionToken string) (Credential, error)
}

// CredentialChain asks each source in turn and returns the first answer
// that is not ErrUnknownAccessKey.
type CredentialChain []CredentialSource

// LookupCredential implements CredentialSource.
func (c CredentialChain) LookupCredential(ctx context.Context, accessKeyID, sessionToken string) (Credential, error) {
	for _, src := range c {
		cred, err := src.LookupCredential(ctx, accessKeyID, sessionToken)
		if !errors.Is(err, ErrUnknownAccessKey) {
			return cred, err
		}
	}
	return Credential{}, ErrUnknownAccessKey
}

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	amzDateFmt   = "20060102T150405Z"
	maxSkew      = 15 * time.Minute
)

// sigV4Auth is a parsed Authorization header.
type sigV4Auth struct {
	accessKeyID, date, region, service, terminator string
	signedHeaders                                  []string
	signedHeadersRaw                               string
	signature                                      string
	presigned                                      bool // from the query string
}

// signedRequest is the part of an HTTP request that a SigV4 signature
// covers.
type signedRequest struct {
	method, path, rawQuery, host string // path as escaped on the wire
	header                       http.Header
	contentLength                int64 // -1 when unknown
	payloadHash                  string
	// mustSign names the headers (in lower case) that the signature must
	// cover whenever the request carries them: those that choose what a
	// request does, so that a signature cannot be replayed as another
	// operation (X-Amz-Target) or another reading of the body
	// (Content-Type). See signedOperationHeaders.
	mustSign []string
}

// Headers a protocol's signature must cover when a request carries them.
// Every AWS SDK (aws-sdk-go-v2, botocore, the JS SDK v3) signs all the
// headers it sends but a few hop-by-hop ones, so these are always signed by
// them; a signature over "host;x-amz-date" alone would otherwise let anyone
// holding one signed AdminGetUser send it as AdminDisableUser.
var (
	// jsonSignedHeaders are the AWS JSON protocol's: the operation and the
	// body's media type.
	jsonSignedHeaders = []string{"x-amz-target", "content-type"}
	// querySignedHeaders are the query protocol's, whose operation is in
	// the signed body or query string.
	querySignedHeaders = []string{"content-type"}
)

// verifySigV4 checks the AWS Signature Version 4 of r (whose body has been
// read into body) for the given signing name; the signature must cover the
// headers named in mustSign that r carries.
func verifySigV4(ctx context.Context, r *http.Request, body []byte, signingName string, mustSign []string, creds CredentialSource, now time.Time) (*Caller, error) {
	return verify(ctx, &signedRequest{
		method:        r.Method,
		path:          r.URL.EscapedPath(),
		rawQuery:      r.URL.RawQuery,
		host:          r.Host,
		header:        r.Header,
		contentLength: r.ContentLength,
		payloadHash:   hashHex(body),
		mustSign:      mustSign,
	}, signingName, creds, now)
}

// verify checks the signature of r; an empty signingName accepts any
// service in the credential scope. See
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
func verify(ctx context.Context, r *signedRequest, signingName string, creds CredentialSource, now time.Time) (*Caller, error) {
	var (
		auth          *sigV4Auth
		token         string
		pre           *presign
		err           error
		amzDate       string
		signedAt      time.Time
		headerPayload = r.header.Get("X-Amz-Content-Sha256")
	)
	if header := r.header.Get("Authorization"); header != "" {
		if auth, err = parseAuthorization(header); err != nil {
			return nil, err
		}
		token = r.header.Get("X-Amz-Security-Token")
		if token != "" && !slices.Contains(auth.signedHeaders, "x-amz-security-token") {
			return nil, Errorf(TypeInvalidSignature, "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.")
		}
		if amzDate, signedAt, err = requestDate(r); err != nil {
			return nil, err
		}
	} else {
		if pre, err = parsePresigned(r.rawQuery); err != nil {
			return nil, err
		}
		if pre == nil {
			return nil, &Error{Type: TypeMissingAuthToken, Message: msgMissingAuthToken}
		}
		auth, token, amzDate, signedAt = pre.auth, pre.token, pre.amzDate, pre.signedAt
		if pre.payload != "" {
			headerPayload = pre.payload
		}
	}
	if auth.terminator != "aws4_request" {
		return nil, Errorf(TypeInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", auth.terminator)
	}
	if signingName != "" && auth.service != signingName {
		return nil, Errorf(TypeInvalidSignature, "Credential should be scoped to correct service: '%s'. ", signingName)
	}
	if !slices.Contains(auth.signedHeaders, "host") {
		return nil, Errorf(TypeInvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	for _, name := range r.mustSign {
		if len(r.header.Values(name)) > 0 && !slices.Contains(auth.signedHeaders, name) {
			return nil, Errorf(TypeInvalidSignature, "'%s' must be a 'SignedHeader' in the AWS Authorization.", http.CanonicalHeaderKey(name))
		}
	}
	if amzDate[:8] != auth.date {
		return nil, Errorf(TypeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", auth.date, amzDate[:8], amzDate)
	}

	cred, err := creds.LookupCredential(ctx, auth.accessKeyID, token)
	switch {
	case errors.Is(err, ErrUnknownAccessKey):
		return nil, &Error{Type: TypeUnrecognizedClient, Message: msgUnrecognizedClient}
	case errors.Is(err, ErrExpiredToken):
		return nil, &Error{Type: TypeExpiredToken, Message: msgExpiredToken}
	}
	if err != nil {
		return nil, fmt.Errorf("awsproto: look up access key: %w", err)
	}

	now = now.UTC()
	switch {
	case pre != nil && now.After(signedAt.Add(pre.expires)):
		return nil, Errorf(TypeInvalidSignature, "Signature expired: %s is now earlier than %s (%s + %d s.)",
			signedAt.Add(pre.expires).Format(amzDateFmt), now.Format(amzDateFmt), amzDate, int(pre.expires/time.Second))
	case pre == nil && now.Sub(signedAt) > maxSkew:
		return nil, Errorf(TypeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-maxSkew).Format(amzDateFmt), now.Format(amzDateFmt))
	case signedAt.Sub(now) > maxSkew:
		return nil, Errorf(TypeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(maxSkew).Format(amzDateFmt), now.Format(amzDateFmt))
	}

	payloadHash := r.payloadHash
	if h := headerPayload; h != "" {
		// A presigned URL may leave a request without a body unsigned.
		unsigned := pre != nil && h == unsignedPayload && payloadHash == emptyHash
		if !unsigned && !strings.EqualFold(h, payloadHash) {
			return nil, Errorf(TypeInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		payloadHash = h
	}
	key := signingKey(cred.SecretAccessKey, auth.date, auth.region, auth.service)
	ok := signatureMatches(r, auth, key, amzDate, payloadHash)
	if !ok && pre != nil && headerPayload == "" && payloadHash == emptyHash {
		// botocore presigns with UNSIGNED-PAYLOAD, and says so only in the
		// canonical request; a request without a body loses nothing.
		ok = signatureMatches(r, auth, key, amzDate, unsignedPayload)
	}
	if !ok {
		return nil, &Error{Type: TypeInvalidSignature, Message: msgInvalidSignature}
	}
	return &Caller{
		AccessKeyID:  auth.accessKeyID,
		Region:       auth.region,
		Service:      auth.service,
		Principal:    cred.Principal,
		SessionToken: token,
		Session:      cred.Session,
		Presigned:    pre != nil,
		seed: &seedSignature{key: key, amzDate: amzDate, signature: strings.ToLower(auth.signature),
			scope: auth.date + "/" + auth.region + "/" + auth.service + "/" + auth.terminator},
	}, nil
}

// signatureMatches reports whether auth's signature is the one key makes
// for r with the given payload hash.
func signatureMatches(r *signedRequest, auth *sigV4Auth, key []byte, amzDate, payloadHash string) bool {
	scope := auth.date + "/" + auth.region + "/" + auth.service + "/" + auth.terminator
	canonical := canonicalRequest(r, auth, payloadHash)
	stringToSign := sigAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + hashHex([]byte(canonical))
	want := hex.EncodeToString(hmacSHA256(key, stringToSign))
	return hmac.Equal([]byte(want), []byte(strings.ToLower(auth.signature)))
}

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=AKID/20260101/
// us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date,
// Signature=hex".
func parseAuthorization(h string) (*sigV4Auth, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != sigAlgorithm {
		return nil, Errorf(TypeIncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", alg)
	}
	var cred, signed, sig string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	var missing []string
	for _, p := range []struct{ name, val string }{{"Credential", cred}, {"Signature", sig}, {"SignedHeaders", signed}} {
		if p.val == "" {
			missing = append(missing, "Authorization header requires '"+p.name+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return nil, Errorf(TypeIncompleteSignature, "%s Authorization=%s", strings.Join(missing, " "), h)
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[0] == "" || len(scope[1]) != 8 {
		return nil, Errorf(TypeIncompleteSignature, "Credential should have the form 'AccessKeyId/YYYYMMDD/region/service/aws4_request'.")
	}
	return &sigV4Auth{
		accessKeyID:      scope[0],
		date:             scope[1],
		region:           scope[2],
		service:          scope[3],
		terminator:       scope[4],
		signedHeadersRaw: signed,
		signedHeaders:    strings.Split(signed, ";"),
		signature:        sig,
	}, nil
}

// requestDate returns the request's X-Amz-Date (or Date) in ISO 8601 basic
// form and as a time.
func requestDate(r *signedRequest) (string, time.Time, error) {
	if v := r.header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(amzDateFmt, v)
		if err != nil {
			return "", time.Time{}, Errorf(TypeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", v)
		}
		return v, t, nil
	}
	if v := r.header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return "", time.Time{}, Errorf(TypeIncompleteSignature, "Date header is not a valid HTTP date: '%s'.", v)
		}
		return t.UTC().Format(amzDateFmt), t, nil
	}
	return "", time.Time{}, Errorf(TypeIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
}

func canonicalRequest(r *signedRequest, auth *sigV4Auth, payloadHash string) string {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.method)
	b.WriteByte('\n')
	path := r.path
	if path == "" {
		path = "/"
	}
	if signsPathOnce(auth.service) {
		b.WriteString(path)
	} else {
		b.WriteString(uriEncode(path, false))
	}
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.rawQuery, auth.presigned))
	b.WriteByte('\n')
	for _, name := range auth.signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(auth.signedHeadersRaw)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// signsPathOnce reports whether a service's requests sign the path as
// sent (URI-encoded once): Amazon S3's. Every other service encodes the
// sent path again ("Each path segment must be URI-encoded twice (except
// for Amazon S3 which only gets URI-encoded once)").
func signsPathOnce(service string) bool {
	return service == "s3" || service == "s3express" || strings.HasPrefix(service, "s3-")
}

func canonicalHeaderValue(r *signedRequest, name string) string {
	var values []string
	switch name {
	case "host":
		values = []string{r.host}
	default:
		values = r.header[http.CanonicalHeaderKey(name)]
		if len(values) == 0 && name == "content-length" && r.contentLength >= 0 {
			values = []string{strconv.FormatInt(r.contentLength, 10)}
		}
	}
	if len(values) == 1 {
		return collapseSpaces(values[0])
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = collapseSpaces(v)
	}
	return strings.Join(out, ",")
}

// collapseSpaces trims v and collapses runs of spaces to one.
func collapseSpaces(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	return strings.Join(strings.Fields(v), " ")
}

// canonicalQuery sorts and encodes the query; a presigned request's
// signature parameter is left out.
func canonicalQuery(raw string, presigned bool) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw // the signature will not match
	}
	if presigned {
		delete(q, "X-Amz-Signature")
	}
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, kv{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	slices.SortFunc(pairs, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes everything but unreserved characters (and '/'
// unless encodeSlash), as SigV4 specifies.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
