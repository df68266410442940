package s3gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// Config configures a Gateway.
type Config struct {
	Backend Backend
	// Domain is the host name under which clients address buckets
	// virtually (bucket.Domain); "" accepts path-style requests only.
	Domain string
	// Metadata stamps objects with their writer's ids
	// (x-amz-meta-cognate-identity-id, -user-pool-id, -sub).
	Metadata bool
	// Credentials verifies signatures: the root credentials and the
	// temporary credentials STS vends.
	Credentials awsproto.CredentialSource
	Authorizer  Authorizer
	// Audit records writes and refusals; nil records nothing.
	Audit  Recorder
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient talks to the backend; nil means a pooled client.
	HTTPClient *http.Client
	// Secure reports that the gateway's listener serves TLS
	// (aws:SecureTransport).
	Secure bool
	// Observe, when set, is told how each request ended: "allowed"
	// (forwarded), "denied" (by policy), "unauthenticated" (its signature or
	// credentials did not verify) or "error".
	Observe func(decision string)
}

// Caller is the verified sender of a request, as the access log and the
// audit log name it.
type Caller struct {
	AccessKeyID string
	// Root reports the root credentials, which may do everything the
	// gateway maps.
	Root           bool
	RoleARN        string
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
}

// Env is what the gateway knows of a request besides its permissions:
// the trusted condition keys aws:SourceIp and aws:SecureTransport.
type Env struct {
	SourceIP string
	Secure   bool
}

// Authorizer decides for verified callers.
type Authorizer interface {
	// Describe names the sender of a verified request.
	Describe(c *awsproto.Caller) Caller
	// Authorize decides each check for a caller that is not root: true
	// when the caller's policies allow it.
	Authorize(ctx context.Context, c *awsproto.Caller, env Env, checks []Check) ([]bool, error)
}

// Event is an audit record of the gateway.
type Event struct {
	// Type is EventObjectWritten or EventAccessDenied.
	Type      string
	Caller    Caller
	Operation string
	Bucket    string
	Key       string
	// Action is the permission that was refused (EventAccessDenied).
	Action    string
	RequestID string
	Status    int
}

// Audit event types.
const (
	EventObjectWritten = "S3ObjectWritten"
	EventAccessDenied  = "S3AccessDenied"
)

// Recorder keeps audit events; it must not block for long.
type Recorder interface {
	RecordS3(ctx context.Context, e Event)
}

// Gateway is the S3 gateway's HTTP handler.
type Gateway struct {
	cfg     Config
	backend *backend
	log     *slog.Logger
	now     func() time.Time
}

// New returns a gateway for cfg.
func New(cfg Config) (*Gateway, error) {
	b, err := newBackend(cfg.Backend, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	if cfg.Credentials == nil || cfg.Authorizer == nil {
		return nil, errors.New("s3gateway: credentials and an authorizer are required")
	}
	g := &Gateway{cfg: cfg, backend: b, log: cfg.Logger, now: cfg.Now}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	g.cfg.Domain = strings.ToLower(strings.Trim(cfg.Domain, "."))
	return g, nil
}

// exchange is one request on its way through the gateway.
type exchange struct {
	w         http.ResponseWriter
	r         *http.Request
	ids       requestIDs
	start     time.Time
	target    target
	op        *operation
	caller    Caller
	verified  *awsproto.Caller
	status    int
	bytesOut  int64
	denied    string // the action refused, if any
	sourceIP  string
	responded bool
}

// ServeHTTP authenticates, authorizes and forwards one S3 request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isPreflight(r) {
		preflight(w, r)
		return
	}
	setCORS(w.Header(), r)
	x := &exchange{w: w, r: r, ids: newRequestIDs(), start: g.now(), sourceIP: sourceIP(r)}
	defer g.accessLog(x)
	if err := g.serve(x); err != nil {
		if x.responded {
			return // the backend's answer is on its way; nothing to add
		}
		x.status = err.Status
		writeError(w, r, x.ids, err)
	}
}

