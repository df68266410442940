package userpool

import (
	"crypto/sha256"
	"encoding/base64"

	"github.com/cognate-dev/cognate/internal/storage"
)

// challengeState is what a Session carries between InitiateAuth and
// RespondToAuthChallenge. It is sealed (encrypted and authenticated) with
// the server key and expires with the client's AuthSessionValidity, so any
// node can continue the sign-in and nobody can forge or alter one.
type challengeState struct {
	Pool      string `json:"p"`
	Client    string `json:"c"`
	Sub       string `json:"u"`
	Challenge string `json:"n"`
	// Password fingerprints the password the challenge was issued under,
	// so a Session dies once the password changes: it can't be replayed.
	Password string `json:"h"`
}

const sessionAAD = "cognito-auth-session"

func passwordFingerprint(u *storage.User) string {
	sum := sha256.Sum256([]byte(u.PasswordHash))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

func (s *Service) sealSession(cl *client, u *storage.User, challenge string) (string, error) {
	return s.ring.SealJSON(challengeState{
		Pool: u.PoolID, Client: cl.rec.ID, Sub: u.Sub, Challenge: challenge, Password: passwordFingerprint(u),
	}, sessionAAD, cl.sessionTTL(), s.now())
}

// openSession opens a Session for the given client and challenge.
func (s *Service) openSession(cl *client, text, challenge string) (*challengeState, error) {
	var st challengeState
	if text == "" || s.ring.OpenJSON(text, sessionAAD, s.now(), &st) != nil ||
		st.Client != cl.rec.ID || st.Challenge != challenge {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	return &st, nil
}
