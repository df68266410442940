package awsproto

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	"github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

const (
	testKey     = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testToken   = "session-token-1"
	testKeySTS  = "ASIAEXAMPLE"
	testPrefix  = "AWSCognitoIdentityProviderService"
	testCreated = 1795628511896
)

// credFunc is a CredentialSource made of a function.
type credFunc func(ctx context.Context, key, token string) (Credential, error)

func (f credFunc) LookupCredential(ctx context.Context, key, token string) (Credential, error) {
	return f(ctx, key, token)
}

func testCreds() CredentialSource {
	return credFunc(func(_ context.Context, key, token string) (Credential, error) {
		switch {
		case key == testKey && token == "":
			return Credential{SecretAccessKey: testSecret, Principal: "arn:aws:iam::123456789012:user/admin"}, nil
		case key == testKeySTS && token == testToken:
			return Credential{SecretAccessKey: testSecret, Principal: "arn:aws:sts::123456789012:assumed-role/r/s"}, nil
		case key == "AKIDBROKEN":
			return Credential{}, errors.New("database is on fire")
		}
		return Credential{}, ErrUnknownAccessKey
	})
}

// fixture is a Mux serving a test cognito-idp service.
type fixture struct {
	srv  *httptest.Server
	logs *bytes.Buffer
	mu   sync.Mutex
	last *RequestInfo
}

