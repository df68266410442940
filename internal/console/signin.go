package console

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// AdminGroup is the group of the admin user pool whose members may sign in.
const AdminGroup = "admins"

// rootAttempts is how many root sign-ins one address may try in a
// rootWindow; they are counted before the secret is compared.
const (
	rootAttempts = 10
	rootWindow   = 15 * time.Minute
	pendingTTL   = 3 * time.Minute
)

// signinData is the sign-in page's model.
type signinData struct {
	PoolSignIn bool
	MFA        *pendingMFA
	Pending    string
	Message    string
}

// pendingMFA is a pool admin's sign-in waiting for an MFA code; it travels
// sealed in the form.
type pendingMFA struct {
	Username  string `json:"u"`
	Session   string `json:"s"`
	Challenge string `json:"c"`
	Where     string `json:"w,omitempty"`
}

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.session(w, r); ok {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	c.showSignin(w, r, http.StatusOK, signinData{})
}

func (c *Console) showSignin(w http.ResponseWriter, r *http.Request, status int, d signinData) {
	d.PoolSignIn = c.d.AdminPoolID != ""
	pd := &session{CSRF: c.preToken(w, r)}
	c.render(w, pd, status, "signin", "Sign in", d, "")
}

// signin checks root credentials or starts a pool admin's sign-in.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !preTokenOK(r) {
		http.Error(w, "The sign-in form is stale (CSRF token mismatch): reload the page.", http.StatusForbidden)
		return
	}
	refused := signinData{Message: "Those credentials were refused."}
	switch r.PostFormValue("kind") {
	case "root":
		n, err := c.d.Store.Nonces().Use(r.Context(), attemptKey(r, c.d.Now()), c.d.Now().Add(2*rootWindow))
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		if n > rootAttempts {
			c.showSignin(w, r, http.StatusTooManyRequests, signinData{Message: "Too many sign-in attempts from your address: wait 15 minutes."})
			return
		}
		if !c.d.Root(strings.TrimSpace(r.PostFormValue("access_key_id")), r.PostFormValue("secret_access_key")) {
			c.showSignin(w, r, http.StatusUnauthorized, refused)
			return
		}
		c.signedIn(w, r, "root", "")
	case "pool":
		if c.d.AdminPoolID == "" {
			c.showSignin(w, r, http.StatusBadRequest, signinData{Message: "No admin user pool is configured."})
			return
		}
		username := strings.TrimSpace(r.PostFormValue("username"))
		if c.d.Admit != nil {
			if err := c.d.Admit(r, c.d.AdminClientID, username); err != nil {
				c.showSignin(w, r, http.StatusTooManyRequests, signinData{Message: "Too many sign-in attempts: wait a moment and try again."})
				return
			}
		}
		out, err := c.d.Users.InitiateAuth(r.Context(), &cip.InitiateAuthRequest{
			AuthFlow: "USER_PASSWORD_AUTH", ClientId: c.d.AdminClientID,
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": r.PostFormValue("password")},
		})
		if err != nil {
			c.poolRefused(w, r, err)
			return
		}
		c.poolStep(w, r, username, out.ChallengeName, out.Session, out.ChallengeParameters, out.AuthenticationResult)
	default:
		c.showSignin(w, r, http.StatusBadRequest, signinData{Message: "Choose how to sign in."})
	}
}

// attemptKey names the current window of root sign-in attempts from the
// request's address.
func attemptKey(r *http.Request, now time.Time) []byte {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return secret.HashToken("console-root-attempts:" + host + ":" + now.Truncate(rootWindow).UTC().Format(time.RFC3339))
}

// signinMFA answers a pool admin's MFA challenge.
func (c *Console) signinMFA(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !preTokenOK(r) {
		http.Error(w, "The sign-in form is stale (CSRF token mismatch): reload the page.", http.StatusForbidden)
		return
	}
	var p pendingMFA
	if err := c.d.Ring.OpenJSON(r.PostFormValue("pending"), pendingAAD, c.d.Now(), &p); err != nil {
		c.showSignin(w, r, http.StatusUnauthorized, signinData{Message: "The sign-in took too long: start again."})
		return
	}
	answer := map[string]string{"USERNAME": p.Username}
	code := strings.TrimSpace(r.PostFormValue("code"))
	switch p.Challenge {
	case "SMS_MFA":
		answer["SMS_MFA_CODE"] = code
	case "EMAIL_OTP":
		answer["EMAIL_OTP_CODE"] = code
	default:
		answer["SOFTWARE_TOKEN_MFA_CODE"] = code
	}
	out, err := c.d.Users.RespondToAuthChallenge(r.Context(), &cip.RespondToAuthChallengeRequest{
		ClientId: c.d.AdminClientID, ChallengeName: p.Challenge, Session: p.Session, ChallengeResponses: answer,
	})
	if err != nil {
		c.poolRefused(w, r, err)
		return
	}
	c.poolStep(w, r, p.Username, out.ChallengeName, out.Session, out.ChallengeParameters, out.AuthenticationResult)
}

