package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/config"
)

// lambdaStandIn serves the Lambda Invoke API for one function, checking
// each invocation's SigV4 signature (service lambda) like AWS Lambda, and
// runs handler on the payload.
type lambdaStandIn struct {
	*httptest.Server
	mu       sync.Mutex
	payloads [][]byte
}

const (
	lambdaKeyID  = "AKIALAMBDASTANDIN000"
	lambdaSecret = "lambda-stand-in-secret"
)

type lambdaCreds struct{}

func (lambdaCreds) LookupCredential(_ context.Context, id, _ string) (awsproto.Credential, error) {
	if id != lambdaKeyID {
		return awsproto.Credential{}, awsproto.ErrUnknownAccessKey
	}
	return awsproto.Credential{SecretAccessKey: lambdaSecret}, nil
}

func newLambdaStandIn(t testing.TB, function string, handler func(payload []byte) (status int, header http.Header, body []byte)) *lambdaStandIn {
	l := &lambdaStandIn{}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.EscapedPath() != "/2015-03-31/functions/"+function+"/invocations" ||
			r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" {
			http.Error(w, `{"Type":"User","message":"Function not found"}`, http.StatusNotFound)
			return
		}
		if _, err := awsproto.VerifyRequest(r.Context(), awsproto.SignedRequest{Method: r.Method, Path: r.URL.EscapedPath(),
			Host: r.Host, Header: r.Header, Body: body}, "lambda", lambdaCreds{}, time.Now()); err != nil {
			http.Error(w, `{"message":"The request signature we calculated does not match"}`, http.StatusForbidden)
			return
		}
		l.mu.Lock()
		l.payloads = append(l.payloads, body)
		l.mu.Unlock()
		status, header, out := handler(body)
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = w.Write(out)
	}))
	t.Cleanup(l.Close)
	return l
}

func (l *lambdaStandIn) last(t *testing.T) []byte {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.payloads) == 0 {
		t.Fatal("the function was not invoked")
	}
	return l.payloads[len(l.payloads)-1]
}

// apiSetup is a server with a user pool, an identity pool whose
// authenticated role may invoke GET /hello, and one signed-in user with
// identity pool credentials.
type apiSetup struct {
	s                                *server
	userPoolID, clientID, identityID string
	identityPoolID, sub, idToken     string
	creds                            aws.Credentials
	gateway                          *httptest.Server
}

func newAPISetup(t *testing.T, configure func(c *config.APIGateway, upstream string), upstream string) *apiSetup {
	t.Helper()
	// The pools must exist before the gateway is configured with their
	// ids: build them on a first server, then restart on the same data.
	cfg := newConfig(t, "sqlite")
	s := start(t, cfg)
	id, key := s.app.RootCredentials()
	is := &idServer{server: s, ci: s.identityClient(id, key)}
	up := is.userPool()
	poolID := is.identityPool(false, up)
	roles := s.iamClient(false)
	result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"), AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated"))})).must(t)
	result(roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("authenticated"), PolicyName: aws.String("invoke"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
"Resource":"arn:aws:execute-api:us-east-1:000000000000:pets/prod/GET/hello"}]}`)})).must(t)
	idToken := is.idToken(up, "mia")
	logins := map[string]string{loginKey(up.poolID): idToken}
	identity := result(is.getID(poolID, logins)).must(t)
	c := result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})).must(t).Credentials
	user := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("mia")})).must(t)
	sub, _ := attrValue(user.UserAttributes, "sub")
	s.stop()

	cfg.APIGateway = config.Default().APIGateway
	cfg.APIGateway.Listen, cfg.APIGateway.Upstream = "127.0.0.1:0", upstream
	cfg.APIGateway.UserPoolID, cfg.APIGateway.IdentityPoolID = up.poolID, poolID
	cfg.APIGateway.APIID, cfg.APIGateway.Stage = "pets", "prod"
	cfg.Lambda.AccessKeyID, cfg.Lambda.SecretAccessKey, cfg.Lambda.Timeout = lambdaKeyID, lambdaSecret, 2*time.Second
	configure(&cfg.APIGateway, upstream)
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	gw := httptest.NewServer(a.APIGateway())
	t.Cleanup(gw.Close)
	return &apiSetup{s: s, userPoolID: up.poolID, clientID: up.clientID, identityID: identity, identityPoolID: poolID,
		sub: sub, idToken: idToken, gateway: gw,
		creds: aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretKey, SessionToken: *c.SessionToken}}
}

// call sends a request to the gateway, with a token or signed with creds.
func (a *apiSetup) call(t *testing.T, method, path, auth string, creds *aws.Credentials, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, a.gateway.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Cognate-Sub", "forged")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if creds != nil {
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(ctx, *creds, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// cognateOf reads requestContext.authorizer.cognate from an event.
func cognateOf(t *testing.T, payload []byte) map[string]string {
	t.Helper()
	var e struct {
		RequestContext struct {
			Authorizer struct {
				Cognate map[string]string `json:"cognate"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(payload, &e); err != nil {
		t.Fatal(err)
	}
	return e.RequestContext.Authorizer.Cognate
}

