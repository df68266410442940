package awsproto

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// QueryService is one AWS query-protocol service (STS, IAM): form-encoded
// requests ("Action=GetRole&Version=2010-05-08&RoleName=r"), XML responses.
// Handlers are the same as for JSON services: they get the request's
// parameters as the JSON document of the operation's input (already
// validated against the model), so Op decodes them into typed inputs. Their
// output is marshalled with encoding/xml as the content of the
// <OperationResult> element.
type QueryService struct {
	// SigningName is the SigV4 service name; empty means Model's.
	SigningName string
	Model       *Model
	Handlers    map[string]Handler
	// SessionOperations lists the signed operations that temporary
	// credentials may call; see Service.SessionOperations.
	SessionOperations map[string]bool
	// ValidationError is the error code of input that breaks the model's
	// constraints; empty means ValidationError (TypeQueryValidation), as
	// STS and IAM answer.
	ValidationError string
}

// QueryMux serves query-protocol services. A request goes to the service
// its SigV4 credential scope names (sts, iam); an unsigned request goes to
// the service whose model marks its Action unsigned
// (AssumeRoleWithWebIdentity), or else to the one that defines the Action
// (and fails with MissingAuthenticationToken).
type QueryMux struct {
	creds    CredentialSource
	maxBody  int64
	now      func() time.Time
	log      *slog.Logger
	mu       sync.Mutex // serialises Register
	services atomic.Pointer[[]*QueryService]
	sourceIP func(r *http.Request) string
	observe  func(api, operation, errType string, d time.Duration)
}

// NewQueryMux returns a QueryMux that verifies signatures against creds.
func NewQueryMux(creds CredentialSource, opts MuxOptions) *QueryMux {
	m := &QueryMux{creds: creds, maxBody: opts.MaxBodyBytes, now: opts.Now, log: opts.Logger,
		sourceIP: opts.SourceIP, observe: opts.Observe}
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
	m.services.Store(&[]*QueryService{})
	return m
}