func (f *fixture) lastInfo() *RequestInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func newFixture(t testing.TB, now func() time.Time) *fixture {
	t.Helper()
	f := &fixture{logs: &bytes.Buffer{}}
	logger := slog.New(slog.NewTextHandler(f.logs, nil))
	mux := NewMux(testCreds(), MuxOptions{Now: now, Logger: logger, MaxBodyBytes: 64 << 10})
	record := func(ctx context.Context) {
		f.mu.Lock()
		f.last = Info(ctx)
		f.mu.Unlock()
	}
	mux.Register(&Service{
		Model: cognitoModel(t),
		Handlers: map[string]Handler{
			"DescribeUserPool": Op(func(ctx context.Context, in *cognitoidp.DescribeUserPoolRequest) (*cognitoidp.DescribeUserPoolResponse, error) {
				record(ctx)
				if in.UserPoolId == "us-east-1_missing" {
					return nil, Errorf("ResourceNotFoundException", "User pool %s does not exist.", in.UserPoolId)
				}
				return &cognitoidp.DescribeUserPoolResponse{UserPool: &cognitoidp.UserPoolType{
					Id:           in.UserPoolId,
					Name:         "pool",
					CreationDate: awstime.New(time.UnixMilli(testCreated)),
				}}, nil
			}),
			"GetUser": Op(func(ctx context.Context, in *cognitoidp.GetUserRequest) (*cognitoidp.GetUserResponse, error) {
				record(ctx)
				if in.AccessToken == "revoked" {
					return nil, Errorf("NotAuthorizedException", "Access Token has been revoked")
				}
				return &cognitoidp.GetUserResponse{Username: "alice", UserAttributes: []cognitoidp.AttributeType{{Name: "email", Value: "a@example.com"}}}, nil
			}),
			"GlobalSignOut": Op(func(ctx context.Context, in *cognitoidp.GlobalSignOutRequest) (*cognitoidp.GlobalSignOutResponse, error) {
				return nil, nil
			}),
			"AdminGetUser": func(ctx context.Context, body []byte) (any, error) {
				return nil, errors.New("storage: connection refused to db.internal:5432")
			},
			"ListUsers": func(ctx context.Context, body []byte) (any, error) {
				panic("boom")
			},
		},
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) client(key, secret, token string) *cip.Client {
	return cip.New(cip.Options{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(f.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, token),
		HTTPClient:       f.srv.Client(),
		RetryMaxAttempts: 1,
	})
}

// withoutClientValidation removes the SDK's own required-member check so
// that the server's is exercised.
func withoutClientValidation(o *cip.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

func apiCode(t *testing.T, err error) (string, string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

func TestSDKSignedCall(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	out, err := f.client(testKey, testSecret, "").DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("eu-west-1_abc")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.UserPool.Id) != "eu-west-1_abc" || out.UserPool.CreationDate.UnixMilli() != testCreated {
		t.Errorf("UserPool = %+v", out.UserPool)
	}
	info := f.lastInfo()
	want := Caller{AccessKeyID: testKey, Region: "eu-west-1", Service: "cognito-idp", Principal: "arn:aws:iam::123456789012:user/admin"}
	if info == nil || info.Caller == nil || withoutSeed(*info.Caller) != want {
		t.Fatalf("Caller = %+v, want %+v", info, want)
	}
	if info.Operation != "DescribeUserPool" || info.Service != "cognito-idp" || info.SourceIP != "127.0.0.1" ||
		!strings.Contains(info.UserAgent, "aws-sdk-go-v2") || len(info.ID) != 36 {
		t.Errorf("RequestInfo = %+v", info)
	}

	// Temporary credentials: the session token is passed to the source.
	if _, err := f.client(testKeySTS, testSecret, testToken).DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("eu-west-1_abc")}); err != nil {
		t.Fatalf("session credentials: %v", err)
	}
	if c := f.lastInfo().Caller; c.SessionToken != testToken || c.Principal != "arn:aws:sts::123456789012:assumed-role/r/s" {
		t.Errorf("Caller = %+v", c)
	}
}

func TestSDKErrors(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	pool := &cip.DescribeUserPoolInput{UserPoolId: aws.String("eu-west-1_abc")}
	tests := []struct {
		name     string
		call     func() error
		wantCode string
		wantMsg  string
	}{
		{"wrong secret", func() error {
			_, err := f.client(testKey, "not-the-secret", "").DescribeUserPool(ctx, pool)
			return err
		}, "InvalidSignatureException", msgInvalidSignature},
		{"unknown key", func() error {
			_, err := f.client("AKIDUNKNOWN", testSecret, "").DescribeUserPool(ctx, pool)
			return err
		}, "UnrecognizedClientException", msgUnrecognizedClient},
		{"wrong session token", func() error {
			_, err := f.client(testKeySTS, testSecret, "stolen").DescribeUserPool(ctx, pool)
			return err
		}, "UnrecognizedClientException", msgUnrecognizedClient},
		{"missing required member", func() error {
			_, err := f.client(testKey, testSecret, "").DescribeUserPool(ctx, &cip.DescribeUserPoolInput{}, withoutClientValidation)
			return err
		}, "InvalidParameterException", "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"pattern violation", func() error {
			_, err := f.client(testKey, testSecret, "").DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("no-underscore")})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"},
		{"handler *Error", func() error {
			_, err := f.client(testKey, testSecret, "").DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_missing")})
			return err
		}, "ResourceNotFoundException", "User pool us-east-1_missing does not exist."},
		{"plain error is hidden", func() error {
			_, err := f.client(testKey, testSecret, "").AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String("eu-west-1_abc"), Username: aws.String("bob")})
			return err
		}, "InternalErrorException", "Internal server error."},
		{"panic is hidden", func() error {
			_, err := f.client(testKey, testSecret, "").ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String("eu-west-1_abc")})
			return err
		}, "InternalErrorException", "Internal server error."},
		{"op without handler", func() error {
			_, err := f.client(testKey, testSecret, "").DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String("eu-west-1_abc")})
			return err
		}, "UnknownOperationException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiCode(t, tt.call())
			if code != tt.wantCode || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("got %s %q, want %s %q", code, msg, tt.wantCode, tt.wantMsg)
			}
		})
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "connection refused") || !strings.Contains(logs, "panic in handler: boom") || !strings.Contains(logs, "request_id=") {
		t.Errorf("internal errors not logged with request id:\n%s", logs)
	}
}

func TestSDKUnsignedOp(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	// Unsigned ops ignore credentials entirely, even bogus ones.
	c := f.client("AKIDUNKNOWN", "whatever", "")
	out, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(accessToken)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Username) != "alice" || len(out.UserAttributes) != 1 {
		t.Errorf("GetUser = %+v", out)
	}
	if info := f.lastInfo(); info.Caller != nil {
		t.Errorf("unsigned op has Caller %+v", info.Caller)
	}
	_, err = c.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String("revoked")})
	var nae *types.NotAuthorizedException
	if !errors.As(err, &nae) || aws.ToString(nae.Message) != "Access Token has been revoked" {
		t.Fatalf("GetUser(revoked) = %v, want *types.NotAuthorizedException", err)
	}
	// A nil output is {}.
	if _, err := c.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String("t")}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
}

// rawResult is a hand-made request's outcome.
type rawResult struct {
	status int
	header http.Header
	Type   string `json:"__type"`
	Msg    string `json:"message"`
	body   string
}

