package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// functions is a stand-in for the Lambda Invoke API serving any number
// of functions, each a Go handler written with aws-lambda-go (typed with
// its events.CognitoEventUserPools* event, so that decoding Cognate's
// events proves their shape). Like AWS Lambda it checks each invocation's
// SigV4 signature (service lambda) and answers a handler's error as a
// function error (X-Amz-Function-Error: Unhandled, {errorMessage,
// errorType}). Functions are named by name or ARN; an ARN's last part
// names the function.
type functions struct {
	*httptest.Server
	mu       sync.Mutex
	handlers map[string]lambda.Handler
	calls    map[string][][]byte
}

func newFunctions(t testing.TB) *functions {
	f := &functions{handlers: map[string]lambda.Handler{}, calls: map[string][][]byte{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// handle serves function name with handler, a function aws-lambda-go
// accepts (func(ctx, Event) (Event, error) and the like).
func (f *functions) handle(name string, handler any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[name] = lambda.NewHandler(handler)
}

// arn is the ARN of function name, as a pool's LambdaConfig names it.
func arn(name string) string { return "arn:aws:lambda:us-east-1:000000000000:function:" + name }

func (f *functions) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), "/2015-03-31/functions/")
	path, ok2 := strings.CutSuffix(path, "/invocations")
	name, err := url.PathUnescape(path)
	if !ok || !ok2 || err != nil || r.Method != http.MethodPost || r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" {
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		http.Error(w, `{"Type":"User","message":"Function not found"}`, http.StatusNotFound)
		return
	}
	if _, err := awsproto.VerifyRequest(r.Context(), awsproto.SignedRequest{Method: r.Method, Path: r.URL.EscapedPath(),
		Host: r.Host, Header: r.Header, Body: body}, "lambda", lambdaCreds{}, time.Now()); err != nil {
		w.Header().Set("X-Amzn-ErrorType", "InvalidSignatureException")
		http.Error(w, `{"message":"The request signature we calculated does not match"}`, http.StatusForbidden)
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	f.mu.Lock()
	h := f.handlers[name]
	f.calls[name] = append(f.calls[name], body)
	f.mu.Unlock()
	if h == nil {
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		http.Error(w, `{"Type":"User","message":"Function not found: `+name+`"}`, http.StatusNotFound)
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

// events returns the payloads function name was invoked with.
func (f *functions) events(name string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.calls[name]...)
}

// last decodes the newest event of function name into v.
func (f *functions) last(t testing.TB, name string, v any) {
	t.Helper()
	evs := f.events(name)
	if len(evs) == 0 {
		t.Fatalf("function %s was not invoked", name)
	}
	if err := json.Unmarshal(evs[len(evs)-1], v); err != nil {
		t.Fatalf("function %s's event: %v", name, err)
	}
}

// count is how often function name was invoked.
func (f *functions) count(name string) int { return len(f.events(name)) }

// triggerServer starts a server that invokes functions through fns, signs
// for them with the stand-in's credentials and waits timeout for each.
func triggerServer(t *testing.T, backend string, fns *functions, timeout time.Duration) *server {
	cfg := newConfig(t, backend)
	cfg.Lambda.Endpoint = fns.URL
	cfg.Lambda.AccessKeyID, cfg.Lambda.SecretAccessKey, cfg.Lambda.Timeout = lambdaKeyID, lambdaSecret, timeout
	cfg.Lambda.SenderKey = testSenderKey
	return start(t, cfg)
}

// testSenderKey is the --sender-encryption-key of the trigger tests:
// bytes 0..31, base64.
const testSenderKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// triggerPool creates a pool with lc as its LambdaConfig (email
// auto-verified) and an app client allowing every flow the tests use.
func (s *server) triggerPool(lc *types.LambdaConfigType, in *cip.CreateUserPoolInput) (poolID, clientID string) {
	s.t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	in.LambdaConfig = lc
	poolID = s.pool(in)
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowCustomAuth,
		},
	})).must(s.t)
	return poolID, *out.UserPoolClient.ClientId
}

// errNope is what failing functions throw.
var errNope = errors.New("nope")

// slow is a handler that outlasts the tests' timeout.
func slow(ctx context.Context, e map[string]any) (map[string]any, error) {
	time.Sleep(700 * time.Millisecond)
	return e, nil
}
