package oauth

import (
	"net/http"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/loginui"
)

// The account pages: sign-up, confirm sign-up, forgot and reset password.
// Each calls the user pool operation an app would (SignUp, ConfirmSignUp,
// ForgotPassword, ConfirmForgotPassword) with the client's SECRET_HASH,
// so the same rules, triggers and limits apply.

func (s *Server) accountForm(r *http.Request, req *authRequest, tmpl, title, action string) loginui.Page {
	base := siteOf(r).base
	return loginui.Page{Template: tmpl, Lang: req.Lang, Title: title, Action: base + action, Flow: s.sealFlow(req),
		Links: map[string]string{"signin": base + "/login?" + req.query()}}
}

// termsLanguage is the terms documents' LanguageIdType of each page
// language.
var termsLanguage = map[string]string{"en": "cognito:english", "fr": "cognito:french", "de": "cognito:german",
	"es": "cognito:spanish", "pt": "cognito:portuguese-brazil", "ja": "cognito:japanese"}

func (s *Server) signUpForm(r *http.Request, req *authRequest) loginui.Page {
	p := s.accountForm(r, req, "password", "signup.title", "/signup")
	p.AskUsername, p.AskEmail, p.AskPassword, p.Submit = true, true, true, "signup"
	// The client's terms (Enforcement NONE: shown, not asked to tick).
	if terms, err := s.Users.Terms(r.Context(), siteOf(r).poolID, req.Client, termsLanguage[req.Lang]); err == nil {
		for _, d := range terms {
			p.Terms = append(p.Terms, loginui.ProviderLink{Name: d.Name, URL: d.URL})
		}
	}
	return p
}

func (s *Server) confirmForm(r *http.Request, req *authRequest, username string) loginui.Page {
	p := s.accountForm(r, req, "code", "confirm.title", "/confirm")
	p.Hint, p.Submit, p.AskUsername, p.Username = "confirm.hint", "confirm", true, username
	return p
}

func (s *Server) resetForm(r *http.Request, req *authRequest, username string) loginui.Page {
	p := s.accountForm(r, req, "code", "reset.title", "/confirmForgotPassword")
	p.Hint, p.Submit, p.AskUsername, p.AskPassword, p.Username = "confirm.hint", "reset", true, true, username
	p.PasswordLabel = "newpassword"
	return p
}

// signUpPage is GET /signup.
func (s *Server) signUpPage(w http.ResponseWriter, r *http.Request) {
	if req, ok := s.startFlow(w, r); ok {
		s.page(w, r, http.StatusOK, s.signUpForm(r, req))
	}
}

// signUpSubmit is POST /signup: username, email and password.
func (s *Server) signUpSubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	username, email, pw := strings.TrimSpace(r.PostFormValue("username")), strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	if username == "" || pw == "" {
		p := s.signUpForm(r, req)
		p.Error, p.Username = "err.required", username
		s.page(w, r, http.StatusBadRequest, p)
		return
	}
	in := &cip.SignUpRequest{ClientId: req.Client, Username: username, Password: pw,
		SecretHash: s.Users.SecretHashFor(r.Context(), req.Client, username)}
	if email != "" {
		in.UserAttributes = []cip.AttributeType{{Name: "email", Value: email}}
	}
	out, err := s.Users.SignUp(r.Context(), in)
	if err != nil {
		p := s.signUpForm(r, req)
		p.Error, p.Username = errorKey(err), username
		s.page(w, r, http.StatusBadRequest, p)
		return
	}
	if out.UserConfirmed != nil && *out.UserConfirmed {
		s.page(w, r, http.StatusOK, s.signInForm(r, req, username, "", ""))
		return
	}
	s.page(w, r, http.StatusOK, s.confirmForm(r, req, username))
}

// confirmPage is GET /confirm (?username=).
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	if req, ok := s.startFlow(w, r); ok {
		s.page(w, r, http.StatusOK, s.confirmForm(r, req, r.URL.Query().Get("username")))
	}
}

// confirmSubmit is POST /confirm: the sign-up code.
func (s *Server) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	username, code := strings.TrimSpace(r.PostFormValue("username")), strings.TrimSpace(r.PostFormValue("code"))
	_, err := s.Users.ConfirmSignUp(r.Context(), &cip.ConfirmSignUpRequest{ClientId: req.Client, Username: username,
		ConfirmationCode: code, SecretHash: s.Users.SecretHashFor(r.Context(), req.Client, username)})
	if err != nil {
		p := s.confirmForm(r, req, username)
		p.Error = errorKey(err)
		s.page(w, r, http.StatusBadRequest, p)
		return
	}
	s.page(w, r, http.StatusOK, s.signInForm(r, req, username, "", ""))
}

// forgotPage is GET /forgotPassword.
func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) {
	if req, ok := s.startFlow(w, r); ok {
		p := s.accountForm(r, req, "password", "forgot.title", "/forgotPassword")
		p.AskUsername, p.Submit = true, "send"
		s.page(w, r, http.StatusOK, p)
	}
}

// forgotSubmit is POST /forgotPassword: sends a reset code.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	_, err := s.Users.ForgotPassword(r.Context(), &cip.ForgotPasswordRequest{ClientId: req.Client, Username: username,
		SecretHash: s.Users.SecretHashFor(r.Context(), req.Client, username)})
	if err != nil && errorKey(err) != "err.credentials" { // unknown users get the reset page too
		p := s.accountForm(r, req, "password", "forgot.title", "/forgotPassword")
		p.AskUsername, p.Submit, p.Error, p.Username = true, "send", errorKey(err), username
		s.page(w, r, http.StatusBadRequest, p)
		return
	}
	s.page(w, r, http.StatusOK, s.resetForm(r, req, username))
}

// resetSubmit is POST /confirmForgotPassword: the code and a new password.
func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	username, code := strings.TrimSpace(r.PostFormValue("username")), strings.TrimSpace(r.PostFormValue("code"))
	_, err := s.Users.ConfirmForgotPassword(r.Context(), &cip.ConfirmForgotPasswordRequest{ClientId: req.Client,
		Username: username, ConfirmationCode: code, Password: r.PostFormValue("password"),
		SecretHash: s.Users.SecretHashFor(r.Context(), req.Client, username)})
	if err != nil {
		p := s.resetForm(r, req, username)
		p.Error = errorKey(err)
		s.page(w, r, http.StatusBadRequest, p)
		return
	}
	s.page(w, r, http.StatusOK, s.signInForm(r, req, username, "", ""))
}
