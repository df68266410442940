package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// TestPoolDomainLimitsAndMetrics: the pool domains' endpoints are limited
// per address by their quota category (a page for browsers, an RFC 6749
// style JSON error for the token endpoint, both 429 with Retry-After),
// and counted by endpoint and outcome in /metrics.
func TestPoolDomainLimitsAndMetrics(t *testing.T) {
	s := startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.RateLimits = "address:UserFederation=0.01/2,address:UserToken=0.01/1"
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
	poolID := s.oauthPool(nil)
	clientID, _ := s.oauthClient(poolID, false, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	base := s.cfg.PublicURL + "/domains/" + rpDomain
	before := s.scrape(t)

	// An authorization refused by a redirect to the client is a
	// redirect_error.
	refused := newBrowser(t).get(base + "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID},
		"redirect_uri": {rpCallback}, "identity_provider": {"NoSuchProvider"}}.Encode())
	if refused.location == nil || refused.location.Query().Get("error") == "" {
		t.Fatalf("authorize through an unknown provider: %d %v", refused.status, refused.location)
	}

	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := http.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for i, want := range []int{http.StatusBadRequest, http.StatusBadRequest, http.StatusTooManyRequests} {
		resp := post("/saml2/idpresponse", url.Values{"SAMLResponse": {"x"}})
		if resp.StatusCode != want {
			t.Errorf("SAML response %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want == http.StatusTooManyRequests && (resp.Header.Get("Retry-After") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")) {
			t.Errorf("the throttled page: %v", resp.Header)
		}
	}
	if resp := post("/oauth2/token", url.Values{"grant_type": {"authorization_code"}}); resp.StatusCode == http.StatusTooManyRequests {
		t.Fatal("the first token request was throttled")
	}
	resp, err := http.PostForm(base+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || body.Error != "too_many_requests" || resp.Header.Get("Retry-After") == "" {
		t.Errorf("the throttled token request: %d %+v %v", resp.StatusCode, body, resp.Header)
	}
	// Not limited by default: the endpoints without a limit, and paths
	// that are no endpoint.
	for range 3 {
		if resp, _ := http.Get(base + "/no-such-page"); resp.StatusCode == http.StatusTooManyRequests {
			t.Error("a path that is no endpoint was throttled")
		}
	}

	after := s.scrape(t)
	moved := func(family string, labels map[string]string) float64 {
		return metricValue(after, family, labels) - metricValue(before, family, labels)
	}
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"endpoint": "/saml2/idpresponse", "outcome": "client_error"}, 2},
		{map[string]string{"endpoint": "/saml2/idpresponse", "outcome": "throttled"}, 1},
		{map[string]string{"endpoint": "/oauth2/token", "outcome": "client_error"}, 1},
		{map[string]string{"endpoint": "/oauth2/token", "outcome": "throttled"}, 1},
		{map[string]string{"endpoint": "other", "outcome": "client_error"}, 3},
		{map[string]string{"endpoint": "/oauth2/authorize", "outcome": "redirect_error"}, 1},
	} {
		if got := moved("cognate_endpoint_requests_total", c.labels); got != c.want {
			t.Errorf("cognate_endpoint_requests_total%v moved by %v, want %v", c.labels, got, c.want)
		}
	}
	if got := moved("cognate_endpoint_request_duration_seconds", map[string]string{"endpoint": "/saml2/idpresponse"}); got != 3 {
		t.Errorf("the latency histogram of /saml2/idpresponse counted %v requests, want 3", got)
	}
	if got := moved("cognate_throttled_requests_total", map[string]string{"category": "UserFederation", "scope": "address"}); got != 1 {
		t.Errorf("throttled UserFederation requests: %v", got)
	}
}