// TestAPIGatewayLambdaProxy: an unmodified Lambda proxy handler (events
// from aws-lambda-go) behind the gateway learns both ids of the caller,
// for a user pool token and for a SigV4 request with identity pool
// credentials, in AWS's requestContext fields.
func TestAPIGatewayLambdaProxy(t *testing.T) {
	fn := newLambdaStandIn(t, "pets-handler", func(payload []byte) (int, http.Header, []byte) {
		var e events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &e); err != nil {
			return 200, nil, []byte(`{"statusCode": 500}`)
		}
		out, _ := json.Marshal(events.APIGatewayProxyResponse{StatusCode: 201, Headers: map[string]string{"X-Pet": "cat"},
			MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}}, Body: "hello " + e.Path})
		return 200, nil, out
	})
	a := newAPISetup(t, func(c *config.APIGateway, _ string) {
		c.Mode, c.Function, c.Authorizer = "lambda-proxy", "pets-handler", "both"
	}, fn.URL)

	// A user pool token.
	code, header, body := a.call(t, "GET", "/hello?name=mia&name=noa", a.idToken, nil, "")
	if code != 201 || body != "hello /hello" || header.Get("X-Pet") != "cat" || len(header.Values("Set-Cookie")) != 2 {
		t.Fatalf("token call: %d %v %s", code, header, body)
	}
	var e events.APIGatewayProxyRequest
	if err := json.Unmarshal(fn.last(t), &e); err != nil {
		t.Fatal(err)
	}
	claims, _ := e.RequestContext.Authorizer["claims"].(map[string]any)
	if e.HTTPMethod != "GET" || e.Path != "/hello" || e.MultiValueQueryStringParameters["name"][1] != "noa" ||
		e.RequestContext.Stage != "prod" || e.RequestContext.APIID != "pets" || e.RequestContext.AccountID != "000000000000" ||
		claims["sub"] != a.sub || claims["cognito:username"] != "mia" || claims["token_use"] != "id" ||
		e.RequestContext.Identity.CognitoIdentityID != "" || e.RequestContext.Identity.SourceIP != "127.0.0.1" {
		t.Fatalf("token event: %+v", e)
	}
	ids := cognateOf(t, fn.last(t))
	want := map[string]string{"identityId": a.identityID, "identityPoolId": a.identityPoolID, "userPoolId": a.userPoolID, "username": "mia", "sub": a.sub}
	for k, v := range want {
		if ids[k] != v {
			t.Fatalf("token caller's cognate.%s = %q, want %q (%v)", k, ids[k], v, ids)
		}
	}

	// A SigV4 caller with identity pool credentials.
	code, _, body = a.call(t, "GET", "/hello", "", &a.creds, "")
	if code != 201 {
		t.Fatalf("signed call: %d %s", code, body)
	}
	e = events.APIGatewayProxyRequest{}
	if err := json.Unmarshal(fn.last(t), &e); err != nil {
		t.Fatal(err)
	}
	id := e.RequestContext.Identity
	provider := "cognito-idp.us-east-1.amazonaws.com/" + a.userPoolID
	if id.CognitoIdentityID != a.identityID || id.CognitoIdentityPoolID != a.identityPoolID ||
		id.CognitoAuthenticationType != "authenticated" ||
		id.CognitoAuthenticationProvider != provider+","+provider+":CognitoSignIn:"+a.sub ||
		id.AccessKey != a.creds.AccessKeyID || !strings.HasPrefix(id.UserArn, "arn:aws:sts::000000000000:assumed-role/authenticated/") {
		t.Fatalf("signed caller's identity: %+v", id)
	}
	ids = cognateOf(t, fn.last(t))
	for k, v := range want {
		if ids[k] != v {
			t.Fatalf("signed caller's cognate.%s = %q, want %q (%v)", k, ids[k], v, ids)
		}
	}

	// Refusals, as API Gateway answers them.
	for _, tc := range []struct {
		name, method, path, auth string
		creds                    *aws.Credentials
		code                     int
		message                  string
	}{
		{"no credentials", "GET", "/hello", "", nil, 401, `{"message":"Unauthorized"}`},
		{"a forged token", "GET", "/hello", tamperToken(a.idToken), nil, 401, `{"message":"Unauthorized"}`},
		{"a route the policy does not allow", "POST", "/hello", "", &a.creds, 403, "is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:pets/prod/POST/hello"},
		{"a forged signature", "GET", "/hello", "", &aws.Credentials{AccessKeyID: a.creds.AccessKeyID, SecretAccessKey: "x" + a.creds.SecretAccessKey[1:], SessionToken: a.creds.SessionToken}, 403, "signature we calculated does not match"},
	} {
		code, _, body := a.call(t, tc.method, tc.path, tc.auth, tc.creds, "")
		if code != tc.code || !strings.Contains(body, tc.message) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, code, body, tc.code, tc.message)
		}
	}
}

