package oauth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/totp"
)

// codeAnswers names the answer of each code challenge.
var codeAnswers = map[string]string{
	"SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
	"SMS_MFA":            "SMS_MFA_CODE",
	"EMAIL_OTP":          "EMAIL_OTP_CODE",
	"SMS_OTP":            "SMS_OTP_CODE",
}

var codeHints = map[string]string{"SOFTWARE_TOKEN_MFA": "mfa.totp", "SMS_MFA": "mfa.sms", "EMAIL_OTP": "mfa.email", "SMS_OTP": "mfa.sms"}

// challengeForm is the page of a challenge: one code field for MFA or a
// passwordless code, a new password, a choice of factor, TOTP set-up with
// a QR code, or (choice-based sign-in) the first factors, a password, a
// passkey; choices are SELECT_CHALLENGE's.
func (s *Server) challengeForm(r *http.Request, req *authRequest, username, challenge, session string, params map[string]string, choices []string) (loginui.Page, error) {
	p := loginui.Page{Lang: req.Lang, Action: siteOf(r).base + "/login/challenge", Flow: s.sealFlow(req),
		Hidden: map[string]string{"challenge": challenge, "session": session, "username": username},
		Links:  map[string]string{"signin": siteOf(r).base + "/login?" + req.query()}}
	switch challenge {
	case "NEW_PASSWORD_REQUIRED":
		p.Template, p.Title, p.Hint, p.Submit = "password", "newpassword.title", "newpassword.hint", "continue"
		p.AskPassword, p.PasswordLabel = true, "newpassword"
	case "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SMS_OTP":
		p.Template, p.Title, p.Hint, p.Submit = "code", "mfa.title", codeHints[challenge], "verify"
		if d := params["CODE_DELIVERY_DESTINATION"]; d != "" && challenge != "SOFTWARE_TOKEN_MFA" {
			p.Hint, p.Destination = p.Hint+".to", d
		}
	case "SELECT_CHALLENGE":
		p.Template, p.Title, p.Username, p.Options = "choice", "choice.title", username, choices
	case "PASSWORD":
		p.Template, p.Title, p.Submit = "password", "password.title", "signin"
		p.AskPassword, p.PasswordLabel = true, "password"
	case "WEB_AUTHN":
		p.Template, p.Title, p.Hint, p.Submit = "passkey", "passkey.title", "passkey.hint", "passkey.signin"
		p.Passkey = loginui.Passkey{Mode: "get", Options: params["CREDENTIAL_REQUEST_OPTIONS"]}
		p.Script = siteOf(r).base + passkeyScriptPath
	case "SELECT_MFA_TYPE":
		p.Template, p.Title = "select", "select.title"
		_ = json.Unmarshal([]byte(params["MFAS_CAN_CHOOSE"]), &p.Options)
	case "MFA_SETUP":
		var can []string
		_ = json.Unmarshal([]byte(params["MFAS_CAN_SETUP"]), &can)
		if !contains(can, "SOFTWARE_TOKEN_MFA") {
			return p, errUnsupportedChallenge
		}
		out, err := s.Users.AssociateSoftwareToken(r.Context(), &cip.AssociateSoftwareTokenRequest{Session: session})
		if err != nil {
			return p, err
		}
		return s.totpSetupForm(p, username, out.SecretCode, out.Session)
	default:
		return p, errUnsupportedChallenge
	}
	return p, nil
}

// totpSetupForm shows the QR code of a new TOTP secret and asks for a code.
func (s *Server) totpSetupForm(p loginui.Page, username, secretCode, session string) (loginui.Page, error) {
	issuer := siteIssuer(p)
	qr, err := loginui.QR(totp.URI(issuer, username, secretCode))
	if err != nil {
		return p, err
	}
	p.Template, p.Title, p.Hint, p.Submit = "code", "totp.title", "totp.hint", "verify"
	p.QR, p.Secret = qr, secretCode
	p.Hidden["challenge"], p.Hidden["session"], p.Hidden["secret"] = "MFA_SETUP_TOTP", session, secretCode
	return p, nil
}

func siteIssuer(p loginui.Page) string {
	if u, err := url.Parse(p.Action); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return "Cognate"
}

// challengeSubmit is POST /login/challenge: the answer to a challenge.
func (s *Server) challengeSubmit(w http.ResponseWriter, r *http.Request) {
	req := s.openForm(w, r)
	if req == nil {
		return
	}
	challenge, session := r.PostFormValue("challenge"), r.PostFormValue("session")
	username := r.PostFormValue("username")
	code := strings.TrimSpace(r.PostFormValue("code"))
	answers := map[string]string{}
	switch challenge {
	case "NEW_PASSWORD_REQUIRED":
		answers["NEW_PASSWORD"] = r.PostFormValue("password")
	case "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SMS_OTP":
		answers[codeAnswers[challenge]] = code
	case "SELECT_MFA_TYPE", "SELECT_CHALLENGE":
		answers["ANSWER"] = r.PostFormValue("factor")
	case "PASSWORD":
		answers["PASSWORD"] = r.PostFormValue("password")
	case "WEB_AUTHN":
		answers["CREDENTIAL"] = r.PostFormValue("credential")
	case "MFA_SETUP_TOTP":
		out, err := s.Users.VerifySoftwareToken(r.Context(), &cip.VerifySoftwareTokenRequest{Session: session, UserCode: code})
		if err != nil {
			p, _ := s.challengeForm(r, req, username, "", session, nil, nil)
			p, _ = s.totpSetupForm(p, username, r.PostFormValue("secret"), session)
			p.Error = errorKey(err)
			s.page(w, r, http.StatusBadRequest, p)
			return
		}
		challenge, session = "MFA_SETUP", out.Session
	default:
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: req.Lang, Title: "error.title", Error: "err.request"})
		return
	}
	step, err := s.Users.HostedRespond(r.Context(), req.Client, challenge, session, username, answers)
	if err != nil {
		if challenge == "PASSWORD" {
			// Named by the flow: the form's username is the browser's to change.
			s.passwordRefused(r, s.Users.HostedFlowName(r.Context(), req.Client, session), err)
		}
		key := errorKey(err)
		if challenge == "WEB_AUTHN" && key != "err.locked" && key != "err.disabled" {
			key = "err.passkey"
		}
		if key == "err.session" || key == "err.locked" || startsOver[challenge] {
			s.page(w, r, http.StatusBadRequest, s.signInForm(r, req, username, key, ""))
			return
		}
		p, ferr := s.challengeForm(r, req, username, challenge, session, nil, nil)
		if ferr != nil {
			s.failPage(w, r, req.Lang, err)
			return
		}
		p.Error = key
		s.page(w, r, http.StatusBadRequest, p)
		return
	}
	s.next(w, r, req, username, step)
}

// startsOver are the challenges whose Session a wrong answer spends: the
// sign-in starts again.
var startsOver = map[string]bool{"MFA_SETUP": true, "SELECT_CHALLENGE": true, "PASSWORD": true, "WEB_AUTHN": true}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
