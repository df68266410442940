package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// flowTTL is how long a page's form stays valid.
const flowTTL = time.Hour

const flowAAD = "managed-login-flow"

func (s *Server) sealFlow(req *authRequest) string {
	f, _ := s.Ring.SealJSON(req, flowAAD, flowTTL, s.Now())
	return f
}

// query is req as the query of an authorization request, for links
// between the pages.
func (req *authRequest) query() string {
	v := url.Values{"client_id": {req.Client}, "redirect_uri": {req.Redirect}, "response_type": {req.ResponseType},
		"scope": {strings.Join(req.Scopes, " ")}}
	for k, x := range map[string]string{"state": req.State, "nonce": req.Nonce, "code_challenge": req.Challenge, "lang": req.Lang} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if req.Challenge != "" {
		v.Set("code_challenge_method", "S256")
	}
	return v.Encode()
}

// page renders p with a CSRF token and the client's branding.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, p loginui.Page) {
	if st := siteOf(r); st != nil {
		p.CSRF = s.csrfToken(w, r)
		if st.client != "" {
			s.brand(r, st, &p)
		}
	}
	s.ui.Render(w, status, p)
}

// failPage shows an error that ends the flow.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, lang string, err error) {
	key := errorKey(err)
	if key == "err.generic" {
		s.Logger.Error("oauth: managed login", "err", err)
	}
	s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: lang, Title: "error.title", Error: key})
}

// errorKey is the page message of a sign-in error.
func errorKey(err error) string {
	e := userpool.AsError(err)
	if e == nil {
		return "err.generic"
	}
	switch e.Kind {
	case userpool.NotAuthorized:
		switch {
		case strings.Contains(e.Message, userpool.MsgAttemptsExceeded):
			return "err.locked"
		case strings.Contains(e.Message, "disabled"):
			return "err.disabled"
		case strings.Contains(strings.ToLower(e.Message), "session"):
			return "err.session"
		}
		return "err.credentials"
	case userpool.UserNotFound:
		return "err.credentials"
	case userpool.UserNotConfirmed:
		return "err.notconfirmed"
	case userpool.PasswordResetRequired:
		return "err.reset"
	case userpool.CodeMismatch, userpool.EnableSoftwareTokenMFA:
		return "err.code"
	case userpool.ExpiredCode:
		return "err.expiredcode"
	case userpool.InvalidPassword, userpool.PasswordHistoryViolated:
		return "err.password"
	case userpool.UsernameExists, userpool.AliasExists:
		return "err.exists"
	case userpool.LimitExceeded, userpool.TooManyFailedAttempts, userpool.TooManyRequests:
		return "err.limit"
	case userpool.InvalidParameter:
		return "err.request"
	}
	return "err.generic"
}

// passwordRefused tells WrongPassword of a password check that failed
// with err (a wrong password, or one for a user locked out), as the API
// tells the spray rule.
func (s *Server) passwordRefused(r *http.Request, username string, err error) {
	if k := errorKey(err); s.WrongPassword != nil && (k == "err.credentials" || k == "err.locked") {
		s.WrongPassword(r, username)
	}
}

// openForm checks a POST's CSRF token and opens its flow. It shows the
// error page and returns nil when either is bad.
func (s *Server) openForm(w http.ResponseWriter, r *http.Request) *authRequest {
	if !csrfOK(r) {
		s.page(w, r, http.StatusForbidden, loginui.Page{Lang: r.PostFormValue("lang"), Title: "error.title", Error: "err.csrf"})
		return nil
	}
	var req authRequest
	if s.Ring.OpenJSON(r.PostFormValue("flow"), flowAAD, s.Now(), &req) != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.session"})
		return nil
	}
	siteOf(r).client = req.Client
	return &req
}

// startFlow checks the authorization request in a page's query; false
// when it answered already (error page or error redirect).
func (s *Server) startFlow(w http.ResponseWriter, r *http.Request) (*authRequest, bool) {
	q := r.URL.Query()
	req, _, perr, oerr := s.parseAuthRequest(r, q)
	if perr != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: q.Get("lang"), Title: "error.title", Error: perr.key})
		return nil, false
	}
	if oerr != nil {
		redirectError(w, r, req, oerr.Code, oerr.Description)
		return nil, false
	}
	return req, true
}

func (s *Server) signInForm(r *http.Request, req *authRequest, username, errKey, info string) loginui.Page {
	base, q := siteOf(r).base, req.query()
	return loginui.Page{Template: "signin", Lang: req.Lang, Title: "signin.title", Error: errKey, Info: info,
		Action: base + "/login", Flow: s.sealFlow(req), Username: username, Providers: s.providerLinks(r, req),
		NoPassword: s.Users.HostedChoice(r.Context(), req.Client),
		Links:      map[string]string{"signup": base + "/signup?" + q, "forgot": base + "/forgotPassword?" + q}}
}

// loginPage is GET /login: the sign-in form.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	req, ok := s.startFlow(w, r)
	if !ok {
		return
	}
	s.page(w, r, http.StatusOK, s.signInForm(r, req, r.URL.Query().Get("login_hint"), "", ""))
}

// loginSubmit is POST /login: a username and password.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	if s.Users.HostedChoice(r.Context(), req.Client) {
		s.choiceSubmit(w, r, req, username, password)
		return
	}
	if username == "" || password == "" {
		s.page(w, r, http.StatusBadRequest, s.signInForm(r, req, username, "err.required", ""))
		return
	}
	step, err := s.Users.HostedSignIn(r.Context(), req.Client, username, password)
	if err != nil {
		s.passwordRefused(r, username, err)
		s.page(w, r, http.StatusBadRequest, s.signInForm(r, req, username, errorKey(err), ""))
		return
	}
	s.next(w, r, req, username, step)
}

// next shows the challenge a sign-in step asks for, or completes it.
func (s *Server) next(w http.ResponseWriter, r *http.Request, req *authRequest, username string, step *userpool.HostedStep) {
	if step.Sub != "" {
		id := s.startSession(w, siteOf(r), step.Sub)
		if s.offerPasskey(w, r, req, step.Sub, id, "") {
			return
		}
		s.complete(w, r, req, step.Sub)
		return
	}
	p, err := s.challengeForm(r, req, username, step.ChallengeName, step.Session, step.Parameters, step.Choices)
	if err != nil {
		s.failPage(w, r, req.Lang, err)
		return
	}
	s.page(w, r, http.StatusOK, p)
}

var errUnsupportedChallenge = errors.New("oauth: challenge not supported by the managed pages")
