package userpool

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
	"github.com/google/uuid"
)

// USER_SRP_AUTH, and the PASSWORD_SRP choice of USER_AUTH: the client
// proves it knows the password with Cognito's SRP-6a (package srp) and
// never sends it.
//
//	InitiateAuth(USER_SRP_AUTH: USERNAME, SRP_A)
//	  -> PASSWORD_VERIFIER {SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP, USERNAME}
//	RespondToAuthChallenge(PASSWORD_VERIFIER: PASSWORD_CLAIM_SIGNATURE,
//	                       PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP)
//	  -> what follows a right password (afterPassword): devices, MFA, tokens
//
// SECRET_BLOCK seals the server's half of the exchange (srp.ServerSession)
// with the pool, client, user and a fingerprint of the password, so any
// node can finish it. It is refused once used, once expired (srpBlockTTL)
// and once the password changed. A name no user holds (when the client
// hides user existence) and a user without a verifier get a challenge of
// the same shape over a fake verifier, with a stable salt derived from the
// server secret, and fail at PASSWORD_VERIFIER after the same work.

const (
	srpBlockAAD = "srp-secret-block"
	// srpBlockTTL bounds the time between InitiateAuth and the answer: the
	// clients compute it at once ("within a few seconds", the API
	// reference says).
	srpBlockTTL = 2 * time.Minute
)

// srpState is what SECRET_BLOCK carries.
type srpState struct {
	ID     string `json:"i"`
	Pool   string `json:"p"`
	Client string `json:"c"`
	// Sub is "" when no verifier stands behind the challenge.
	Sub string `json:"u,omitempty"`
	// UserID is USER_ID_FOR_SRP, or the device key for device
	// authentication.
	UserID   string `json:"n"`
	Password string `json:"h,omitempty"`
	// Device is the DEVICE_KEY sent with InitiateAuth, or the device being
	// authenticated when ForDevice is set.
	Device    string `json:"d,omitempty"`
	ForDevice bool   `json:"dv,omitempty"`
	// Custom is the history of the CUSTOM_AUTH sign-in the password
	// verifier is a round of.
	Custom  []triggers.ChallengeResult `json:"cu,omitempty"`
	Session srp.ServerSession          `json:"s"`
}

// sealBlock seals st as SECRET_BLOCK: standard base64, as the clients
// decode it.
func (s *Service) sealBlock(st *srpState) (string, error) {
	text, err := s.ring.SealJSON(st, srpBlockAAD, srpBlockTTL, s.now())
	if err != nil {
		return "", err
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// openBlock opens PASSWORD_CLAIM_SECRET_BLOCK and returns the state and the
// bytes the claim's signature covers. An expired, altered or foreign block
// is NotAuthorizedException.
func (s *Service) openBlock(cl *client, p *pool, text string, forDevice bool) (*srpState, []byte, error) {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, nil, errorf(NotAuthorized, msgDeadSession)
	}
	var st srpState
	err = s.ring.OpenJSON(base64.RawURLEncoding.EncodeToString(raw), srpBlockAAD, s.now(), &st)
	if errors.Is(err, secret.ErrExpired) {
		return nil, nil, errorf(NotAuthorized, msgBadSession)
	}
	if err != nil || st.Pool != p.rec.ID || st.Client != cl.rec.ID || st.ForDevice != forDevice {
		return nil, nil, errorf(NotAuthorized, msgDeadSession)
	}
	return &st, raw, nil
}

// spendBlock records the one use of a secret block; a replay is refused.
func (s *Service) spendBlock(ctx context.Context, st *srpState) error {
	n, err := s.store.Nonces().Use(ctx, secret.HashToken("srp-block:"+st.ID), s.now().Add(srpBlockTTL))
	if err != nil {
		return err
	}
	if n != 1 {
		return errorf(NotAuthorized, msgDeadSession)
	}
	return nil
}

// srpAuth starts USER_SRP_AUTH.
func (s *Service) srpAuth(ctx context.Context, p *pool, cl *client, params map[string]string) (*authResult, error) {
	username := params["USERNAME"]
	if username == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter USERNAME")
	}
	if params["SRP_A"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter SRP_A")
	}
	u, err := s.signInUser(ctx, p, cl, username, params["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, p, cl, u, username); err != nil {
		return nil, err
	}
	if src, err := s.copiedWithoutPassword(p, u); err != nil {
		return nil, err
	} else if src != nil {
		// A copied user without a password here: the old pool checks it
		// (cognito_srp.go).
		if r, err := s.relaySRPChallenge(ctx, p, cl, src, u, params["SRP_A"], params["DEVICE_KEY"]); r != nil || err != nil {
			return r, err
		}
	}
	return s.passwordVerifierChallenge(ctx, p, cl, u, username, params["SRP_A"], params["DEVICE_KEY"], nil)
}

// passwordVerifierChallenge answers SRP_A with PASSWORD_VERIFIER. u is nil
// for a name no user holds. The challenge of a name no user holds looks like
// a user's: a SALT stable for the name, a USER_ID_FOR_SRP of the form a
// user with that name would be shown by (fakeUserID), and a SECRET_BLOCK of
// the same length, over a fake verifier; it fails at PASSWORD_VERIFIER
// after the same work.
//
// custom is the history of a CUSTOM_AUTH sign-in that asked for the
// password (SRP then custom challenges); nil for the other flows.
func (s *Service) passwordVerifierChallenge(ctx context.Context, p *pool, cl *client, u *storage.User, name, srpA, deviceKey string, custom []triggers.ChallengeResult) (*authResult, error) {
	st := srpState{ID: uuid.NewString(), Pool: p.rec.ID, Client: cl.rec.ID, Device: deviceKey, Custom: custom}
	v := s.fakeVerifier()
	salt := ""
	var err error
	if u != nil {
		st.Sub, st.UserID, st.Password = u.Sub, p.srpUserID(u, name), passwordFingerprint(u)
		var ok bool
		if v, ok, err = s.srpVerifier(p, u, st.UserID); err != nil {
			return nil, err
		}
		if ok {
			salt = u.SRPSalt
		} else {
			v = s.fakeVerifier()
		}
	} else {
		// A sub and a fingerprint that name no one, so that the block has
		// the length of a user's.
		if st.UserID, err = s.fakeUserID(ctx, p, name); err != nil {
			return nil, err
		}
		d, err := s.derive(ctx, "srp-fake-block", p.rec.ID, p.key(name))
		if err != nil {
			return nil, err
		}
		st.Sub = uuidOf(d)
		st.Password = base64.RawURLEncoding.EncodeToString(d[16:28])
	}
	if salt == "" {
		if salt, err = s.fakeSalt(ctx, p, name); err != nil {
			return nil, err
		}
	}
	sess, err := srp.NewServerSession(srpA, v)
	if errors.Is(err, srp.ErrInvalidPublicValue) {
		return nil, errorf(InvalidParameter, "SRP_A is not a valid SRP public value.")
	}
	if err != nil {
		return nil, err
	}
	st.Session = *sess
	block, err := s.sealBlock(&st)
	if err != nil {
		return nil, err
	}
	return &authResult{
		ChallengeName: "PASSWORD_VERIFIER",
		ChallengeParameters: map[string]string{
			"SALT":            salt,
			"SRP_B":           sess.SRPB(),
			"SECRET_BLOCK":    block,
			"USER_ID_FOR_SRP": st.UserID,
			"USERNAME":        st.UserID,
		},
	}, nil
}

// srpClaim reads the PASSWORD_CLAIM_* responses and checks the TIMESTAMP
// against the server's clock (a skewed client clock is not a wrong
// password, so it is reported apart and not counted as a failure).
func (s *Service) srpClaim(resp map[string]string, poolName, userID string, block []byte) (srp.Claim, error) {
	for _, k := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"} {
		if resp[k] == "" {
			return srp.Claim{}, errorf(InvalidParameter, "Missing required parameter %s", k)
		}
	}
	sent, err := srp.ParseTimestamp(resp["TIMESTAMP"])
	if err != nil {
		return srp.Claim{}, errorf(InvalidParameter, "TIMESTAMP is not a valid timestamp.")
	}
	if d := s.now().Sub(sent); d > srp.TimestampTolerance || d < -srp.TimestampTolerance {
		return srp.Claim{}, errorf(NotAuthorized, "TIMESTAMP is too far from the current time; check the device clock.")
	}
	return srp.Claim{PoolName: poolName, UserID: userID, SecretBlock: block,
		Timestamp: resp["TIMESTAMP"], Signature: resp["PASSWORD_CLAIM_SIGNATURE"]}, nil
}