func (g *Gateway) serve(x *exchange) *Error {
	r := x.r
	t, e := locate(r, g.cfg.Domain)
	if e != nil {
		return e
	}
	x.target = t
	mode, e := g.authenticate(x)
	if e != nil {
		return e
	}
	query := r.URL.Query()
	x.op = classify(r.Method, t, query, r.Header)
	if x.op == nil {
		x.denied = "unmapped " + r.Method
		g.audit(x, EventAccessDenied)
		return errAccessDenied()
	}
	b, e := openBody(r, mode, x.verified.ChunkVerifier())
	if e != nil {
		return e
	}
	if x.op.deleteObjects {
		data, e := b.readAll(deleteBodyLimit)
		if e != nil {
			return e
		}
		checks, e := deleteChecks(t.bucket, data)
		if e != nil {
			return e
		}
		x.op.checks = checks
		b = &body{r: strings.NewReader(string(data)), length: int64(len(data))}
	}
	if e := g.authorize(x, mode); e != nil {
		return e
	}
	if e := b.buffered(); e != nil {
		return e
	}
	return g.forward(x, b, mode)
}

// deleteBodyLimit bounds DeleteObjects' body: 1,000 keys of up to 1,024
// bytes, with their XML.
const deleteBodyLimit = 2 << 20

// authenticate verifies the request's signature and returns the payload
// mode it signed (x-amz-content-sha256).
func (g *Gateway) authenticate(x *exchange) (string, *Error) {
	r := x.r
	mode := r.Header.Get("X-Amz-Content-Sha256")
	query := r.URL.Query()
	if r.Header.Get("Authorization") == "" && isPresignedV2(query) {
		caller, e := verifyPresignedV2(r.Context(), r, x.target, g.cfg.Domain, g.cfg.Credentials, g.now())
		if e != nil {
			return "", e
		}
		x.verified, x.caller = caller, g.cfg.Authorizer.Describe(caller)
		return unsignedPayload, nil
	}
	presigned := r.Header.Get("Authorization") == "" && query.Has("X-Amz-Signature")
	switch {
	case presigned:
		mode = unsignedPayload
	case strings.HasPrefix(r.Header.Get("Authorization"), "AWS "):
		return "", errInvalidRequest("Signature Version 2 is accepted in presigned URLs only; sign requests with Signature Version 4.")
	case r.Header.Get("Authorization") == "":
		x.denied = "anonymous"
		g.audit(x, EventAccessDenied)
		return "", errAccessDenied()
	case mode == "":
		return "", errInvalidRequest("Missing required header for this request: x-amz-content-sha256")
	}
	caller, err := awsproto.VerifyRequest(r.Context(), awsproto.SignedRequest{
		Method: r.Method, Path: x.target.rawPath, Query: r.URL.RawQuery, Host: r.Host,
		Header: r.Header, PayloadHash: mode,
	}, "s3", g.cfg.Credentials, g.now())
	if err != nil {
		return "", g.authError(err)
	}
	x.verified = caller
	x.caller = g.cfg.Authorizer.Describe(caller)
	return mode, nil
}

// authError words a SigV4 failure as S3 does.
func (g *Gateway) authError(err error) *Error {
	var ae *awsproto.Error
	if !errors.As(err, &ae) {
		g.log.Error("s3gateway: verify signature", "err", err)
		return errInternal()
	}
	switch ae.Type {
	case awsproto.TypeMissingAuthToken:
		return errAccessDenied()
	case awsproto.TypeUnrecognizedClient:
		return errInvalidAccessKeyID()
	case awsproto.TypeExpiredToken:
		return errExpiredToken()
	case awsproto.TypeIncompleteSignature:
		return errMalformedAuth(ae.Message)
	case awsproto.TypeInvalidSignature:
		switch {
		case strings.HasPrefix(ae.Message, "Signature expired") && strings.Contains(ae.Message, "+"):
			return errRequestExpired()
		case strings.HasPrefix(ae.Message, "Signature expired"), strings.HasPrefix(ae.Message, "Signature not yet current"):
			return errTimeSkewed()
		case strings.HasPrefix(ae.Message, "The provided 'x-amz-content-sha256'"):
			return errContentSHA256Mismatch()
		case strings.HasPrefix(ae.Message, "Credential should be scoped"), strings.HasPrefix(ae.Message, "Date in Credential"),
			strings.Contains(ae.Message, "must be a 'SignedHeader'"):
			return errMalformedAuth(ae.Message)
		}
		return errSignatureDoesNotMatch()
	}
	return errAccessDenied()
}

