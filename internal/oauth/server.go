package oauth

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/federation"
	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Deps are what a Server is built from.
type Deps struct {
	Users  *userpool.Service
	Ring   *secret.KeyRing
	Nonces storage.Nonces
	// PublicURL is the server's external base URL; AuthDomainBase, when
	// set, serves prefix domains as <prefix>.auth.<region>.<base>.
	PublicURL      string
	AuthDomainBase string
	// SourceIP names the client of a request (for lockouts and audit);
	// nil means its remote address.
	SourceIP func(*http.Request) string
	// Admit is asked before a request to endpoint (a path of a pool
	// domain, or "other") is served; false answers 429. nil admits all.
	Admit func(r *http.Request, endpoint string) bool
	// Observe is told of every request: its endpoint, outcome (Outcome*)
	// and duration. nil reports nothing.
	Observe func(endpoint, outcome string, d time.Duration)
	// WrongPassword is told of a wrong password typed on the pages for
	// username (for the password spray rule). nil tells nothing.
	WrongPassword func(r *http.Request, username string)
	Now           func() time.Time
	Logger        *slog.Logger
}

// Server serves the pool domains.
type Server struct {
	Deps
	ui         *loginui.UI
	federator  *federation.Federator
	mux        *http.ServeMux
	publicHost string
	// hosts remembers for a while which Host names are pool domains and
	// which are not, so API requests under other names cost no lookup.
	hosts sync.Map // host -> hostEntry
}

type hostEntry struct {
	domain  string
	expires time.Time
}

// hostTTL is how long a Host's answer is remembered: a new custom domain
// is served, and a deleted one no longer, within it.
const hostTTL = 30 * time.Second

// New returns a Server.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &Server{Deps: d, ui: loginui.New(publicOrigin(d.PublicURL)), mux: http.NewServeMux(),
		federator: &federation.Federator{Now: d.Now, Replay: d.Nonces}}
	if u, err := url.Parse(d.PublicURL); err == nil {
		s.publicHost = strings.ToLower(u.Hostname())
	}
	s.mux.HandleFunc("GET /oauth2/authorize", s.authorize)
	s.mux.HandleFunc("GET /oauth2/idpresponse", s.idpResponse)
	s.mux.HandleFunc("POST /oauth2/idpresponse", s.idpResponse)
	s.mux.HandleFunc("POST /saml2/idpresponse", s.idpResponse)
	s.mux.HandleFunc("GET /saml2/metadata", s.samlMetadata)
	s.mux.HandleFunc("POST /saml2/logout", s.samlLogout)
	// Browser apps (Amplify) call these from their own origin.
	s.mux.Handle("POST /oauth2/token", cors(s.token))
	s.mux.Handle("GET /oauth2/userInfo", cors(s.userInfo))
	s.mux.Handle("POST /oauth2/userInfo", cors(s.userInfo))
	s.mux.Handle("POST /oauth2/revoke", cors(s.revoke))
	s.mux.Handle("OPTIONS /oauth2/", cors(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	s.mux.HandleFunc("GET /logout", s.logout)
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.loginSubmit)
	s.mux.HandleFunc("POST /login/challenge", s.challengeSubmit)
	s.mux.HandleFunc("POST /login/passkey", s.passkeySubmit)
	s.mux.HandleFunc("GET "+passkeyScriptPath, passkeyScript)
	s.mux.HandleFunc("GET "+brandingAssetPath+"{client}/{category}", s.brandingAsset)
	s.mux.HandleFunc("GET /signup", s.signUpPage)
	s.mux.HandleFunc("POST /signup", s.signUpSubmit)
	s.mux.HandleFunc("GET /confirm", s.confirmPage)
	s.mux.HandleFunc("POST /confirm", s.confirmSubmit)
	s.mux.HandleFunc("GET /forgotPassword", s.forgotPage)
	s.mux.HandleFunc("POST /forgotPassword", s.forgotSubmit)
	s.mux.HandleFunc("POST /confirmForgotPassword", s.resetSubmit)
	return s
}

// publicOrigin is the scheme://host of the public URL, where logos are.
func publicOrigin(public string) string {
	u, err := url.Parse(public)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// cors lets any origin call an endpoint that authenticates by client
// credentials or bearer token, never by cookie (so no credentials mode).
func cors(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			hd.Set("Access-Control-Allow-Methods", "GET, POST")
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Amz-User-Agent, Cache-Control")
			hd.Set("Access-Control-Max-Age", "600")
		}
		h(w, r)
	})
}

