package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/google/uuid"
)

const (
	cookieName = "cognate_console"
	// preCookie carries the CSRF token of the sign-in form (double submit:
	// nobody is signed in yet).
	preCookie   = "cognate_console_pre"
	sessionAAD  = "console-session"
	pendingAAD  = "console-mfa"
	maxLifetime = 12 * time.Hour
	// touchEvery: a session's cookie is re-sealed with the new time of its
	// last request at most this often.
	touchEvery = time.Minute
)

// session is what the sealed session cookie carries.
type session struct {
	ID    string `json:"id"`
	Admin string `json:"admin"`
	CSRF  string `json:"csrf"`
	Start int64  `json:"start"` // unix seconds
	Seen  int64  `json:"seen"`
	// Sub is a pool admin's sub ("" for root): each request checks that
	// the user is still enabled and in the group admins.
	Sub string `json:"sub,omitempty"`
}

func newEventID() string {
	id, err := uuid.NewV7()
	if err != nil {
		id = uuid.New()
	}
	return id.String()
}

// secure reports whether cookies get the Secure attribute: over https.
func (c *Console) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(c.d.PublicURL, "https://")
}

// revokedKey is the nonce that marks a signed-out session.
func revokedKey(id string) []byte { return secret.HashToken("console-session:" + id) }

// session returns the request's session, or false when there is none, it
// is idle past the timeout, or it was signed out. It renews the cookie's
// time of the last request.
func (c *Console) session(w http.ResponseWriter, r *http.Request) (*session, bool) {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil, false
	}
	now := c.d.Now()
	var s session
	if c.d.Ring.OpenJSON(ck.Value, sessionAAD, now, &s) != nil {
		return nil, false
	}
	if now.Sub(time.Unix(s.Seen, 0)) > c.d.IdleTimeout {
		return nil, false
	}
	if n, err := c.d.Store.Nonces().Uses(r.Context(), revokedKey(s.ID)); err != nil || n > 0 {
		return nil, false
	}
	if s.Sub != "" && !c.stillAdmin(r.Context(), s.Sub) {
		return nil, false
	}
	if now.Sub(time.Unix(s.Seen, 0)) >= touchEvery {
		s.Seen = now.Unix()
		c.setSession(w, r, &s)
	}
	return &s, true
}

// setSession writes the sealed session cookie.
func (c *Console) setSession(w http.ResponseWriter, r *http.Request, s *session) {
	now := c.d.Now()
	left := time.Unix(s.Start, 0).Add(maxLifetime).Sub(now)
	text, err := c.d.Ring.SealJSON(s, sessionAAD, left, now)
	if err != nil {
		c.d.Logger.Error("console: seal session", "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: text, Path: Prefix, HttpOnly: true,
		Secure: c.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// stillAdmin reports whether the admin pool's user sub is enabled and in
// the group admins.
func (c *Console) stillAdmin(ctx context.Context, sub string) bool {
	u, err := c.d.Store.Users().GetBySub(ctx, c.d.AdminPoolID, sub)
	if err != nil || !u.Enabled {
		return false
	}
	groups, err := c.d.Store.Groups().OfUser(ctx, c.d.AdminPoolID, sub)
	if err != nil {
		return false
	}
	for _, g := range groups {
		if g.Name == AdminGroup {
			return true
		}
	}
	return false
}

// startSession signs admin in (sub: a pool admin's sub, or "" for root).
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, admin, sub string) *session {
	now := c.d.Now().Unix()
	s := &session{
		ID: secret.RandomString(32, secret.Alnum), Admin: admin, Sub: sub,
		CSRF: secret.RandomString(32, secret.Alnum), Start: now, Seen: now,
	}
	c.setSession(w, r, s)
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: "", Path: Prefix, MaxAge: -1,
		HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
	return s
}

// endSession signs the session out on every copy of its cookie.
func (c *Console) endSession(ctx context.Context, w http.ResponseWriter, r *http.Request, s *session) error {
	_, err := c.d.Store.Nonces().Use(ctx, revokedKey(s.ID), time.Unix(s.Start, 0).Add(maxLifetime))
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1,
		HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
	return err
}

// preToken returns the sign-in form's CSRF token, setting its cookie when
// the browser has none.
func (c *Console) preToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(preCookie); err == nil && len(ck.Value) == 32 {
		return ck.Value
	}
	v := secret.RandomString(32, secret.Alnum)
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: v, Path: Prefix, HttpOnly: true,
		Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
	return v
}

// preTokenOK checks the sign-in form's CSRF token against its cookie.
func preTokenOK(r *http.Request) bool {
	ck, err := r.Cookie(preCookie)
	return err == nil && len(ck.Value) == 32 && secret.Equal(ck.Value, r.PostFormValue("csrf"))
}
