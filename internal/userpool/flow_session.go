package userpool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// flowState is what a Session carries between the steps that follow a
// first factor (DEVICE_SRP_AUTH, MFA challenges, MFA_SETUP) and between the
// steps of choice-based sign-in (USER_AUTH). Like challengeState it is
// sealed and expires with the client's AuthSessionValidity. Each Session
// has its own ID, under which answers are counted and its one successful
// use is recorded (see tryFlow, spendFlow).
type flowState struct {
	ID        string `json:"i"`
	Pool      string `json:"p"`
	Client    string `json:"c"`
	Sub       string `json:"u,omitempty"` // "" for a name no user holds
	Challenge string `json:"n"`
	Password  string `json:"h,omitempty"` // passwordFingerprint when issued
	// Device is the DEVICE_KEY the client presented; DeviceOK reports that
	// it passed device authentication in this sign-in.
	Device   string `json:"d,omitempty"`
	DeviceOK bool   `json:"do,omitempty"`
	// NoMFA is set after a passwordless first factor (USER_AUTH with
	// EMAIL_OTP or SMS_OTP), which MFA does not follow.
	NoMFA bool `json:"nm,omitempty"`
	// First marks EMAIL_OTP and SMS_OTP challenges that are the first
	// factor of USER_AUTH rather than MFA.
	First bool `json:"f,omitempty"`
	// Verified is set once the user verified a TOTP authenticator with this
	// MFA_SETUP session (VerifySoftwareToken).
	Verified bool `json:"v,omitempty"`
	// SetupEmail is the address an MFA_SETUP answer gave for email MFA;
	// the EMAIL_OTP code sent there proves it.
	SetupEmail string `json:"se,omitempty"`
	// Choices are the answers SELECT_MFA_TYPE or SELECT_CHALLENGE accepts.
	Choices []string `json:"a,omitempty"`
	// Name is what the caller typed as USERNAME (USER_AUTH).
	Name string `json:"un,omitempty"`
	// Passkey is the challenge of a WEB_AUTHN sign-in, in base64url.
	Passkey string `json:"pk,omitempty"`
}

const flowAAD = "cognito-flow-session"

// maxFlowAttempts is how many answers (codes) one Session takes, the
// right one included: three wrong ones kill it, and the sign-in starts
// over.
const maxFlowAttempts = 3

// sealFlow gives st a fresh ID and seals it as the Session of the
// challenge it names.
func (s *Service) sealFlow(cl *client, st *flowState) (string, error) {
	st.ID = uuid.NewString()
	return s.ring.SealJSON(st, flowAAD, cl.sessionTTL(), s.now())
}

// openFlow opens a Session of the client for one of the given challenges.
func (s *Service) openFlow(ctx context.Context, cl *client, text string, challenges ...string) (*flowState, error) {
	var st flowState
	err := s.ring.OpenJSON(text, flowAAD, s.now(), &st)
	if errors.Is(err, secret.ErrExpired) {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	if text == "" || err != nil || st.Client != cl.rec.ID || !contains(challenges, st.Challenge) {
		return nil, errorf(NotAuthorized, msgDeadSession)
	}
	for kind, limit := range map[string]int{"try": maxFlowAttempts, "done": 1} {
		n, err := s.store.Nonces().Uses(ctx, flowNonce(kind, st.ID))
		if err != nil {
			return nil, err
		}
		if n >= limit {
			return nil, errorf(NotAuthorized, msgBadSession)
		}
	}
	return &st, nil
}

func flowNonce(kind, id string) []byte { return secret.HashToken("flow:" + kind + ":" + id) }

// tryFlow counts an answer given with the Session before the answer is
// checked. The count is atomic and committed first, so of concurrent
// answers only the first maxFlowAttempts are ever checked; the others, like
// any answer after them, find the Session dead.
func (s *Service) tryFlow(ctx context.Context, cl *client, st *flowState) error {
	n, err := s.store.Nonces().Use(ctx, flowNonce("try", st.ID), s.now().Add(cl.sessionTTL()))
	if err != nil {
		return err
	}
	if n > maxFlowAttempts {
		return errorf(NotAuthorized, msgBadSession)
	}
	return nil
}

// spendFlow records the one successful use of a Session: a Session that
// led to tokens or to the next step cannot be used again.
func (s *Service) spendFlow(ctx context.Context, cl *client, st *flowState) error {
	n, err := s.store.Nonces().Use(ctx, flowNonce("done", st.ID), s.now().Add(cl.sessionTTL()))
	if err != nil {
		return err
	}
	if n != 1 {
		return errorf(NotAuthorized, msgBadSession)
	}
	return nil
}

// flowUser loads the user a Session was issued for, as long as the password
// it was issued under is still the user's and the user is enabled.
func (s *Service) flowUser(ctx context.Context, p *pool, st *flowState) (*storage.User, error) {
	if st.Sub == "" || st.Pool != p.rec.ID {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	u, err := s.store.Users().GetBySub(ctx, p.rec.ID, st.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	if err != nil {
		return nil, err
	}
	if st.Password != "" && st.Password != passwordFingerprint(&u) {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	if !u.Enabled {
		return nil, errorf(NotAuthorized, msgUserDisabled)
	}
	return &u, nil
}

// openChallenge opens the Session of a challenge response to challenge,
// loads its user and checks the response's SECRET_HASH, computed with the
// USERNAME it carries or the user's username.
func (s *Service) openChallenge(ctx context.Context, p *pool, cl *client, sess, challenge string, resp map[string]string) (*flowState, *storage.User, error) {
	st, err := s.openFlow(ctx, cl, sess, challenge)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.flowUser(ctx, p, st)
	if err != nil {
		return nil, nil, err
	}
	if err := cl.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], u.Username); err != nil {
		return nil, nil, err
	}
	return st, u, nil
}
