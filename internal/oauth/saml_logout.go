package oauth

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/cognate-dev/cognate/internal/federation"
	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// SAML single logout (internal/federation/saml_logout.go). /logout for a
// session that a SAML provider with IDPSignout opened ends the session,
// then sends the browser to the provider with a signed LogoutRequest; the
// provider posts its LogoutResponse to /saml2/logout, which sends the
// browser on to the logout_uri. What that answer must match (the request
// id, the RelayState) and where to go next ride in a sealed cookie, as
// for a federated sign-in. A provider may also post its own LogoutRequest
// to /saml2/logout: the session it names ends, and the provider gets a
// signed LogoutResponse. Like /logout, single logout ends the browser's
// session and revokes no tokens (Cognito's GlobalSignOut and RevokeToken
// do that).

const (
	sloCookie = "cognate-slo"
	sloAAD    = "saml-logout:"
)

// pendingLogout is the content of the slo cookie.
type pendingLogout struct {
	Provider  string `json:"p"`
	RequestID string `json:"r"`
	Relay     string `json:"s"`
	Target    string `json:"t"`
	Lang      string `json:"l,omitempty"`
}

// samlSignOut sends the browser whose session ls a SAML sign-in opened to
// the provider with a LogoutRequest, when the provider signs users out
// (IDPSignout, and a SingleLogoutService in its metadata); its answer at
// /saml2/logout then sends the browser to target. It reports whether it
// answered the request; false leaves /logout's own redirect.
func (s *Server) samlSignOut(w http.ResponseWriter, r *http.Request, ls *loginSession, target, lang string) bool {
	st := siteOf(r)
	pc, err := s.Users.FederationProvider(r.Context(), st.poolID, ls.IdP, "")
	if err != nil || pc.Type != federation.TypeSAML || pc.Details["IDPSignout"] != "true" {
		return false
	}
	sp, err := s.serviceProvider(r)
	if err != nil {
		s.failPage(w, r, lang, err)
		return true
	}
	relay := base64.RawURLEncoding.EncodeToString(secret.RandomBytes(32))
	to, id, err := s.federator.StartLogout(r.Context(), toProvider(pc), sp, *ls.SAML, relay)
	if err != nil {
		// The session here is over; the provider's is not, and the user
		// must know it.
		s.Logger.Warn("oauth: SAML single logout could not start", "pool", st.poolID, "provider", pc.Name, "err", err)
		s.page(w, r, http.StatusBadGateway, loginui.Page{Lang: lang, Title: "error.title", Error: "err.generic"})
		return true
	}
	if to == "" {
		return false
	}
	sealed, err := s.Ring.SealJSON(pendingLogout{Provider: pc.Name, RequestID: id, Relay: relay, Target: target, Lang: lang},
		sloAAD+st.poolID, federation.PendingLifetime, s.Now())
	if err != nil {
		s.failPage(w, r, lang, err)
		return true
	}
	http.SetCookie(w, s.sloCookieFor(st, sealed, int(federation.PendingLifetime.Seconds())))
	http.Redirect(w, r, to, http.StatusFound)
	return true
}

// sloCookieFor is the slo cookie: SameSite=None over https, because the
// provider answers with a cross-site form post.
func (s *Server) sloCookieFor(st *site, value string, maxAge int) *http.Cookie {
	c := s.cookie(st, sloCookie, value, maxAge)
	if st.secure {
		c.SameSite = http.SameSiteNoneMode
	}
	return c
}

// samlLogout is POST /saml2/logout: a provider's LogoutResponse to a
// sign-out started at /logout, or its own LogoutRequest.
func (s *Server) samlLogout(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.request"})
		return
	}
	switch {
	case r.PostForm.Get("SAMLResponse") != "":
		s.samlLogoutResponse(w, r)
	case r.PostForm.Get("SAMLRequest") != "":
		s.samlLogoutRequest(w, r)
	default:
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.request"})
	}
}

