package oauth

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/loginui"
)

// Every request to a pool domain passes Admit (the rate limits, wired by
// internal/app) before anything is looked up for it, and is reported to
// Observe (the metrics) with its endpoint and outcome. Endpoints are a
// fixed set of paths, so the metrics' labels stay few.

// knownEndpoints are the paths reported by name; others are "other".
var knownEndpoints = map[string]bool{
	"/oauth2/authorize": true, "/oauth2/token": true, "/oauth2/userInfo": true, "/oauth2/revoke": true,
	"/oauth2/idpresponse": true, "/saml2/idpresponse": true, "/saml2/metadata": true, "/saml2/logout": true,
	"/logout": true, "/login": true, "/login/challenge": true, "/login/passkey": true, "/signup": true, "/confirm": true,
	"/forgotPassword": true, "/confirmForgotPassword": true,
}

func endpointOf(path string) string {
	if knownEndpoints[path] {
		return path
	}
	return "other"
}

// Outcomes of a request, as Observe is told them.
const (
	OutcomeOK = "ok"
	// OutcomeRedirectError is a redirect that carries an OAuth error to
	// the client (RFC 6749 4.1.2.1): a refused authorization or
	// federated sign-in.
	OutcomeRedirectError = "redirect_error"
	OutcomeClientError   = "client_error"
	OutcomeServerError   = "server_error"
	OutcomeThrottled     = "throttled"
)

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) outcome() string {
	switch code := w.status; {
	case code == http.StatusTooManyRequests:
		return OutcomeThrottled
	case code >= 500:
		return OutcomeServerError
	case code >= 400:
		return OutcomeClientError
	case code >= 300 && code < 400:
		if u, err := url.Parse(w.Header().Get("Location")); err == nil && (u.Query().Has("error") || strings.Contains(u.Fragment, "error=")) {
			return OutcomeRedirectError
		}
	}
	return OutcomeOK
}

// observed serves r through serve, after Admit, and reports it.
func (s *Server) observed(w http.ResponseWriter, r *http.Request, rest string, serve func(http.ResponseWriter)) {
	endpoint := endpointOf(rest)
	sw := &statusWriter{ResponseWriter: w}
	start := time.Now()
	if s.Admit != nil && !s.Admit(r, endpoint) {
		s.throttled(sw, r, endpoint)
	} else {
		serve(sw)
	}
	if s.Observe != nil {
		s.Observe(endpoint, sw.outcome(), time.Since(start))
	}
}

// throttled is the answer of a rate limit (RFC 6585 429, with
// Retry-After): an RFC 6749 style JSON error from the endpoints that
// applications call, a page from those browsers see.
func (s *Server) throttled(w http.ResponseWriter, r *http.Request, endpoint string) {
	w.Header().Set("Retry-After", "1")
	switch endpoint {
	case "/oauth2/token", "/oauth2/revoke", "/oauth2/userInfo":
		w.Header().Set("Access-Control-Allow-Origin", "*")
		s.writeError(w, &oauthError{Code: "too_many_requests", Description: "Too many requests", status: http.StatusTooManyRequests}, false)
	default:
		s.ui.Render(w, http.StatusTooManyRequests, loginui.Page{Lang: r.URL.Query().Get("lang"), Title: "error.title", Error: "err.limit"})
	}
}