func (f *fixture) do(t *testing.T, req *http.Request) rawResult {
	t.Helper()
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := rawResult{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if len(b) > 0 {
		_ = json.Unmarshal(b, &r)
	}
	return r
}

func (f *fixture) request(t *testing.T, target, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", testPrefix+"."+target)
	}
	return req
}

func sign(t *testing.T, req *http.Request, body string, at time.Time, secret, service string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: testKey, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
}

// signWithout signs req as sign does, but leaves the named headers out of
// the signature: they are added back after signing, as an attacker
// replaying a signature with other headers would.
func signWithout(t *testing.T, req *http.Request, body string, at time.Time, names ...string) {
	t.Helper()
	saved := http.Header{}
	for _, name := range names {
		saved[http.CanonicalHeaderKey(name)] = req.Header.Values(name)
		req.Header.Del(name)
	}
	sign(t, req, body, at, testSecret, "cognito-idp")
	auth := req.Header.Get("Authorization")
	for _, name := range names {
		if strings.Contains(auth, strings.ToLower(name)) {
			t.Fatalf("signed %s: %s", name, auth)
		}
	}
	for name, vs := range saved {
		req.Header[name] = vs
	}
}

func TestRawRequests(t *testing.T) {
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, func() time.Time { return now })
	const pool = `{"UserPoolId":"us-east-1_abc"}`
	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantType   string
		wantMsg    string
	}{
		{"signed ok", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now.Add(-5*time.Minute), testSecret, "cognito-idp")
			return r
		}, 200, "", ""},
		{"stale date", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now.Add(-20*time.Minute), testSecret, "cognito-idp")
			return r
		}, 400, TypeInvalidSignature, "Signature expired: 20260520T114000Z is now earlier than 20260520T114500Z (20260520T120000Z - 15 min.)"},
		{"future date", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now.Add(20*time.Minute), testSecret, "cognito-idp")
			return r
		}, 400, TypeInvalidSignature, "Signature not yet current: 20260520T122000Z is still later than 20260520T121500Z (20260520T120000Z + 15 min.)"},
		{"wrong service scope", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now, testSecret, "cognito-identity")
			return r
		}, 400, TypeInvalidSignature, "Credential should be scoped to correct service: 'cognito-idp'."},
		{"body tampered after signing", func() *http.Request {
			r := f.request(t, "DescribeUserPool", `{"UserPoolId":"us-east-1_evil"}`)
			sign(t, r, `{"UserPoolId":"us-east-1_evil"}`, now, testSecret, "cognito-idp")
			r.Body = io.NopCloser(strings.NewReader(`{"UserPoolId":"us-east-1_good"}`))
			return r
		}, 400, TypeInvalidSignature, msgInvalidSignature},
		{"content hash header mismatch", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
			sign(t, r, pool, now, testSecret, "cognito-idp")
			return r
		}, 400, TypeInvalidSignature, "x-amz-content-sha256"},
		{"session token not signed", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now, testSecret, "cognito-idp")
			r.Header.Set("X-Amz-Security-Token", testToken)
			return r
		}, 400, TypeInvalidSignature, "'X-Amz-Security-Token' must be a 'SignedHeader'"},
		{"target tampered after signing", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now, testSecret, "cognito-idp")
			r.Header.Set("X-Amz-Target", testPrefix+".GetUser") // GetUser is unsigned: passes auth, fails validation
			return r
		}, 400, TypeInvalidParameter, "Value null at 'accessToken'"},
		{"target not signed", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			signWithout(t, r, pool, now, "X-Amz-Target", "Content-Type")
			return r
		}, 400, TypeInvalidSignature, "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."},
		{"content type not signed", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			signWithout(t, r, pool, now, "Content-Type")
			return r
		}, 400, TypeInvalidSignature, "'Content-Type' must be a 'SignedHeader' in the AWS Authorization."},
		{"no content type, target signed", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			r.Header.Del("Content-Type")
			sign(t, r, pool, now, testSecret, "cognito-idp")
			return r
		}, 200, "", ""},
		{"signed header changed", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			sign(t, r, pool, now, testSecret, "cognito-idp")
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, TypeInvalidSignature, msgInvalidSignature},
		{"missing authorization", func() *http.Request {
			return f.request(t, "DescribeUserPool", pool)
		}, 400, TypeMissingAuthToken, "Missing Authentication Token"},
		{"garbage authorization", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
			r.Header.Set("X-Amz-Date", now.Format(amzDateFmt))
			return r
		}, 400, TypeIncompleteSignature, "requires 'Signature' parameter"},
		{"credential source failure", func() *http.Request {
			r := f.request(t, "DescribeUserPool", pool)
			creds := aws.Credentials{AccessKeyID: "AKIDBROKEN", SecretAccessKey: "x"}
			sum := sha256.Sum256([]byte(pool))
			_ = v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", now)
			return r
		}, 500, TypeInternalError, "Internal server error."},
		{"malformed JSON", func() *http.Request {
			return f.request(t, "GetUser", `{"AccessToken":`)
		}, 400, TypeSerialization, "Malformed JSON"},
		{"type mismatch", func() *http.Request {
			return f.request(t, "GetUser", `{"AccessToken":42}`)
		}, 400, TypeSerialization, "NUMBER_VALUE cannot be converted to String"},
		{"unknown target prefix", func() *http.Request {
			r := f.request(t, "", "{}")
			r.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
			return r
		}, 400, TypeUnknownOperation, ""},
		{"unknown op", func() *http.Request {
			return f.request(t, "FlyToTheMoon", "{}")
		}, 400, TypeUnknownOperation, ""},
		{"no target", func() *http.Request {
			return f.request(t, "", "{}")
		}, 400, TypeUnknownOperation, ""},
		{"oversized body", func() *http.Request {
			return f.request(t, "GetUser", `{"AccessToken":"`+strings.Repeat("a", 70<<10)+`"}`)
		}, 400, TypeSerialization, "exceeds the maximum size of 65536 bytes"},
		{"oversized chunked body", func() *http.Request {
			r := f.request(t, "GetUser", "")
			r.Body = io.NopCloser(strings.NewReader(`{"AccessToken":"` + strings.Repeat("a", 70<<10) + `"}`))
			r.ContentLength = -1
			return r
		}, 400, TypeSerialization, "exceeds the maximum size"},
		{"GET", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/", nil)
			return r
		}, 405, TypeUnknownOperation, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.do(t, tt.req())
			if res.status != tt.wantStatus || res.Type != tt.wantType || !strings.Contains(res.Msg, tt.wantMsg) {
				t.Errorf("got %d %s %q, want %d %s %q", res.status, res.Type, res.Msg, tt.wantStatus, tt.wantType, tt.wantMsg)
			}
			if len(res.header.Get("X-Amzn-Requestid")) != 36 {
				t.Errorf("x-amzn-RequestId = %q", res.header.Get("X-Amzn-Requestid"))
			}
			if ct := res.header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.wantType != "" && res.header.Get("X-Amzn-Errortype") != tt.wantType {
				t.Errorf("X-Amzn-ErrorType = %q", res.header.Get("X-Amzn-Errortype"))
			}
		})
	}
}

