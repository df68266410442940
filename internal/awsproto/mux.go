package awsproto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Handler serves one operation. It gets the raw JSON body, already
// validated against the model, and returns a value to marshal as the JSON
// response (nil means {}) or an error (*Error reaches the client as is).
type Handler func(ctx context.Context, body []byte) (any, error)

// Service is one AWS JSON 1.1 service.
type Service struct {
	// TargetPrefix is the X-Amz-Target prefix; empty means Model's.
	TargetPrefix string
	// SigningName is the SigV4 service name; empty means Model's.
	SigningName string
	Model       *Model
	// Handlers maps operation names (as in the model) to handlers.
	Handlers map[string]Handler
	// SessionOperations lists the signed operations that temporary
	// credentials (a Credential with a Session, such as those STS vends)
	// may call; every other signed operation refuses them with
	// AccessDeniedException. Nil allows none.
	SessionOperations map[string]bool
	// ValidationError is the error code of input that breaks the model's
	// constraints ("1 validation error detected: Value '...' at '...'
	// failed to satisfy constraint: ..."): each AWS API has its own.
	// Empty means InvalidParameterException, as Cognito user pools
	// answer; Cognito identity pools answer TypeValidation.
	ValidationError string
	// MaxBodyBytes raises the request body limit (MuxOptions.MaxBodyBytes)
	// for the operations it names, such as those AWS documents a larger
	// request size for.
	MaxBodyBytes map[string]int64
}

// RequestInfo describes the request being served; handlers read it from
// their context with Info.
type RequestInfo struct {
	// ID is the request id sent back as x-amzn-RequestId.
	ID                 string
	Service, Operation string
	// Caller is the verified SigV4 identity; nil for an unsigned operation.
	Caller              *Caller
	SourceIP, UserAgent string
}

type infoKey struct{}

// Info returns the RequestInfo of the request ctx belongs to, or nil.
func Info(ctx context.Context) *RequestInfo {
	ri, _ := ctx.Value(infoKey{}).(*RequestInfo)
	return ri
}

// MuxOptions configures a Mux.
type MuxOptions struct {
	// MaxBodyBytes bounds request bodies; 0 means 1 MiB.
	MaxBodyBytes int64
	// Now is the clock for signature expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives internal errors (never request bodies); nil means
	// slog.Default().
	Logger *slog.Logger
	// SourceIP names the address a request comes from (aws:SourceIp, auth
	// events, rate limits): the connection's peer when nil, or an address
	// a trusted proxy forwarded.
	SourceIP func(r *http.Request) string
	// Observe, when set, is told of every request once it is answered:
	// the service's signing name ("" for an unknown target), the
	// operation, the error type ("" on success) and how long it took.
	Observe func(api, operation, errType string, d time.Duration)
	// Admit, when set, may refuse a request after it is verified and
	// validated and before its handler runs (a rate limit): it returns the
	// *Error to answer, or nil.
	Admit func(ctx context.Context, info *RequestInfo, body []byte) error
	// Trace, when set, starts a span for each request to a known
	// operation ("<signing name>.<operation>"); the handler runs under it.
	Trace func(ctx context.Context, name string) (context.Context, func(error))
}

// peerIP is the default MuxOptions.SourceIP.
func peerIP(r *http.Request) string { return sourceIP(r.RemoteAddr) }

// Mux serves every registered service on POST (any path), routing by the
// X-Amz-Target prefix, and answers CORS preflight requests.
type Mux struct {
	creds    CredentialSource
	maxBody  int64
	now      func() time.Time
	log      *slog.Logger
	sourceIP func(r *http.Request) string
	observe  func(api, operation, errType string, d time.Duration)
	admit    func(ctx context.Context, info *RequestInfo, body []byte) error
	trace    func(ctx context.Context, name string) (context.Context, func(error))
	mu       sync.Mutex // serialises Register
	services atomic.Pointer[map[string]*Service]
}

