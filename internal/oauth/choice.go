package oauth

import (
	"net/http"
	"net/url"
	"time"

	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/secret"
)

// Choice-based sign-in and passkeys on the pages. For a client that
// allows ALLOW_USER_AUTH in a pool whose SignInPolicy allows more than
// PASSWORD, the sign-in page asks for the username alone; the next page
// offers the user's first factors (SELECT_CHALLENGE: a button each for
// password, email code, SMS code, passkey), and each leads to its own page
// (/login/challenge), all through userpool's USER_AUTH. A passkey page
// runs loginui.PasskeyJS, the only script the pages have.
//
// After a sign-in without a passkey in a pool that offers them, the pages
// ask "Add a passkey?" (/login/passkey): Add registers one with the
// browser (StartWebAuthnRegistration's options, navigator.credentials.create,
// CompleteWebAuthnRegistration's checks), Not now goes on to the client.

// passkeyScriptPath is where a domain serves loginui.PasskeyJS.
const passkeyScriptPath = "/managed-login/passkey.js"

// promptTTL is how long an "Add a passkey?" page stays valid.
const promptTTL = 10 * time.Minute

const promptAAD = "managed-login-passkey-prompt"

// passkeyPrompt is what an "Add a passkey?" page's form carries, sealed:
// the user the sign-in just signed in, for the flow's client, and the
// managed-login session that sign-in started. The answer is taken only
// from the browser that holds that session, still live: the prompt alone
// signs no one in (another browser, or the page kept after /logout).
type passkeyPrompt struct {
	Client  string `json:"c"`
	Sub     string `json:"u"`
	Session string `json:"s"`
}

// choiceSubmit is POST /login for choice-based sign-in: the username
// starts USER_AUTH. A password posted with it (a relying party that posts
// the plain username and password form) signs in with the password at
// once.
func (s *Server) choiceSubmit(w http.ResponseWriter, r *http.Request, req *authRequest, username, password string) {
	if username == "" {
		s.page(w, r, http.StatusBadRequest, s.signInForm(r, req, username, "err.required", ""))
		return
	}
	step, err := s.Users.HostedUserAuth(r.Context(), req.Client, username, password)
	if err != nil {
		if password != "" {
			s.passwordRefused(r, username, err)
		}
		s.page(w, r, http.StatusBadRequest, s.signInForm(r, req, username, errorKey(err), ""))
		return
	}
	s.next(w, r, req, username, step)
}

// offerPasskey shows the "Add a passkey?" page when the user sub, just
// signed in (managed-login session sessionID), can add one at this page's
// origin; false when it did not. errKey is the page's error.
func (s *Server) offerPasskey(w http.ResponseWriter, r *http.Request, req *authRequest, sub, sessionID, errKey string) bool {
	if sessionID == "" {
		return false
	}
	st := siteOf(r)
	if !s.Users.HostedPasskeyOffer(r.Context(), req.Client, sub, originOf(st.base)) {
		return false
	}
	opts, err := s.Users.HostedStartPasskey(r.Context(), req.Client, sub)
	if err != nil {
		return false
	}
	seal, err := s.Ring.SealJSON(passkeyPrompt{Client: req.Client, Sub: sub, Session: sessionID}, promptAAD, promptTTL, s.Now())
	if err != nil {
		return false
	}
	s.page(w, r, http.StatusOK, loginui.Page{Template: "passkey", Lang: req.Lang, Title: "passkey.add.title",
		Hint: "passkey.add.hint", Submit: "passkey.add", Error: errKey, Action: st.base + "/login/passkey",
		Flow: s.sealFlow(req), Hidden: map[string]string{"prompt": seal},
		Passkey: loginui.Passkey{Mode: "create", Options: string(opts), Skip: true}, Script: st.base + passkeyScriptPath})
	return true
}

// passkeySubmit is POST /login/passkey: the answer to "Add a passkey?",
// a new passkey's RegistrationResponseJSON (credential) or Not now (skip).
func (s *Server) passkeySubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	var pr passkeyPrompt
	ls := s.currentSession(r)
	if s.Ring.OpenJSON(r.PostFormValue("prompt"), promptAAD, s.Now(), &pr) != nil || pr.Client != req.Client ||
		ls == nil || pr.Session == "" || !secret.Equal(ls.ID, pr.Session) || ls.Sub != pr.Sub {
		s.page(w, r, http.StatusBadRequest, s.signInForm(r, req, "", "err.session", ""))
		return
	}
	if r.PostFormValue("skip") == "" {
		err := s.Users.HostedCompletePasskey(r.Context(), req.Client, pr.Sub, []byte(r.PostFormValue("credential")))
		if err != nil {
			s.Logger.Debug("oauth: passkey registration refused", "err", err)
			if !s.offerPasskey(w, r, req, pr.Sub, pr.Session, "err.passkey") {
				s.failPage(w, r, req.Lang, err)
			}
			return
		}
	}
	s.complete(w, r, req, pr.Sub)
}

// passkeyScript serves loginui.PasskeyJS.
func passkeyScript(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(loginui.PasskeyJS)
}

// originOf is the scheme://host[:port] of a URL.
func originOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
