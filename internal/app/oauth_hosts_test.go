package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Pool domains by Host header: a prefix domain under --auth-domain-base,
// and a custom domain by its own name; the discovery document names the
// host form.
func TestOAuthDomainsByHost(t *testing.T) {
	cfg := newConfig(t, "sqlite")
	cfg.AuthDomainBase = "cognate.example"
	s := start(t, cfg)
	poolID := s.oauthPool(nil)
	clientID, _ := s.oauthClient(poolID, false, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("login.example.org"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/abc")}})).must(t)

	serve := func(host, target string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.app.Handler().ServeHTTP(rec, req)
		return rec
	}
	rec := serve("cognate.test", "/"+poolID+"/.well-known/openid-configuration")
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	prefixHost := "rp-login.auth.us-east-1.cognate.example"
	if doc["authorization_endpoint"] != "https://"+prefixHost+"/oauth2/authorize" || doc["token_endpoint"] != "https://"+prefixHost+"/oauth2/token" {
		t.Fatalf("discovery %v", doc)
	}

	q := url.Values{"client_id": {clientID}, "redirect_uri": {rpCallback}, "response_type": {"code"}, "scope": {"openid"}}.Encode()
	for _, host := range []string{prefixHost, "login.example.org", "LOGIN.example.org:443"} {
		rec := serve(host, "/oauth2/authorize?"+q)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusFound || !strings.HasPrefix(loc, "http://"+host+"/login?") {
			t.Fatalf("%s: %d %q", host, rec.Code, loc)
		}
		page := serve(host, "/login?"+q)
		if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `action="http://`+host+`/login"`) {
			t.Fatalf("%s sign-in page: %d\n%s", host, page.Code, page.Body)
		}
	}
	// Other hosts are the API's.
	if rec := serve("other.example.net", "/oauth2/authorize?"+q); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown host: %d", rec.Code)
	}
}
