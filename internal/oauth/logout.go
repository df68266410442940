package oauth

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/cognate-dev/cognate/internal/loginui"
)

// logout is /logout: it ends the managed-login session (the cookie) and
// sends the browser to logout_uri (or OpenID's post_logout_redirect_uri),
// which must be one of the client's LogoutURLs exactly; otherwise an
// error page.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := q.Get("lang")
	cl, err := s.Users.OAuthClient(r.Context(), q.Get("client_id"))
	if err != nil || cl.PoolID != siteOf(r).poolID {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: "err.client"})
		return
	}
	target := q.Get("logout_uri")
	if target == "" {
		target = q.Get("post_logout_redirect_uri")
	}
	if target == "" || !slices.Contains(cl.LogoutURLs, target) {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: "err.logout"})
		return
	}
	s.endSession(w, siteOf(r))
	if st := q.Get("state"); st != "" {
		target = withParams(target, url.Values{"state": {st}}, false)
	}
	http.Redirect(w, r, target, http.StatusFound)
}