// authorize decides the operation's checks; one refused check refuses the
// request.
func (g *Gateway) authorize(x *exchange, mode string) *Error {
	if x.caller.Root {
		return nil
	}
	authType := "REST-HEADER"
	if x.verified.Presigned {
		authType = "REST-QUERY-STRING"
	}
	checks := make([]Check, len(x.op.checks))
	for i, c := range x.op.checks {
		ctx := make(map[string][]string, len(c.Context)+3)
		for k, v := range c.Context {
			ctx[k] = v
		}
		ctx["s3:authType"] = []string{authType}
		ctx["s3:signatureversion"] = []string{"AWS4-HMAC-SHA256"}
		ctx["s3:x-amz-content-sha256"] = []string{mode}
		checks[i] = Check{Action: c.Action, Resource: c.Resource, Context: ctx}
	}
	allowed, err := g.cfg.Authorizer.Authorize(x.r.Context(), x.verified, Env{SourceIP: x.sourceIP, Secure: g.cfg.Secure}, checks)
	if err != nil {
		g.log.Error("s3gateway: authorize", "err", err, "request_id", x.ids.request)
		return errInternal()
	}
	for i, ok := range allowed {
		if !ok {
			x.denied = checks[i].Action + " " + checks[i].Resource
			g.audit(x, EventAccessDenied)
			return errAccessDenied()
		}
	}
	if len(allowed) != len(checks) {
		return errInternal()
	}
	return nil
}

// forward sends the request to the backend, re-signed, and streams the
// answer back.
func (g *Gateway) forward(x *exchange, b *body, mode string) *Error {
	r, t := x.r, x.target
	ctx := r.Context()
	header := forwardedHeaders(r.Header, strings.HasPrefix(mode, "STREAMING-"))
	if x.op.stamp && g.cfg.Metadata {
		if x.op.name == "CopyObject" {
			if e := g.replaceCopiedMetadata(ctx, x.op.copySource, header); e != nil {
				return e
			}
		}
		stamp(header, x.caller)
	}
	req, err := g.backend.request(ctx, r.Method, t.bucket, t.key, forwardedQuery(r.URL.RawQuery, x.verified.Presigned), header, b.r, b.length)
	if err != nil {
		g.log.Error("s3gateway: backend request", "err", err)
		return errInternal()
	}
	resp, err := g.backend.client.Do(req)
	if err != nil {
		if b.err != nil {
			return b.err
		}
		if ctx.Err() != nil {
			return errIncompleteBody()
		}
		g.log.Warn("s3gateway: backend", "err", err, "request_id", x.ids.request)
		return errBackendUnavailable()
	}
	defer resp.Body.Close()
	if b.err != nil {
		// The store answered before the body failed verification (an
		// early refusal); the client hears about its body.
		return b.err
	}
	h := x.w.Header()
	for k, vs := range resp.Header {
		switch {
		case hopHeaders[k]:
		case strings.HasPrefix(k, "X-Amz-"):
			// S3 sends its own headers in lower case; clients that read
			// user metadata from header names (boto3) keep that case.
			h[strings.ToLower(k)] = vs
		default:
			h[k] = vs
		}
	}
	x.status = resp.StatusCode
	x.responded = true
	x.w.WriteHeader(resp.StatusCode)
	if r.Method != http.MethodHead {
		buf := copyBuffers.Get().(*[]byte)
		// Neither side may pick its own (smaller) buffer: both are hidden.
		n, err := io.CopyBuffer(struct{ io.Writer }{x.w}, struct{ io.Reader }{resp.Body}, *buf)
		copyBuffers.Put(buf)
		x.bytesOut = n
		if err != nil && ctx.Err() == nil {
			g.log.Warn("s3gateway: copy response", "err", err, "request_id", x.ids.request)
		}
	}
	if x.op.write && resp.StatusCode < 300 {
		g.audit(x, EventObjectWritten)
	}
	return nil
}

