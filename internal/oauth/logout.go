package oauth

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/token"
)

// logout is /logout: it ends the managed-login session (the cookie) and
// sends the browser to logout_uri (or OpenID's post_logout_redirect_uri),
// which must be one of the client's LogoutURLs exactly; otherwise an
// error page. Without either, a redirect_uri (one of the client's
// CallbackURLs) with the rest of /oauth2/authorize's parameters sends the
// browser to the sign-in page, to sign in again, as Cognito documents. A session from a SAML provider that signs users out
// (IDPSignout) goes through the provider first (saml_logout.go).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := q.Get("lang")
	clientID := q.Get("client_id")
	if hint := q.Get("id_token_hint"); hint != "" {
		// OpenID RP-initiated logout names the client by the ID token
		// (its aud); the token's signature matters not: the logout URL
		// must still be one of that client's. Given both, the client_id
		// must be the token's (RP-Initiated Logout 1.0, section 2).
		var c struct {
			Aud string `json:"aud"`
		}
		if token.Peek(hint, &c) == nil {
			if clientID != "" && clientID != c.Aud {
				s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: "err.client"})
				return
			}
			clientID = c.Aud
		}
	}
	cl, err := s.Users.OAuthClient(r.Context(), clientID)
	if err != nil || cl.PoolID != siteOf(r).poolID {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: "err.client"})
		return
	}
	target := q.Get("logout_uri")
	if target == "" {
		target = q.Get("post_logout_redirect_uri")
	}
	switch {
	case target == "" && q.Get("redirect_uri") != "":
		// Sign out, then sign in again (as someone else): the request
		// carries /oauth2/authorize's parameters, which the sign-in page
		// checks as authorize does.
		if !slices.Contains(cl.CallbackURLs, q.Get("redirect_uri")) {
			s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: "err.redirect"})
			return
		}
		target = siteOf(r).base + "/login?" + r.URL.RawQuery
	case target == "" || !slices.Contains(cl.LogoutURLs, target):
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: "err.logout"})
		return
	case q.Get("state") != "":
		target = withParams(target, url.Values{"state": {q.Get("state")}}, false)
	}
	ls := s.currentSession(r)
	s.endSession(w, r, ls)
	if ls != nil && ls.SAML != nil && s.samlSignOut(w, r, ls, target, lang) {
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}
