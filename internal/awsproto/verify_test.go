package awsproto

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// signedAPIRequest signs a request to a resource server with the session
// credentials and returns it described for VerifyRequest.
func signedAPIRequest(t testing.TB, method, rawURL, body string, at time.Time) SignedRequest {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	err = v4.NewSigner().SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: testSessionKey, SecretAccessKey: testSecret, SessionToken: testSessionToken},
		req, hashHex([]byte(body)), "execute-api", "eu-west-1", at)
	if err != nil {
		t.Fatal(err)
	}
	h := req.Header.Clone() // as the resource server receives them
	if body != "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return SignedRequest{Method: method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Host: req.Host,
		Header: h, Body: []byte(body)}
}

func TestVerifyRequest(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	good := signedAPIRequest(t, "POST", "https://api.example.com/items/a%20b?q=1&a=2", `{"x":1}`, now)

	c, err := VerifyRequest(ctx, good, "", queryCreds(), now)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != testSessionKey || c.Session != "claims" || c.Service != "execute-api" || c.Region != "eu-west-1" {
		t.Fatalf("caller = %+v", c)
	}
	if _, err := VerifyRequest(ctx, good, "execute-api", queryCreds(), now); err != nil {
		t.Fatal(err)
	}
	withHash := good
	withHash.Body, withHash.PayloadHash = nil, hashHex([]byte(`{"x":1}`))
	if _, err := VerifyRequest(ctx, withHash, "", queryCreds(), now); err != nil {
		t.Fatalf("with payload hash: %v", err)
	}

	tamper := func(f func(r *SignedRequest)) SignedRequest {
		r := good
		r.Header = good.Header.Clone()
		f(&r)
		return r
	}
	for _, tt := range []struct {
		name    string
		req     SignedRequest
		service string
		at      time.Time
		want    string
	}{
		{"other path", tamper(func(r *SignedRequest) { r.Path = "/items/b" }), "", now, TypeInvalidSignature},
		{"other query", tamper(func(r *SignedRequest) { r.Query = "q=2&a=2" }), "", now, TypeInvalidSignature},
		{"other body", tamper(func(r *SignedRequest) { r.Body = []byte(`{"x":2}`) }), "", now, TypeInvalidSignature},
		{"other method", tamper(func(r *SignedRequest) { r.Method = "PUT" }), "", now, TypeInvalidSignature},
		{"other host", tamper(func(r *SignedRequest) { r.Host = "evil.example.com" }), "", now, TypeInvalidSignature},
		{"other token", tamper(func(r *SignedRequest) { r.Header.Set("X-Amz-Security-Token", "forged") }), "", now, TypeUnrecognizedClient},
		{"no signature", tamper(func(r *SignedRequest) { r.Header.Del("Authorization") }), "", now, TypeMissingAuthToken},
		{"wrong service", good, "s3", now, TypeInvalidSignature},
		{"too late", good, "", now.Add(16 * time.Minute), TypeInvalidSignature},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := VerifyRequest(ctx, tt.req, tt.service, queryCreds(), tt.at)
			var ae *Error
			if !errors.As(err, &ae) || ae.Type != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}

	expired := signedAPIRequest(t, "GET", "https://api.example.com/", "", now)
	expired.Header.Set("Authorization", strings.Replace(expired.Header.Get("Authorization"), testSessionKey, testExpiredKey, 1))
	_, err = VerifyRequest(ctx, expired, "", queryCreds(), now)
	var ae *Error
	if !errors.As(err, &ae) || ae.Type != TypeExpiredToken || ae.Message != "The security token included in the request is expired" {
		t.Fatalf("expired: %v", err)
	}
}

func TestCredentialChain(t *testing.T) {
	ctx := context.Background()
	chain := queryCreds()
	if c, err := chain.LookupCredential(ctx, testKey, ""); err != nil || c.Session != nil {
		t.Fatalf("root: %+v %v", c, err)
	}
	if c, err := chain.LookupCredential(ctx, testSessionKey, testSessionToken); err != nil || c.Session == nil {
		t.Fatalf("session: %+v %v", c, err)
	}
	if _, err := chain.LookupCredential(ctx, "AKIANOBODY", ""); !errors.Is(err, ErrUnknownAccessKey) {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := chain.LookupCredential(ctx, testExpiredKey, "x"); !errors.Is(err, ErrExpiredToken) {
		t.Fatalf("expired: %v", err)
	}
}

// TestJSONMuxRefusesSessionCredentials checks that temporary credentials
// cannot call a JSON service's signed operations unless it allows them.
func TestJSONMuxRefusesSessionCredentials(t *testing.T) {
	mux := NewMux(queryCreds(), MuxOptions{})
	called := false
	mux.Register(&Service{Model: cognitoModel(t), Handlers: map[string]Handler{
		"DescribeUserPool": func(ctx context.Context, body []byte) (any, error) { called = true; return nil, nil },
	}})
	srv := newHTTPTestServer(t, mux)
	c := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: aws.NewCredentialsCache(staticCreds(testSessionKey, testSessionToken))})
	_, err := c.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_abc")})
	code, msg := apiCode(t, err)
	if code != TypeAccessDenied || msg != "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: cognito-idp:DescribeUserPool" || called {
		t.Fatalf("got %s: %s (handler called: %v)", code, msg, called)
	}
	c = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: aws.NewCredentialsCache(staticCreds(testExpiredKey, "old"))})
	_, err = c.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_abc")})
	if code, _ := apiCode(t, err); code != TypeExpiredToken {
		t.Fatalf("expired: got %s", code)
	}
}

func newHTTPTestServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func staticCreds(key, token string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(key, testSecret, token)
}