func tamperToken(tok string) string {
	parts := strings.Split(tok, ".")
	sig := []byte(parts[2])
	sig[10] ^= 1
	if sig[10] == '-' || sig[10] == '_' || !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", rune(sig[10])) {
		sig[10] = 'A'
	}
	return parts[0] + "." + parts[1] + "." + string(sig)
}

// TestAPIGatewayPayloadV2: the HTTP API event (payload 2.0) with the JWT
// authorizer's claims and the IAM authorizer's cognitoIdentity, and a
// function answering with a plain JSON value.
func TestAPIGatewayPayloadV2(t *testing.T) {
	fn := newLambdaStandIn(t, "v2", func(payload []byte) (int, http.Header, []byte) {
		return 200, nil, []byte(`{"ok":true}`)
	})
	a := newAPISetup(t, func(c *config.APIGateway, _ string) {
		c.Mode, c.Function, c.Authorizer, c.PayloadVersion = "lambda-proxy", "v2", "both", "2.0"
	}, fn.URL)
	code, header, body := a.call(t, "POST", "/hello", "Bearer "+a.idToken, nil, `{"pet":"cat"}`)
	if code != 200 || body != `{"ok":true}` || header.Get("Content-Type") != "application/json" {
		t.Fatalf("token call: %d %v %s", code, header, body)
	}
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(fn.last(t), &e); err != nil {
		t.Fatal(err)
	}
	if e.Version != "2.0" || e.RawPath != "/hello" || e.Body != `{"pet":"cat"}` || e.RequestContext.HTTP.Method != "POST" ||
		e.RequestContext.Authorizer == nil || e.RequestContext.Authorizer.JWT == nil ||
		e.RequestContext.Authorizer.JWT.Claims["sub"] != a.sub || e.Headers["x-cognate-sub"] != "forged" {
		t.Fatalf("v2 token event: %+v", e)
	}
	if ids := cognateOf(t, fn.last(t)); ids["identityId"] != a.identityID || ids["sub"] != a.sub {
		t.Fatalf("v2 cognate: %v", ids)
	}
	code, _, body = a.call(t, "GET", "/hello", "", &a.creds, "")
	if code != 200 {
		t.Fatalf("signed call: %d %s", code, body)
	}
	e = events.APIGatewayV2HTTPRequest{}
	if err := json.Unmarshal(fn.last(t), &e); err != nil {
		t.Fatal(err)
	}
	iamAuth := e.RequestContext.Authorizer.IAM
	if iamAuth == nil || iamAuth.CognitoIdentity.IdentityID != a.identityID || iamAuth.CognitoIdentity.IdentityPoolID != a.identityPoolID ||
		iamAuth.CognitoIdentity.AMR[0] != "authenticated" || iamAuth.AccessKey != a.creds.AccessKeyID {
		t.Fatalf("v2 IAM authorizer: %+v", iamAuth)
	}
}

