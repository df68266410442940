package oauth

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/cognate-dev/cognate/internal/federation"
	"github.com/cognate-dev/cognate/internal/secret"
)

// The managed-login session: after a sign-in on the pages the browser
// holds a cookie naming the user, sealed (encrypted and authenticated)
// with the server key for an hour, so /oauth2/authorize can sign the user
// in again without the pages. The server keeps nothing while the session
// lives; /logout clears the cookie and records the session's id as ended
// (storage.Nonces, shared by every node, until the session would have
// expired), so a copy of the cookie taken before the sign-out is refused.
const (
	sessionCookie = "cognate-session"
	csrfCookie    = "cognate-csrf"
	sessionTTL    = time.Hour
)

type loginSession struct {
	// ID names the session for its revocation at /logout.
	ID       string `json:"n"`
	Pool     string `json:"p"`
	Sub      string `json:"u"`
	AuthTime int64  `json:"t"`
	// IdP and SAML are, after a SAML federated sign-in, the provider and
	// the session it opened there (NameID, SessionIndex), which /logout
	// ends at the provider when it signs users out (IDPSignout).
	IdP  string                  `json:"i,omitempty"`
	SAML *federation.SAMLSession `json:"s,omitempty"`
}

func sessionAAD(poolID string) string { return "managed-login-session:" + poolID }

func (s *Server) cookie(st *site, name, value string, maxAge int) *http.Cookie {
	path := st.path
	if path == "" {
		path = "/"
	}
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true,
		Secure: st.secure, SameSite: http.SameSiteLaxMode}
}

// startSession gives the browser the session cookie of sub and returns
// the session's id ("" when it could not).
func (s *Server) startSession(w http.ResponseWriter, st *site, sub string) string {
	return s.startSessionFrom(w, st, sub, "", nil)
}

// startSessionFrom gives the browser the session cookie of sub, signed in
// through SAML provider idp with session saml (or natively, when saml is
// nil), and returns the session's id ("" when it could not).
func (s *Server) startSessionFrom(w http.ResponseWriter, st *site, sub, idp string, saml *federation.SAMLSession) string {
	now := s.Now()
	ls := loginSession{ID: base64.RawURLEncoding.EncodeToString(secret.RandomBytes(16)), Pool: st.poolID, Sub: sub, AuthTime: now.Unix()}
	if saml != nil {
		ls.IdP, ls.SAML = idp, saml
	}
	v, err := s.Ring.SealJSON(ls, sessionAAD(st.poolID), sessionTTL, now)
	if err != nil {
		return ""
	}
	http.SetCookie(w, s.cookie(st, sessionCookie, v, int(sessionTTL/time.Second)))
	return ls.ID
}

// currentSession returns the live session of the request, nil for none.
func (s *Server) currentSession(r *http.Request) *loginSession {
	st := siteOf(r)
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	var ls loginSession
	if s.Ring.OpenJSON(c.Value, sessionAAD(st.poolID), s.Now(), &ls) != nil || ls.Pool != st.poolID || ls.ID == "" {
		return nil
	}
	// A session signed out at /logout is over, whoever still holds a
	// copy of its cookie. When the store cannot answer, no session.
	if n, err := s.Nonces.Uses(r.Context(), sessionEndKey(ls.ID)); err != nil || n > 0 {
		return nil
	}
	// So is one whose SAML session its provider ended by a LogoutRequest
	// (samlLogoutRequest), which reaches /saml2/logout cross-site, without
	// this cookie.
	if ls.SAML != nil && ls.SAML.SessionIndex != "" {
		key := samlSessionEndKey(ls.Pool, ls.IdP, ls.SAML.NameID, ls.SAML.SessionIndex)
		if n, err := s.Nonces.Uses(r.Context(), key); err != nil || n > 0 {
			return nil
		}
	}
	return &ls
}

// endSession clears the session cookie and records the session ls (nil
// when the request has none) as ended until it would have expired.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, ls *loginSession) {
	http.SetCookie(w, s.cookie(siteOf(r), sessionCookie, "", -1))
	if ls == nil {
		return
	}
	expires := time.Unix(ls.AuthTime, 0).Add(sessionTTL + time.Minute)
	if _, err := s.Nonces.Use(r.Context(), sessionEndKey(ls.ID), expires); err != nil {
		s.Logger.Error("oauth: recording a session's end", "pool", ls.Pool, "err", err)
	}
}

func sessionEndKey(id string) []byte { return secret.HashToken("managed-login-session-ended:" + id) }

// samlSessionEndKey names the SAML session (NameID, SessionIndex) of
// provider idp in a pool as ended by the provider.
func samlSessionEndKey(pool, idp, nameID, sessionIndex string) []byte {
	b, _ := json.Marshal([]string{"saml-session-ended", pool, idp, nameID, sessionIndex})
	return secret.HashToken(string(b))
}

// csrfToken returns the request's CSRF token, setting a new one in a
// cookie when it has none. Forms carry it in the hidden field _csrf, and a
// POST whose field does not match its cookie is refused (double submit;
// the cookie is HttpOnly and SameSite).
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	tok := base64.RawURLEncoding.EncodeToString(secret.RandomBytes(32))
	http.SetCookie(w, s.cookie(siteOf(r), csrfCookie, tok, 0))
	return tok
}

// csrfOK checks a POST's _csrf field against its cookie.
func csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	given := r.PostFormValue("_csrf")
	return err == nil && c.Value != "" && given != "" && secret.Equal(c.Value, given)
}
