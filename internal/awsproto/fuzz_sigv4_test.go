package awsproto

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var fuzzNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// FuzzSigV4Headers feeds arbitrary signature headers and presigned query
// strings to the verifier: every refusal must be an *Error with a type and
// message (never a panic or an internal error), and nothing but the real
// key's signature may pass.
func FuzzSigV4Headers(f *testing.F) {
	good := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + hashHex(nil)
	f.Add(good, "20261126T120000Z", "", "", "")
	f.Add(good, "20261126T120000.5Z", "tok", "", "UNSIGNED-PAYLOAD")
	f.Add("AWS4-HMAC-SHA256 Credential=/2026/x, SignedHeaders=, Signature=", "", "", "Thu, 26 Nov 2026 12:00:00 GMT", "")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/cognito-idp/aws4_request,SignedHeaders=host,Signature=0", "2026", "", "", "")
	f.Add("", "", "", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20261126T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00")
	f.Add("", "", "", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1&X-Amz-Date=x")
	f.Fuzz(func(t *testing.T, authz, amzDate, token, date, query string) {
		h := http.Header{}
		for k, v := range map[string]string{"Authorization": authz, "X-Amz-Date": amzDate, "X-Amz-Security-Token": token, "Date": date} {
			if v != "" {
				h.Set(k, v)
			}
		}
		r := &signedRequest{method: "POST", path: "/", rawQuery: query, host: "cognito.test", header: h,
			contentLength: 0, payloadHash: hashHex(nil)}
		c, err := verify(context.Background(), r, "", testCreds(), fuzzNow)
		if err == nil {
			t.Fatalf("forged signature accepted: %+v", c)
		}
		var ae *Error
		if !errors.As(err, &ae) || ae.Type == "" || ae.Message == "" || ae.HTTPStatus() >= 500 {
			t.Fatalf("verify: %#v", err)
		}
	})
}

// FuzzSigV4RoundTrip signs arbitrary requests with the AWS SDK's signer:
// every one must verify, and must stop verifying when the body changes.
func FuzzSigV4RoundTrip(f *testing.F) {
	f.Add("/", "", "x-amz-target", "AWSCognitoIdentityProviderService.GetUser", []byte(`{"AccessToken":"a"}`))
	f.Add("/a%20b/c", "Action=GetCallerIdentity&Version=2011-06-15", "x-custom", "  two  spaces ", []byte{})
	f.Add("/%2F//", "a=1&a=2&b=%E2%82%AC", "x-amz-meta", "é", []byte{0, 0xff})
	f.Fuzz(func(t *testing.T, path, query, hname, hval string, body []byte) {
		u := &url.URL{Scheme: "http", Host: "cognito.test", RawPath: path, RawQuery: query}
		if p, err := url.PathUnescape(path); err == nil {
			u.Path = p
		} else {
			return
		}
		if u.EscapedPath() != path || bytes.ContainsAny([]byte(path), "?#") {
			return
		}
		req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		if hname != "" {
			if !validHeader(hname, hval) {
				return
			}
			req.Header.Set(hname, hval)
		}
		sum := hashHex(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret},
			req, sum, "cognito-idp", "us-east-1", fuzzNow); err != nil {
			return
		}
		if _, err := verifySigV4(context.Background(), req, body, "cognito-idp", jsonSignedHeaders, testCreds(), fuzzNow); err != nil {
			t.Fatalf("SDK-signed request refused: %v (path %q query %q)", err, req.URL.EscapedPath(), req.URL.RawQuery)
		}
		if _, err := verifySigV4(context.Background(), req, append(body, 'x'), "cognito-idp", jsonSignedHeaders, testCreds(), fuzzNow); err == nil {
			t.Fatal("signature verified for a changed body")
		}
	})
}

// validHeader reports whether name and value can travel in an HTTP/1.1
// header at all.
func validHeader(name, value string) bool {
	if http.CanonicalHeaderKey(name) == "Authorization" || http.CanonicalHeaderKey(name) == "Host" {
		return false
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`()<>@,;:\"/[]?={}`), c) >= 0 {
			return false
		}
	}
	for _, c := range []byte(value) {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return name != ""
}