// poolStep goes on with a pool admin's sign-in: another challenge, or the
// tokens, whose user must be in the group admins.
func (c *Console) poolStep(w http.ResponseWriter, r *http.Request, username, challenge, sess string, params map[string]string, res *cip.AuthenticationResultType) {
	switch {
	case res != nil:
		tok, err := c.d.Users.VerifyToken(r.Context(), c.d.AdminPoolID, res.IdToken)
		if err != nil {
			c.poolRefused(w, r, err)
			return
		}
		if c.stillAdmin(r.Context(), tok.Sub) {
			c.signedIn(w, r, c.d.AdminPoolID+"/"+tok.Username, tok.Sub)
			return
		}
		c.showSignin(w, r, http.StatusForbidden, signinData{Message: "That user is not a member of the group \"admins\" of the admin user pool."})
	case challenge == "SMS_MFA" || challenge == "SOFTWARE_TOKEN_MFA" || challenge == "EMAIL_OTP":
		p := pendingMFA{Username: username, Session: sess, Challenge: challenge,
			Where: params["CODE_DELIVERY_DESTINATION"]}
		text, err := c.d.Ring.SealJSON(p, pendingAAD, pendingTTL, c.d.Now())
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		c.showSignin(w, r, http.StatusOK, signinData{MFA: &p, Pending: text})
	case challenge == "SELECT_MFA_TYPE":
		// Several factors and no preference: the authenticator app first.
		var choices []string
		_ = json.Unmarshal([]byte(params["MFAS_CAN_CHOOSE"]), &choices) // none parsed: no choice below
		for _, want := range []string{"SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SMS_MFA"} {
			if slices.Contains(choices, want) {
				out, err := c.d.Users.RespondToAuthChallenge(r.Context(), &cip.RespondToAuthChallengeRequest{
					ClientId: c.d.AdminClientID, ChallengeName: challenge, Session: sess,
					ChallengeResponses: map[string]string{"USERNAME": username, "ANSWER": want},
				})
				if err != nil {
					c.poolRefused(w, r, err)
					return
				}
				c.poolStep(w, r, username, out.ChallengeName, out.Session, out.ChallengeParameters, out.AuthenticationResult)
				return
			}
		}
		c.showSignin(w, r, http.StatusForbidden, signinData{Message: "This account has no MFA factor the console can ask for."})
	default:
		c.showSignin(w, r, http.StatusForbidden, signinData{Message: "This account must first finish a sign-in step the console does not offer (" +
			challenge + "): sign in once through your application."})
	}
}

// poolRefused shows why a pool admin's sign-in failed, in Cognito's words.
func (c *Console) poolRefused(w http.ResponseWriter, r *http.Request, err error) {
	var ue *userpool.Error
	if errors.As(err, &ue) {
		c.showSignin(w, r, http.StatusUnauthorized, signinData{Message: ue.Message})
		return
	}
	if errors.Is(err, storage.ErrNotFound) {
		c.showSignin(w, r, http.StatusUnauthorized, signinData{Message: "Those credentials were refused."})
		return
	}
	c.fail(w, r, nil, err)
}

// signedIn starts the admin's session and records the sign-in.
func (c *Console) signedIn(w http.ResponseWriter, r *http.Request, admin, sub string) {
	s := c.startSession(w, r, admin, sub)
	c.audit(r.Context(), s, eventOf("SignIn", nil))
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (c *Console) signout(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := c.endSession(r.Context(), w, r, s); err != nil {
		return err
	}
	c.audit(r.Context(), s, eventOf("SignOut", nil))
	http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
	return nil
}

// eventOf is an audit event of a console action on a user (u may be nil).
func eventOf(action string, u *storage.User, details ...string) storage.AuditEvent {
	e := storage.AuditEvent{Type: action, Details: map[string]string{}}
	if u != nil {
		e.UserPoolID, e.UserSub, e.Username = u.PoolID, u.Sub, u.Username
	}
	for i := 0; i+1 < len(details); i += 2 {
		e.Details[details[i]] = details[i+1]
	}
	return e
}