func TestCORS(t *testing.T) {
	f := newFixture(t, nil)
	req, _ := http.NewRequest(http.MethodOptions, f.srv.URL+"/", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent,cache-control")
	res := f.do(t, req)
	if res.status != http.StatusNoContent {
		t.Fatalf("preflight status %d", res.status)
	}
	h := res.header
	if h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || h.Get("Access-Control-Max-Age") == "" {
		t.Errorf("preflight headers %v", h)
	}
	allowed := h.Get("Access-Control-Allow-Headers")
	for _, want := range []string{"content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "authorization",
		"x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "amz-sdk-invocation-id", "amz-sdk-request"} {
		if !strings.Contains(allowed, want) {
			t.Errorf("Allow-Headers %q lacks %s", allowed, want)
		}
	}

	post := f.request(t, "GetUser", `{"AccessToken":"t"}`)
	post.Header.Set("Origin", "https://app.example.com")
	res = f.do(t, post)
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(res.header.Get("Access-Control-Expose-Headers"), "x-amzn-RequestId") {
		t.Errorf("actual response: %d %v", res.status, res.header)
	}
}

func TestRegisterRejectsUnknownHandler(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Register accepted a handler for an operation the model lacks")
		}
	}()
	NewMux(testCreds(), MuxOptions{}).Register(&Service{Model: cognitoModel(t), Handlers: map[string]Handler{"Nope": nil}})
}

// withoutSeed is c without the signature a streaming upload's chunks
// would chain from, for comparing callers.
func withoutSeed(c Caller) Caller {
	c.seed = nil
	return c
}