// Register adds s. It panics if s has no model or names a handler for an
// operation the model does not define. It is safe to call while serving.
func (m *QueryMux) Register(s *QueryService) {
	if s.Model == nil {
		panic("awsproto: Register: query service without a model")
	}
	c := &QueryService{SigningName: s.SigningName, Model: s.Model,
		Handlers: maps.Clone(s.Handlers), SessionOperations: maps.Clone(s.SessionOperations),
		ValidationError: s.ValidationError}
	if c.ValidationError == "" {
		c.ValidationError = TypeQueryValidation
	}
	if c.SigningName == "" {
		c.SigningName = s.Model.SigningName()
	}
	for op := range c.Handlers {
		if !c.Model.HasOperation(op) {
			panic("awsproto: Register: " + c.SigningName + " has no operation " + op)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	next := []*QueryService{}
	for _, old := range *m.services.Load() {
		if old.SigningName != c.SigningName {
			next = append(next, old)
		}
	}
	next = append(next, c)
	m.services.Store(&next)
}

// IsQueryRequest reports whether r speaks the query protocol: a POST with a
// form-encoded body and no X-Amz-Target, or a GET with an Action parameter.
func IsQueryRequest(r *http.Request) bool {
	if r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	switch r.Method {
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return err == nil && mt == "application/x-www-form-urlencoded"
	case http.MethodGet:
		return strings.Contains(r.URL.RawQuery, "Action=")
	}
	return false
}

// ServeHTTP implements http.Handler.
func (m *QueryMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := uuid.NewString()
	h := w.Header()
	h["x-amzn-RequestId"] = []string{id}
	setCORS(h, r)
	start := time.Now()
	svc, op, out, err := m.serve(r, id)
	var model *Model
	api := ""
	if svc != nil {
		model, api = svc.Model, svc.SigningName
	}
	observe := func(errType string) {
		if m.observe != nil {
			m.observe(api, op, errType, time.Since(start))
		}
	}
	if err == nil {
		var body []byte
		body, err = marshalQueryResponse(model.XMLNamespace(), op, model.ops[op].resultWrapper, out, id)
		if err == nil {
			writeXML(w, http.StatusOK, body)
			observe("")
			return
		}
	}
	var ae *Error
	if !errors.As(err, &ae) {
		m.log.LogAttrs(r.Context(), slog.LevelError, "awsproto: internal error",
			slog.String("request_id", id), slog.String("action", op), slog.Any("error", err))
		ae = internalError()
	}
	q := toQueryError(model, ae)
	ns := ""
	if model != nil {
		ns = model.XMLNamespace()
	}
	writeXML(w, q.status, marshalQueryError(ns, q, id))
	observe(q.code)
}

// serve runs one request; it returns the service and operation it chose
// (for the error's namespace) as far as it got.
func (m *QueryMux) serve(r *http.Request, id string) (*QueryService, string, any, error) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, "", nil, &Error{Type: TypeUnknownOperation, Message: "Only POST and GET are supported.", Status: http.StatusMethodNotAllowed}
	}
	params, err := m.params(r)
	if err != nil {
		return nil, "", nil, err
	}
	action := params.Get("Action")
	svc := m.route(r, params, action)
	if action == "" {
		return svc, "", nil, &Error{Type: "MissingAction", Message: "Missing Action"}
	}
	if svc == nil || !svc.Model.HasOperation(action) || svc.Handlers[action] == nil {
		return svc, "", nil, Errorf(TypeUnknownOperation, "Could not find operation %s for version %s", action, params.Get("Version"))
	}
	if v := params.Get("Version"); v != "" && v != svc.Model.APIVersion() {
		return svc, "", nil, Errorf(TypeUnknownOperation, "Could not find operation %s for version %s", action, v)
	}
	info := &RequestInfo{
		ID:        id,
		Service:   svc.SigningName,
		Operation: action,
		SourceIP:  m.sourceIP(r),
		UserAgent: r.UserAgent(),
	}
	ctx := r.Context()
	if svc.Model.RequiresSigV4(action) {
		caller, err := verify(ctx, &signedRequest{
			method:        r.Method,
			path:          r.URL.EscapedPath(),
			rawQuery:      r.URL.RawQuery,
			host:          r.Host,
			header:        r.Header,
			contentLength: r.ContentLength,
			payloadHash:   hashHex(params.body),
			mustSign:      querySignedHeaders,
		}, svc.SigningName, m.creds, m.now())
		var ae *Error
		if errors.As(err, &ae) {
			return svc, action, nil, asQueryError(ae)
		}
		if err != nil {
			return svc, action, nil, err
		}
		if caller.Session != nil && !svc.SessionOperations[action] {
			return svc, action, nil, asQueryError(accessDenied(caller, svc.SigningName, action))
		}
		info.Caller = caller
	}
	doc, verr := svc.Model.formJSON(action, params.Values)
	if verr != nil {
		return svc, action, nil, verr
	}
	clean, verr := svc.Model.validateAs(action, doc, svc.ValidationError)
	if verr != nil {
		return svc, action, nil, verr
	}
	out, err := callHandler(context.WithValue(ctx, infoKey{}, info), svc.Handlers[action], clean)
	return svc, action, out, err
}

// queryParams are a request's parameters and the raw body they came from.
type queryParams struct {
	url.Values
	body []byte
}

// params reads the parameters: the form body of a POST (after any in the
// URL's query string), or the query string of a GET.
func (m *QueryMux) params(r *http.Request) (queryParams, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return queryParams{}, malformedQuery()
	}
	if r.Method != http.MethodPost {
		return queryParams{Values: q}, nil
	}
	body, err := readBody(r, m.maxBody)
	if err != nil {
		return queryParams{}, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return queryParams{}, malformedQuery()
	}
	for k, vs := range form {
		q[k] = append(q[k], vs...)
	}
	return queryParams{Values: q, body: body}, nil
}

func malformedQuery() *Error {
	return &Error{Type: "MalformedQueryString", Message: "The query string is malformed.", Status: http.StatusNotFound}
}

// route picks the service for a request: by the credential scope of a
// signed request, else by the action.
func (m *QueryMux) route(r *http.Request, params queryParams, action string) *QueryService {
	services := *m.services.Load()
	cred := params.Get("X-Amz-Credential") // a presigned URL's
	if _, c, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		cred = c
	}
	if name := scopeService(cred); name != "" {
		for _, s := range services {
			if s.SigningName == name {
				return s
			}
		}
	}
	var defines *QueryService
	for _, s := range services {
		if !s.Model.HasOperation(action) {
			continue
		}
		if !s.Model.RequiresSigV4(action) {
			return s
		}
		if defines == nil {
			defines = s
		}
	}
	if defines == nil && len(services) > 0 {
		defines = services[0]
	}
	return defines
}

// scopeService returns the service name of a SigV4 credential
// ("AKID/20260101/us-east-1/sts/aws4_request", possibly followed by the
// rest of an Authorization header), or "".
func scopeService(cred string) string {
	if end := strings.IndexAny(cred, ", "); end >= 0 {
		cred = cred[:end]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}