// copyBufferSize is the size of the writes that stream bodies: large
// enough that a 100 MiB object is a few hundred system calls each way.
const copyBufferSize = 256 << 10

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// metaPrefix starts the metadata the gateway writes; clients cannot set
// it.
const metaPrefix = "X-Amz-Meta-Cognate-"

// stamp adds the writer's ids to a write's metadata.
func stamp(h http.Header, c Caller) {
	for k := range h {
		if strings.HasPrefix(k, metaPrefix) {
			delete(h, k)
		}
	}
	set := func(name, v string) {
		if v != "" {
			h.Set(metaPrefix+name, v)
		}
	}
	set("Identity-Id", c.IdentityID)
	set("User-Pool-Id", c.UserPoolID)
	set("Sub", c.UserSub)
}

// replaceCopiedMetadata turns a CopyObject that copies its source's
// metadata into one that replaces it with the same metadata, so the copy
// can carry its writer's ids: the source's content headers and user
// metadata are read from the backend (the caller was allowed to read the
// source).
func (g *Gateway) replaceCopiedMetadata(ctx context.Context, src *copySource, h http.Header) *Error {
	if strings.EqualFold(h.Get("X-Amz-Metadata-Directive"), "REPLACE") {
		return nil
	}
	q := ""
	if src.versionID != "" {
		q = "versionId=" + escapeKey(src.versionID)
	}
	req, err := g.backend.request(ctx, http.MethodHead, src.bucket, src.key, q, http.Header{}, nil, 0)
	if err != nil {
		return errInternal()
	}
	resp, err := g.backend.client.Do(req)
	if err != nil {
		return errBackendUnavailable()
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Let the copy itself meet the error and report it.
		return nil
	}
	h.Set("X-Amz-Metadata-Directive", "REPLACE")
	for k, vs := range resp.Header {
		switch {
		case strings.HasPrefix(k, metaPrefix):
		case strings.HasPrefix(k, "X-Amz-Meta-"), k == "Content-Type", k == "Content-Encoding",
			k == "Content-Disposition", k == "Content-Language", k == "Cache-Control", k == "Expires":
			if _, set := h[k]; !set {
				h[k] = vs
			}
		}
	}
	return nil
}

// audit records an event about the exchange.
func (g *Gateway) audit(x *exchange, typ string) {
	if g.cfg.Audit == nil {
		return
	}
	op := ""
	if x.op != nil {
		op = x.op.name
	}
	g.cfg.Audit.RecordS3(context.WithoutCancel(x.r.Context()), Event{
		Type: typ, Caller: x.caller, Operation: op, Bucket: x.target.bucket, Key: x.target.key,
		Action: x.denied, RequestID: x.ids.request, Status: x.status,
	})
}

// accessLog writes one line per request, naming both ids of the caller.
func (g *Gateway) accessLog(x *exchange) {
	if g.cfg.Observe != nil {
		decision := "error"
		switch {
		case x.responded:
			decision = "allowed"
		case x.denied != "":
			decision = "denied"
		case x.verified == nil:
			decision = "unauthenticated"
		}
		g.cfg.Observe(decision)
	}
	op := ""
	if x.op != nil {
		op = x.op.name
	}
	status := x.status
	if status == 0 {
		status = http.StatusOK
	}
	g.log.Info("s3",
		"request_id", x.ids.request, "method", x.r.Method, "operation", op,
		"bucket", x.target.bucket, "key", x.target.key, "status", status, "bytes_out", x.bytesOut,
		"ms", strconv.FormatFloat(float64(g.now().Sub(x.start).Microseconds())/1000, 'f', 3, 64),
		"access_key", x.caller.AccessKeyID, "identity_id", x.caller.IdentityID,
		"identity_pool_id", x.caller.IdentityPoolID, "user_pool_id", x.caller.UserPoolID,
		"username", x.caller.Username, "sub", x.caller.UserSub, "denied", x.denied, "source_ip", x.sourceIP)
}

// sourceIP is the client's address (aws:SourceIp).
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// String describes the gateway for the start-up log.
func (g *Gateway) String() string {
	style := "virtual-hosted"
	if g.backend.cfg.PathStyle {
		style = "path-style"
	}
	return fmt.Sprintf("S3 gateway to %s (%s, region %s)", g.backend.base.Redacted(), style, g.backend.cfg.Region)
}