// site is the pool domain a request is for.
type site struct {
	domain, poolID string
	// base is the URL the domain's endpoints are under, without a
	// trailing slash; path its path ("" at a host of its own).
	base, path string
	secure     bool
	// client is the app client of the request's flow, once known: its
	// branding styles the pages.
	client string
}

type siteKey struct{}

func siteOf(r *http.Request) *site {
	st, _ := r.Context().Value(siteKey{}).(*site)
	return st
}

// PathHandler serves <public-url>/domains/{domain}/...; mount it at
// "/domains/".
func (s *Server) PathHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/domains/")
		domain, tail, _ := strings.Cut(rest, "/")
		prefix := "/domains/" + domain
		s.serve(w, r, domain, strings.TrimSuffix(s.PublicURL, "/")+prefix, prefix, "/"+tail)
	})
}

// ByHost serves requests whose Host is a pool domain (a custom domain, or
// <prefix>.auth.<region>.<AuthDomainBase>) and passes the rest to next.
func (s *Server) ByHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if domain := s.hostDomain(r.Context(), host); domain != "" {
			scheme := "https" // as the public URL's, or the request's own TLS
			if r.TLS == nil && strings.HasPrefix(s.PublicURL, "http://") {
				scheme = "http"
			}
			s.serve(w, r, domain, scheme+"://"+r.Host, "", r.URL.Path)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostDomain returns the pool domain host names, "" for none. IP
// addresses, localhost and the public URL's host are never domains.
func (s *Server) hostDomain(ctx context.Context, host string) string {
	if host == "" || host == s.publicHost || host == "localhost" || net.ParseIP(host) != nil {
		return ""
	}
	if b := strings.ToLower(s.AuthDomainBase); b != "" {
		if rest, ok := strings.CutSuffix(host, "."+b); ok {
			if prefix, _, ok := strings.Cut(rest, ".auth."); ok {
				return prefix
			}
		}
	}
	now := s.Now()
	if e, ok := s.hosts.Load(host); ok && now.Before(e.(hostEntry).expires) {
		return e.(hostEntry).domain
	}
	domain := ""
	if _, err := s.Users.DomainPool(ctx, host); err == nil {
		domain = host
	}
	s.hosts.Store(host, hostEntry{domain: domain, expires: now.Add(hostTTL)})
	return domain
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, domain, base, path, rest string) {
	s.observed(w, r, rest, func(w http.ResponseWriter) { s.serveSite(w, r, domain, base, path, rest) })
}

func (s *Server) serveSite(w http.ResponseWriter, r *http.Request, domain, base, path, rest string) {
	poolID, err := s.Users.DomainPool(r.Context(), domain)
	if err != nil {
		s.page(w, r, http.StatusNotFound, loginui.Page{Title: "error.title", Error: "err.request"})
		return
	}
	st := &site{domain: domain, poolID: poolID, base: base, path: path, secure: strings.HasPrefix(base, "https://")}
	ctx := context.WithValue(r.Context(), siteKey{}, st)
	if s.SourceIP != nil {
		ctx = userpool.WithSourceIP(ctx, s.SourceIP(r))
	}
	r2 := r.Clone(ctx)
	r2.URL.Path, r2.URL.RawPath = rest, ""
	s.mux.ServeHTTP(w, r2)
}

// Endpoints are the URLs of a pool domain's endpoints.
type Endpoints struct {
	Authorize, Token, UserInfo, Revoke, Logout string
}

// PoolEndpoints returns the endpoints of a pool's domain (nil when it has
// none): at <prefix>.auth.<region>.<AuthDomainBase> when that is
// configured, else in the path form under the public URL.
func (s *Server) PoolEndpoints(ctx context.Context, poolID string) *Endpoints {
	prefix, custom, region, err := s.Users.PoolDomains(ctx, poolID)
	if err != nil || prefix == "" && custom == "" {
		return nil
	}
	base := strings.TrimSuffix(s.PublicURL, "/") + "/domains/"
	switch {
	case prefix != "" && s.AuthDomainBase != "":
		base = "https://" + prefix + ".auth." + region + "." + s.AuthDomainBase
	case prefix != "":
		base += prefix
	default:
		base += custom
	}
	return &Endpoints{Authorize: base + "/oauth2/authorize", Token: base + "/oauth2/token",
		UserInfo: base + "/oauth2/userInfo", Revoke: base + "/oauth2/revoke", Logout: base + "/logout"}
}