// The "Add a passkey?" answer (/login/passkey) is a sign-in page like the
// others: limited per address as UserAuthentication and counted under its
// own name.
func TestPasskeyPromptEndpointLimited(t *testing.T) {
	s := startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.RateLimits = "address:UserAuthentication=0.01/2"
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
	s.oauthPool(nil)
	base := s.cfg.PublicURL + "/domains/" + rpDomain
	before := s.scrape(t)
	for i, want := range []int{http.StatusForbidden, http.StatusForbidden, http.StatusTooManyRequests} {
		resp, err := http.PostForm(base+"/login/passkey", url.Values{"skip": {"1"}, "prompt": {"x"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("POST /login/passkey %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	after := s.scrape(t)
	for outcome, want := range map[string]float64{"client_error": 2, "throttled": 1} {
		labels := map[string]string{"endpoint": "/login/passkey", "outcome": outcome}
		if got := metricValue(after, "cognate_endpoint_requests_total", labels) - metricValue(before, "cognate_endpoint_requests_total", labels); got != want {
			t.Errorf("cognate_endpoint_requests_total%v moved by %v, want %v", labels, got, want)
		}
	}
}

// Wrong passwords typed on the sign-in page count toward the password
// spray rule as the API's do, and a spraying address is refused the
// pages' sign-ins (429), even with a right password, while another
// address signs in.
func TestPasswordSprayOnThePages(t *testing.T) {
	s := startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.PasswordSpray, cfg.TrustedProxies = "3/10m", "127.0.0.1"
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid")
	s.user(poolID, "bystander", "Correct-Horse-9")

	signIn := func(addr, user, pw string) *page {
		t.Helper()
		b := newBrowser(t)
		b.client.Transport = forwardedFor{addr}
		login := b.get(r.conf.AuthCodeURL("st"))
		if login.status == http.StatusTooManyRequests {
			return login
		}
		return b.submit(login, map[string]string{"username": user, "password": pw})
	}
	for i := range 3 {
		if p := signIn("203.0.113.66", "user"+strconv.Itoa(i), "Summer2026!"); p.status != http.StatusBadRequest {
			t.Fatalf("wrong password %d: %d", i, p.status)
		}
	}
	if p := signIn("203.0.113.66", "bystander", "Correct-Horse-9"); p.status != http.StatusTooManyRequests || p.location != nil {
		t.Fatalf("the spraying address signed in on the pages: %d %v", p.status, p.location)
	}
	if back := signIn("198.51.100.9", "bystander", "Correct-Horse-9").callback(t); back.Get("code") == "" {
		t.Fatalf("another address cannot sign in: %v", back)
	}
}

// forwardedFor is a transport that says the request comes from addr
// (through the trusted proxy 127.0.0.1).
type forwardedFor struct{ addr string }

func (f forwardedFor) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Forwarded-For", f.addr)
	return http.DefaultTransport.RoundTrip(req)
}

// On the choice pages the password is its own step, whose form carries
// the username: the spray rule names the user by the sign-in's Session,
// so a browser that posts the same made-up name with every password is
// counted by the names it typed.
func TestPasswordSprayOnTheChoicePages(t *testing.T) {
	s := startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.PasswordSpray, cfg.TrustedProxies = "3/10m", "127.0.0.1"
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp}}}})
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain)})).must(t)
	clientID, secret := s.choiceClient(poolID)
	r := newRP(t, s, poolID, clientID, secret, "openid")

	b := newBrowser(t)
	b.client.Transport = forwardedFor{"203.0.113.67"}
	for i := range 3 {
		name := "user" + strconv.Itoa(i)
		s.user(poolID, name, "Correct-Horse-9")
		choice := b.submit(b.get(r.conf.AuthCodeURL("st")), map[string]string{"username": name})
		pw := b.submit(choice, map[string]string{"factor": "PASSWORD"})
		if !strings.Contains(pw.body, `/login/challenge"`) || !strings.Contains(pw.body, `name="password"`) {
			t.Fatalf("no password step for %s: %d\n%s", name, pw.status, pw.body)
		}
		if p := b.submit(pw, map[string]string{"password": "Summer2026!", "username": "same"}); p.status != http.StatusBadRequest || p.location != nil {
			t.Fatalf("wrong password %d: %d %v", i, p.status, p.location)
		}
	}
	if p := b.get(r.conf.AuthCodeURL("st")); p.status != http.StatusTooManyRequests {
		t.Fatalf("the spraying address is not refused: %d", p.status)
	}
}
