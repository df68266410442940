package userpool

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// USER_SRP_AUTH of a copied user who has no password here yet. SRP never
// shows the server the password, so it cannot be kept here; instead the
// exchange is relayed to the old pool, which holds the verifier: SRP_A
// goes there, its PASSWORD_VERIFIER challenge (SALT, SRP_B, SECRET_BLOCK,
// USER_ID_FOR_SRP) comes back to the client unchanged, with a Session of
// this server's that remembers the old pool's; the client's proof goes
// there too, and when the old pool takes it the sign-in goes on here. The
// pool id is the old one, so the proof the client computes is the one the
// old pool expects. The answer given to the old pool is the one to the
// challenge it gave for this user: USERNAME is that challenge's
// USER_ID_FOR_SRP and PASSWORD_CLAIM_SECRET_BLOCK must be its SECRET_BLOCK
// (the session keeps its hash), so that another user's proof, made against
// a challenge of theirs, cannot sign this user in; and the old pool's user
// that took the proof must have this user's sub. The user stays without a
// password here until a password sign-in or a reset: SRP sign-ins keep
// asking the old pool.

const relayAAD = "cognito-srp-relay"

// relayState is the Session of a relayed PASSWORD_VERIFIER.
type relayState struct {
	ID         string `json:"i"`
	Pool       string `json:"p"`
	Client     string `json:"c"`
	Sub        string `json:"u"`
	OldSession string `json:"o"`
	Device     string `json:"d,omitempty"`
	// UserID is the old challenge's USER_ID_FOR_SRP, Block the SHA-256 of
	// its SECRET_BLOCK.
	UserID string `json:"n"`
	Block  []byte `json:"b"`
}

func blockHash(block string) []byte {
	h := sha256.Sum256([]byte(block))
	return h[:]
}

// relaySRPChallenge starts the old pool's USER_SRP_AUTH for u with the
// client's SRP_A; nil, nil when the old pool does not know u (the caller
// goes on as for a user without a verifier).
func (s *Service) relaySRPChallenge(ctx context.Context, p *pool, cl *client, src *CognitoSource, u *storage.User, srpA, deviceKey string) (*authResult, error) {
	params, oldSession, err := s.old.StartSRP(ctx, *src, u.Username, srpA)
	if errors.Is(err, ErrOldRefused) {
		return nil, nil
	}
	if errors.Is(err, ErrOldResetRequired) {
		return nil, errorf(PasswordResetRequired, msgResetRequired)
	}
	if err != nil {
		return nil, err
	}
	sess, err := s.ring.SealJSON(relayState{ID: uuid.NewString(), Pool: p.rec.ID, Client: cl.rec.ID, Sub: u.Sub,
		OldSession: oldSession, Device: deviceKey, UserID: params["USER_ID_FOR_SRP"], Block: blockHash(params["SECRET_BLOCK"])}, relayAAD, srpBlockTTL, s.now())
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range []string{"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"} {
		out[k] = params[k]
	}
	return &authResult{ChallengeName: "PASSWORD_VERIFIER", Session: sess, ChallengeParameters: out}, nil
}

// respondRelayedSRP finishes a relayed PASSWORD_VERIFIER: ok is false when
// sess is not a relay's (the answer is then checked here).
func (s *Service) respondRelayedSRP(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, bool, error) {
	var st relayState
	if sess == "" || s.ring.OpenJSON(sess, relayAAD, s.now(), &st) != nil {
		return nil, false, nil
	}
	if st.Pool != p.rec.ID || st.Client != cl.rec.ID {
		return nil, true, errorf(NotAuthorized, msgDeadSession)
	}
	for _, k := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"} {
		if resp[k] == "" {
			return nil, true, errorf(InvalidParameter, "Missing required parameter %s", k)
		}
	}
	if subtle.ConstantTimeCompare(blockHash(resp["PASSWORD_CLAIM_SECRET_BLOCK"]), st.Block) != 1 {
		return nil, true, errorf(NotAuthorized, msgDeadSession) // not the old pool's block for this user
	}
	got, err := s.store.Users().GetBySub(ctx, p.rec.ID, st.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, true, errorf(NotAuthorized, msgDeadSession)
	}
	if err != nil {
		return nil, true, err
	}
	u := &got
	if err := cl.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], u.Username); err != nil {
		return nil, true, err
	}
	n, err := s.store.Nonces().Use(ctx, secret.HashToken("srp-relay:"+st.ID), s.now().Add(srpBlockTTL))
	if err != nil {
		return nil, true, err
	}
	src, err := s.copiedWithoutPassword(p, u)
	if err != nil {
		return nil, true, err
	}
	if n != 1 || src == nil { // a replay, or the password came meanwhile
		return nil, true, errorf(NotAuthorized, msgDeadSession)
	}
	status, reset := "", false
	res, err := s.guardPassword(ctx, p.rec.ID, userSubject(u), func() (bool, error) {
		answer := map[string]string{"USERNAME": st.UserID}
		for _, k := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
			answer[k] = resp[k]
		}
		in, err := s.old.FinishSRP(ctx, *src, st.OldSession, answer)
		if reset = errors.Is(err, ErrOldResetRequired); reset || errors.Is(err, ErrOldRefused) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		status = in.Status
		// The proof was made for the old pool's user of u's username,
		// which must be u (sameOldUser).
		return s.sameOldUser(ctx, p, src, u, in.User, in.Status)
	})
	switch {
	case err != nil:
		return nil, true, err
	case res == passwordLocked:
		return nil, true, errorf(NotAuthorized, msgAttemptsExceeded)
	case res == passwordWrong && reset:
		return nil, true, errorf(PasswordResetRequired, msgResetRequired)
	case res == passwordWrong:
		return nil, true, errorf(NotAuthorized, msgBadCredentials)
	}
	// The user as it is now: a reset, a new password or a disable made
	// here while the old pool answered stands.
	if got, err = s.store.Users().GetBySub(ctx, p.rec.ID, st.Sub); err != nil {
		return nil, true, err
	}
	u = &got
	switch {
	case u.PasswordHash == "" && u.Status == "RESET_REQUIRED":
		return nil, true, errorf(PasswordResetRequired, msgResetRequired)
	case u.PasswordHash != "": // set meanwhile: the old pool's password is not it
		return nil, true, errorf(NotAuthorized, msgBadCredentials)
	}
	if status == "FORCE_CHANGE_PASSWORD" {
		u.PasswordChangedAt = s.now() // the old pool's temporary password, valid there
	}
	u.Status = status
	deviceKey := resp["DEVICE_KEY"]
	if deviceKey == "" {
		deviceKey = st.Device
	}
	r, err := s.afterPassword(ctx, p, cl, u, deviceKey)
	return r, true, err
}