// respondPasswordVerifier checks the client's proof of the password.
func (s *Service) respondPasswordVerifier(ctx context.Context, p *pool, cl *client, resp map[string]string) (*authResult, error) {
	if resp["PASSWORD_CLAIM_SECRET_BLOCK"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK")
	}
	st, raw, err := s.openBlock(cl, p, resp["PASSWORD_CLAIM_SECRET_BLOCK"], false)
	if err != nil {
		return nil, err
	}
	var u *storage.User
	if st.Sub != "" {
		got, err := s.store.Users().GetBySub(ctx, p.rec.ID, st.Sub)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			u = &got
		}
	}
	names := []string{resp["USERNAME"], st.UserID}
	if u != nil {
		names = append(names, u.Username)
	}
	if err := cl.checkSecretHash(resp["SECRET_HASH"], names...); err != nil {
		return nil, err
	}
	if err := s.spendBlock(ctx, st); err != nil {
		return nil, err
	}
	claim, err := s.srpClaim(resp, srp.PoolName(p.rec.ID), st.UserID, raw)
	if err != nil {
		return nil, err
	}
	v, ok := []byte(nil), false
	if u != nil && st.Password == passwordFingerprint(u) {
		if v, ok, err = s.srpVerifier(p, u, st.UserID); err != nil {
			return nil, err
		}
	}
	res, err := s.checkSRPProof(ctx, p, u, st, v, ok, claim)
	if err != nil {
		return nil, err
	}
	switch res {
	case passwordLocked:
		return nil, errorf(NotAuthorized, msgAttemptsExceeded)
	case passwordWrong:
		return nil, errorf(NotAuthorized, msgBadCredentials)
	}
	deviceKey := resp["DEVICE_KEY"]
	if deviceKey == "" {
		deviceKey = st.Device
	}
	if len(st.Custom) > 0 {
		return s.customAfterPassword(ctx, p, cl, u, st.Custom, deviceKey)
	}
	return s.afterPassword(ctx, p, cl, u, deviceKey)
}

// checkSRPProof verifies the client's claim under the sign-in lockout, as
// a password is checked: a wrong proof counts as a failed sign-in and a
// locked-out user's proof is not checked at all. Without a verifier (ok is
// false) the same work is done against the fake verifier, and fails.
func (s *Service) checkSRPProof(ctx context.Context, p *pool, u *storage.User, st *srpState, v []byte, ok bool, claim srp.Claim) (passwordCheck, error) {
	subject := unknownSubject(p, st.UserID)
	if u != nil {
		subject = userSubject(u)
	}
	return s.guardPassword(ctx, p.rec.ID, subject, func() (bool, error) {
		if !ok {
			_ = st.Session.Verify(s.fakeVerifier(), claim, s.now())
			return false, nil
		}
		return st.Session.Verify(v, claim, s.now()) == nil, nil
	})
}