// TestAPIGatewayHTTPUpstream: in http mode the backend gets both ids as
// X-Cognate-* headers, never ones the client sent, and the claims.
func TestAPIGatewayHTTPUpstream(t *testing.T) {
	var got http.Header
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("X-Backend", "yes")
		_, _ = io.WriteString(w, "backend saw "+r.URL.Path)
	}))
	t.Cleanup(backend.Close)
	a := newAPISetup(t, func(c *config.APIGateway, _ string) { c.Authorizer = "cognito-user-pools" }, backend.URL)
	code, header, body := a.call(t, "GET", "/hello", a.idToken, nil, "")
	if code != 200 || body != "backend saw /hello" || header.Get("X-Backend") != "yes" {
		t.Fatalf("%d %v %s", code, header, body)
	}
	if got.Get("X-Cognate-Sub") != a.sub || got.Get("X-Cognate-Identity-Id") != a.identityID ||
		got.Get("X-Cognate-Identity-Pool-Id") != a.identityPoolID || got.Get("X-Cognate-Username") != "mia" ||
		got.Get("X-Cognate-User-Pool-Id") != a.userPoolID || len(got.Values("X-Cognate-Sub")) != 1 {
		t.Fatalf("headers the backend got: %v", got)
	}
	raw, err := base64.RawURLEncoding.DecodeString(got.Get("X-Cognate-Claims"))
	var claims map[string]any
	if err != nil || json.Unmarshal(raw, &claims) != nil || claims["sub"] != a.sub {
		t.Fatalf("X-Cognate-Claims: %s (%v)", raw, err)
	}
	// Signed requests are not accepted by a user pool authorizer.
	if code, _, _ := a.call(t, "GET", "/hello", "", &a.creds, ""); code != 401 {
		t.Fatalf("a SigV4 request to a token-only API: %d", code)
	}
}

// TestAPIGatewayFunctionFailures: a function error is a 502, a function
// that takes too long a 504.
func TestAPIGatewayFunctionFailures(t *testing.T) {
	fn := newLambdaStandIn(t, "flaky", func(payload []byte) (int, http.Header, []byte) {
		if bytes.Contains(payload, []byte("/slow")) {
			time.Sleep(3 * time.Second)
		}
		if bytes.Contains(payload, []byte("/boom")) {
			return 200, http.Header{"X-Amz-Function-Error": {"Unhandled"}}, []byte(`{"errorType":"Error","errorMessage":"boom"}`)
		}
		return 200, nil, []byte(`"not a proxy response"`)
	})
	a := newAPISetup(t, func(c *config.APIGateway, _ string) {
		c.Mode, c.Function = "lambda-proxy", "flaky"
	}, fn.URL)
	for path, want := range map[string]int{"/boom": 502, "/slow": 504, "/malformed": 502} {
		if code, _, body := a.call(t, "GET", path, a.idToken, nil, ""); code != want {
			t.Errorf("%s: %d %s, want %d", path, code, body, want)
		}
	}
}
