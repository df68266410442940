package app_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// The OAuth tests run a server whose public URL is its real address, so a
// relying party can follow the discovery document, and drive the managed
// login pages as a browser without JavaScript would: GET a page, POST its
// form with the hidden fields it carries.

const (
	rpCallback = "http://rp.test/callback"
	rpLogout   = "http://rp.test/signed-out"
	rpDomain   = "rp-login"
)

// startRP starts a server at its own URL; newApp builds the App (nil:
// app.New with opts).
func startRP(t testing.TB, backend string, newApp func(cfg config.Config) (*app.App, error), opts ...app.Option) *server {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	cfg := newConfig(t, backend)
	cfg.PublicURL = "http://" + hs.Listener.Addr().String()
	if newApp == nil {
		newApp = func(cfg config.Config) (*app.App, error) {
			return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" }, opts...)
		}
	}
	a, err := newApp(cfg)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs.Config.Handler = a.Handler()
	hs.Start()
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return s
}

// oauthPool creates a pool with the domain rpDomain, a resource server
// "api" with scope "read", and a user alice.
func (s *server) oauthPool(in *cip.CreateUserPoolInput) string {
	s.t.Helper()
	poolID := s.pool(in)
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain)})).must(s.t)
	result(s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("api"),
		Name: aws.String("API"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}})).must(s.t)
	return poolID
}

// oauthClient creates a client of the code grant with a secret (when
// secret) and returns its id and secret.
func (s *server) oauthClient(poolID string, secret bool, flows []types.OAuthFlowType, scopes ...string) (string, string) {
	s.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"}
	}
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("rp"), GenerateSecret: secret,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: flows, AllowedOAuthScopes: scopes,
		CallbackURLs: []string{rpCallback}, LogoutURLs: []string{rpLogout}, SupportedIdentityProviders: []string{"COGNITO"},
		EnableTokenRevocation: aws.Bool(true),
	})).must(s.t)
	return *out.UserPoolClient.ClientId, aws.ToString(out.UserPoolClient.ClientSecret)
}

// browser is an HTTP client with cookies that stops at the relying
// party's URLs (rp.test), as a browser would hand them to the app.
type browser struct {
	t      testing.TB
	client *http.Client
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if req.URL.Host == "rp.test" {
				return http.ErrUseLastResponse
			}
			return nil
		}}}
}

// page is a fetched page: its status, body, final URL and, when it
// redirected to the relying party, that URL.
type page struct {
	status   int
	body     string
	url      *url.URL
	location *url.URL
	header   http.Header
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := &page{status: resp.StatusCode, body: string(body), url: resp.Request.URL, header: resp.Header}
	if loc := resp.Header.Get("Location"); loc != "" {
		p.location, _ = resp.Request.URL.Parse(loc)
	}
	return p
}

func (b *browser) get(u string) *page {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

var (
	hiddenPattern = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	// textPattern finds text fields the page filled in (a browser posts them).
	textPattern   = regexp.MustCompile(`<input [^>]*type="text" id="[^"]+" name="([^"]+)" value="([^"]+)"`)
	actionPattern = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// submit posts p's form with its hidden fields and fields; drop names
// hidden fields to leave out.
func (b *browser) submit(p *page, fields map[string]string, drop ...string) *page {
	b.t.Helper()
	m := actionPattern.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no form on the page (status %d):\n%s", p.status, p.body)
	}
	form := url.Values{}
	filled := append(hiddenPattern.FindAllStringSubmatch(p.body, -1), textPattern.FindAllStringSubmatch(p.body, -1)...)
	for _, h := range filled {
		form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	for _, d := range drop {
		form.Del(d)
	}
	for k, v := range fields {
		form.Set(k, v)
	}
	action, _ := p.url.Parse(html.UnescapeString(m[1]))
	req, _ := http.NewRequest(http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// callback returns the query the browser brought back to the relying
// party, failing when the last page did not redirect there.
func (p *page) callback(t *testing.T) url.Values {
	t.Helper()
	if p.location == nil || p.location.Host != "rp.test" {
		t.Fatalf("no redirect to the relying party: status %d, body:\n%s", p.status, p.body)
	}
	return p.location.Query()
}