// NewMux returns a Mux that verifies signatures against creds.
func NewMux(creds CredentialSource, opts MuxOptions) *Mux {
	m := &Mux{creds: creds, maxBody: opts.MaxBodyBytes, now: opts.Now, log: opts.Logger,
		sourceIP: opts.SourceIP, observe: opts.Observe, admit: opts.Admit, trace: opts.Trace}
	if m.sourceIP == nil {
		m.sourceIP = peerIP
	}
	if m.maxBody <= 0 {
		m.maxBody = 1 << 20
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	m.services.Store(&map[string]*Service{})
	return m
}

// Register adds s. It panics if s has no model or names a handler for an
// operation the model does not define: both are programming errors. It is
// safe to call while serving.
func (m *Mux) Register(s *Service) {
	if s.Model == nil {
		panic("awsproto: Register: service without a model")
	}
	c := &Service{TargetPrefix: s.TargetPrefix, SigningName: s.SigningName, Model: s.Model,
		Handlers: maps.Clone(s.Handlers), SessionOperations: maps.Clone(s.SessionOperations),
		ValidationError: s.ValidationError, MaxBodyBytes: maps.Clone(s.MaxBodyBytes)}
	if c.ValidationError == "" {
		c.ValidationError = TypeInvalidParameter
	}
	if c.TargetPrefix == "" {
		c.TargetPrefix = s.Model.TargetPrefix()
	}
	if c.SigningName == "" {
		c.SigningName = s.Model.SigningName()
	}
	for op := range c.Handlers {
		if !c.Model.HasOperation(op) {
			panic(fmt.Sprintf("awsproto: Register: %s has no operation %q", c.TargetPrefix, op))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	next := maps.Clone(*m.services.Load())
	next[c.TargetPrefix] = c
	m.services.Store(&next)
}

// ServeHTTP implements http.Handler.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := uuid.NewString()
	h := w.Header()
	h["x-amzn-RequestId"] = []string{id} // AWS's spelling; clients match case-insensitively
	setCORS(h, r)
	if r.Method == http.MethodOptions {
		preflight(w, r)
		return
	}
	if r.Method != http.MethodPost {
		h.Set("Allow", "POST, OPTIONS")
		m.writeError(w, &Error{Type: TypeUnknownOperation, Message: "Only POST is supported.", Status: http.StatusMethodNotAllowed})
		return
	}
	start := time.Now()
	api, op := "", ""
	out, err := m.serve(r, id, &api, &op)
	errType := ""
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			m.log.LogAttrs(r.Context(), slog.LevelError, "awsproto: internal error",
				slog.String("request_id", id), slog.String("target", r.Header.Get("X-Amz-Target")), slog.Any("error", err))
			ae = internalError()
		}
		errType = ae.Type
		m.writeError(w, ae)
	} else {
		writeJSON(w, http.StatusOK, out)
	}
	if m.observe != nil {
		m.observe(api, op, errType, time.Since(start))
	}
}

// serve runs one request and returns the marshalled response body; it
// names the service and operation in api and opName once it knows them.
func (m *Mux) serve(r *http.Request, id string, api, opName *string) ([]byte, error) {
	target := r.Header.Get("X-Amz-Target")
	prefix, op, _ := strings.Cut(target, ".")
	svc := (*m.services.Load())[prefix]
	if svc == nil || op == "" || !svc.Model.HasOperation(op) || svc.Handlers[op] == nil {
		return nil, Errorf(TypeUnknownOperation, "Unknown operation %q.", target)
	}
	*api, *opName = svc.SigningName, op
	if m.trace != nil {
		ctx, end := m.trace(r.Context(), svc.SigningName+"."+op)
		r = r.WithContext(ctx)
		out, err := m.serveOp(r, id, svc, op)
		end(err)
		return out, err
	}
	return m.serveOp(r, id, svc, op)
}

// serveOp runs a request to a known operation.
func (m *Mux) serveOp(r *http.Request, id string, svc *Service, op string) ([]byte, error) {
	limit := max(m.maxBody, svc.MaxBodyBytes[op])
	body, err := readBody(r, limit)
	if err != nil {
		return nil, err
	}
	info := &RequestInfo{
		ID:        id,
		Service:   svc.SigningName,
		Operation: op,
		SourceIP:  m.sourceIP(r),
		UserAgent: r.UserAgent(),
	}
	ctx := r.Context()
	if svc.Model.RequiresSigV4(op) {
		caller, err := verifySigV4(ctx, r, body, svc.SigningName, jsonSignedHeaders, m.creds, m.now())
		if err != nil {
			return nil, err
		}
		if caller.Session != nil && !svc.SessionOperations[op] {
			return nil, accessDenied(caller, svc.SigningName, op)
		}
		info.Caller = caller
	}
	clean, verr := svc.Model.validateAs(op, body, svc.ValidationError)
	if verr != nil {
		return nil, verr
	}
	if m.admit != nil {
		if err := m.admit(ctx, info, clean); err != nil {
			return nil, err
		}
	}
	out, err := callHandler(context.WithValue(ctx, infoKey{}, info), svc.Handlers[op], clean)
	if err != nil {
		return nil, err
	}
	return marshalOutput(out)
}

// callHandler runs h, turning a panic into an error.
func callHandler(ctx context.Context, h Handler, body []byte) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("panic in handler: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, body)
}

// readBody reads r's body, up to max bytes.
func readBody(r *http.Request, max int64) ([]byte, error) {
	tooLarge := func() error {
		return Errorf(TypeSerialization, "Request body exceeds the maximum size of %d bytes.", max)
	}
	if r.ContentLength > max {
		return nil, tooLarge()
	}
	var body []byte
	var err error
	if r.ContentLength >= 0 {
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, body)
	} else {
		body, err = io.ReadAll(io.LimitReader(r.Body, max+1))
		if int64(len(body)) > max {
			return nil, tooLarge()
		}
	}
	if err != nil {
		return nil, Errorf(TypeSerialization, "Could not read the request body.")
	}
	return body, nil
}

func marshalOutput(out any) ([]byte, error) {
	switch v := out.(type) {
	case nil:
		return []byte("{}"), nil
	case json.RawMessage:
		return v, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("awsproto: marshal response: %w", err)
	}
	if string(b) == "null" {
		return []byte("{}"), nil
	}
	return b, nil
}

func (m *Mux) writeError(w http.ResponseWriter, e *Error) {
	body, err := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message,omitempty"`
	}{e.Type, e.Message})
	if err != nil {
		body = []byte(`{"__type":"InternalErrorException"}`)
	}
	w.Header()["x-amzn-ErrorType"] = []string{e.Type}
	writeJSON(w, e.HTTPStatus(), body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away: nothing to do
}

func sourceIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