func (s *Server) samlLogoutResponse(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	var pl pendingLogout
	c, err := r.Cookie(sloCookie)
	if err != nil || s.Ring.OpenJSON(c.Value, sloAAD+st.poolID, s.Now(), &pl) != nil {
		// No sign-out was started here by this browser (or it expired).
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.session"})
		return
	}
	http.SetCookie(w, s.sloCookieFor(st, "", -1))
	if !secret.Equal(r.PostForm.Get("RelayState"), pl.Relay) {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: pl.Lang, Title: "error.title", Error: "err.session"})
		return
	}
	pc, err := s.Users.FederationProvider(r.Context(), st.poolID, pl.Provider, "")
	if err != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: pl.Lang, Title: "error.title", Error: "err.request"})
		return
	}
	sp, err := s.serviceProvider(r)
	if err != nil {
		s.failPage(w, r, pl.Lang, err)
		return
	}
	if err := s.federator.FinishLogout(r.Context(), toProvider(pc), sp, r.PostForm.Get("SAMLResponse"), pl.RequestID); err != nil {
		s.Logger.Info("oauth: SAML logout response refused", "pool", st.poolID, "provider", pc.Name, "reason", err.Error())
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: pl.Lang, Title: "error.title", Error: "err.request"})
		return
	}
	http.Redirect(w, r, pl.Target, http.StatusSeeOther)
}

func (s *Server) samlLogoutRequest(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	encoded := r.PostForm.Get("SAMLRequest")
	ls := s.currentSession(r)
	pc := s.logoutProvider(r, ls, encoded)
	if pc == nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.request"})
		return
	}
	sp, err := s.serviceProvider(r)
	if err != nil {
		s.failPage(w, r, "", err)
		return
	}
	p := toProvider(pc)
	req, err := s.federator.ReadLogoutRequest(r.Context(), p, sp, encoded)
	if err != nil {
		s.Logger.Info("oauth: SAML logout request refused", "pool", st.poolID, "provider", pc.Name, "reason", err.Error())
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.request"})
		return
	}
	// The session ends when it is one the request names (its provider,
	// NameID and SessionIndex); a session of someone else stays. The
	// provider's page posts the request cross-site, so the browser may
	// send no session cookie (SameSite=Lax): each SessionIndex named is
	// recorded as ended, which ends the sessions it opened wherever they
	// are (currentSession). A request that names no SessionIndex ends the
	// session of the cookie only.
	for _, idx := range req.SessionIndexes {
		key := samlSessionEndKey(st.poolID, pc.Name, req.NameID, idx)
		if _, err := s.Nonces.Use(r.Context(), key, s.Now().Add(sessionTTL+time.Minute)); err != nil {
			s.failPage(w, r, "", err)
			return
		}
	}
	if ls != nil && ls.IdP == pc.Name && req.Ends(ls.SAML) {
		s.endSession(w, r, ls)
	}
	page, to, err := s.federator.LogoutResponse(r.Context(), p, sp, req.ID, federation.StatusSuccess, r.PostForm.Get("RelayState"))
	if err != nil {
		s.failPage(w, r, "", err)
		return
	}
	if to != "" {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}

// logoutProvider is the SAML provider that posted a LogoutRequest: among
// the pool's providers that sign users out (IDPSignout), the one whose
// entity id the request's issuer names, looked at first in the browser's
// session. The issuer is read unverified, only to choose the certificates
// that must then verify the request.
func (s *Server) logoutProvider(r *http.Request, ls *loginSession, encoded string) *userpool.ProviderConfig {
	issuer := federation.LogoutRequestIssuer(encoded)
	if issuer == "" {
		return nil
	}
	st := siteOf(r)
	names := s.Users.ProviderNames(r.Context(), st.poolID)
	if ls != nil && ls.IdP != "" {
		names = append([]string{ls.IdP}, names...)
	}
	for _, name := range names {
		pc, err := s.Users.FederationProvider(r.Context(), st.poolID, name, "")
		if err != nil || pc.Type != federation.TypeSAML || pc.Details["IDPSignout"] != "true" {
			continue
		}
		if id, err := s.federator.EntityID(r.Context(), toProvider(pc)); err == nil && id == issuer {
			return pc
		}
	}
	return nil
}
