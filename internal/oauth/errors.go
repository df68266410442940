package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// oauthError is an RFC 6749 error (5.2 for the token endpoint, 4.1.2.1
// for redirects).
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	status      int
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

func errInvalidRequest(desc string) *oauthError {
	return &oauthError{Code: "invalid_request", Description: desc, status: http.StatusBadRequest}
}
func errInvalidClient(desc string) *oauthError {
	return &oauthError{Code: "invalid_client", Description: desc, status: http.StatusUnauthorized}
}
func errInvalidGrant(desc string) *oauthError {
	return &oauthError{Code: "invalid_grant", Description: desc, status: http.StatusBadRequest}
}
func errUnauthorizedClient(desc string) *oauthError {
	return &oauthError{Code: "unauthorized_client", Description: desc, status: http.StatusBadRequest}
}
func errInvalidScope(desc string) *oauthError {
	return &oauthError{Code: "invalid_scope", Description: desc, status: http.StatusBadRequest}
}

// writeError writes err as an RFC 6749 JSON error body: an *oauthError as
// it is, a user pool error as invalid_grant, anything else as
// server_error (logged, not shown).
func (s *Server) writeError(w http.ResponseWriter, err error, basic bool) {
	var oe *oauthError
	var ue *userpool.Error
	switch {
	case errors.As(err, &oe):
	case errors.As(err, &ue):
		oe = errInvalidGrant(ue.Message)
	default:
		s.Logger.Error("oauth: token endpoint", "err", err)
		oe = &oauthError{Code: "server_error", status: http.StatusInternalServerError}
	}
	h := w.Header()
	if oe.status == http.StatusUnauthorized && basic {
		h.Set("WWW-Authenticate", `Basic realm="token"`)
	}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(oe.status)
	_ = json.NewEncoder(w).Encode(oe)
}

// redirectError sends the browser back to a checked redirect_uri with an
// error (RFC 6749 4.1.2.1), in the fragment for the implicit grant.
func redirectError(w http.ResponseWriter, r *http.Request, req *authRequest, code, desc string) {
	v := url.Values{"error": {code}}
	if desc != "" {
		v.Set("error_description", desc)
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	http.Redirect(w, r, withParams(req.Redirect, v, req.ResponseType == "token"), http.StatusFound)
}

// withParams adds v to u's query, or as its fragment.
func withParams(u string, v url.Values, fragment bool) string {
	if fragment {
		return u + "#" + v.Encode()
	}
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	for k, vs := range v {
		q[k] = vs
	}
	p.RawQuery = q.Encode()
	return p.String()
}
