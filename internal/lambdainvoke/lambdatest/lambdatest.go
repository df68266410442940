// Package lambdatest is a stand-in for the AWS Lambda Invoke API for
// tests: an HTTP server that serves POST
// /2015-03-31/functions/{name}/invocations for any number of functions,
// each a Go handler written with github.com/aws/aws-lambda-go (a function
// lambda.NewHandler accepts, such as
// func(context.Context, events.CognitoEventUserPoolsPreSignup)
// (events.CognitoEventUserPoolsPreSignup, error)). Like AWS Lambda it
// checks each invocation's SigV4 signature (service lambda) and answers a
// handler's error as a function error (X-Amz-Function-Error: Unhandled,
// {"errorMessage", "errorType"}). GET /events/{name} lists the events a
// function was invoked with, for tests in another process.
package lambdatest

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// Credentials the stand-in accepts.
const (
	AccessKeyID     = "AKIALAMBDASTANDIN001"
	SecretAccessKey = "lambda-stand-in-secret-key"
)

// Server is the stand-in.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	handlers map[string]lambda.Handler
	calls    map[string][][]byte
	conns    int
}

// New starts a stand-in; Close stops it.
func New() *Server {
	s := &Server{handlers: map[string]lambda.Handler{}, calls: map[string][][]byte{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.Start()
	return s
}

// Connections is how many connections clients have opened to the stand-in.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Handle serves function name with handler.
func (s *Server) Handle(name string, handler any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[name] = lambda.NewHandler(handler)
}

// ARN is the ARN of function name, as a user pool's LambdaConfig names
// it; the stand-in serves it as name.
func ARN(name string) string { return "arn:aws:lambda:us-east-1:000000000000:function:" + name }

// Events returns the payloads function name was invoked with, oldest first.
func (s *Server) Events(name string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.calls[name]...)
}

type creds struct{}

func (creds) LookupCredential(_ context.Context, id, _ string) (awsproto.Credential, error) {
	if id != AccessKeyID {
		return awsproto.Credential{}, awsproto.ErrUnknownAccessKey
	}
	return awsproto.Credential{SecretAccessKey: SecretAccessKey}, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/events/"); ok && r.Method == http.MethodGet {
		s.serveEvents(w, name)
		return
	}
	body, _ := io.ReadAll(r.Body)
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), "/2015-03-31/functions/")
	path, ok2 := strings.CutSuffix(path, "/invocations")
	name, err := url.PathUnescape(path)
	if !ok || !ok2 || err != nil || r.Method != http.MethodPost || r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" {
		fail(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found")
		return
	}
	if _, err := awsproto.VerifyRequest(r.Context(), awsproto.SignedRequest{Method: r.Method, Path: r.URL.EscapedPath(),
		Host: r.Host, Header: r.Header, Body: body}, "lambda", creds{}, time.Now()); err != nil {
		fail(w, http.StatusForbidden, "InvalidSignatureException", "The request signature we calculated does not match")
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	s.mu.Lock()
	h := s.handlers[name]
	s.calls[name] = append(s.calls[name], body)
	s.mu.Unlock()
	if h == nil {
		fail(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
		return
	}
	out, err := h.Invoke(r.Context(), body)
	if err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		msg, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		_, _ = w.Write(msg)
		return
	}
	_, _ = w.Write(out)
}

// serveEvents answers GET /events/{name} with the events function name
// was invoked with, as a JSON array (tests in other processes read them).
func (s *Server) serveEvents(w http.ResponseWriter, name string) {
	evs := s.Events(name)
	out := make([]json.RawMessage, len(evs))
	for i, e := range evs {
		out[i] = e
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func fail(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("X-Amzn-ErrorType", errType)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"Type": "User", "message": msg})
	_, _ = w.Write(b)
}
