package userpool

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// SRP verifiers. Every password a user gets passes through setPassword,
// which also stores the salt and verifier USER_SRP_AUTH needs. A verifier
// v = g^x lets whoever holds it test password guesses offline as fast as
// a plain hash, so it is sealed with the server key, bound to its pool and
// user; the salt is stored in hex, as SALT is sent.

func srpVerifierAAD(u *storage.User) []byte {
	return []byte("srp-verifier:" + u.PoolID + ":" + u.Sub)
}

// srpVerifierFor computes and seals a new salt and verifier of pw for u.
// The verifier binds the pool name and the user's internal username, which
// is what InitiateAuth sends as USER_ID_FOR_SRP.
func (s *Service) srpVerifierFor(u *storage.User, pw string) (salt, verifier string) {
	rawSalt, v := srp.NewVerifier(srp.PoolName(u.PoolID), u.Username, pw)
	return hex.EncodeToString(rawSalt), base64.RawStdEncoding.EncodeToString(s.ring.Seal(v, srpVerifierAAD(u)))
}

// srpVerifier opens a user's verifier. Users whose password was set before
// Cognate stored verifiers have none (ok is false).
func (s *Service) srpVerifier(u *storage.User) (v []byte, ok bool, err error) {
	if u.SRPVerifier == "" || u.SRPSalt == "" {
		return nil, false, nil
	}
	sealed, err := base64.RawStdEncoding.DecodeString(u.SRPVerifier)
	if err != nil {
		return nil, false, fmt.Errorf("userpool: SRP verifier of %s: %w", u.Sub, err)
	}
	v, err = s.ring.Open(sealed, srpVerifierAAD(u))
	if err != nil {
		return nil, false, fmt.Errorf("userpool: SRP verifier of %s: %w", u.Sub, err)
	}
	return v, true, nil
}

// upgradeSRP gives a user who signed in with the right password, and has
// no verifier yet, one (users created before verifiers were stored), so
// that USER_SRP_AUTH works for them from then on. It changes nothing when
// the password changed since it was checked.
func (s *Service) upgradeSRP(ctx context.Context, p *pool, u *storage.User, pw string) error {
	if u.SRPVerifier != "" {
		return nil
	}
	checked := u.PasswordHash
	salt, verifier := s.srpVerifierFor(u, pw)
	saved, err := s.updateUser(ctx, p, u.Sub, func(_ storage.Stores, cur *storage.User) error {
		if cur.SRPVerifier != "" || cur.PasswordHash != checked {
			return errNoChange
		}
		cur.SRPSalt, cur.SRPVerifier = salt, verifier
		return nil
	})
	if err != nil {
		return err
	}
	*u = *saved
	return nil
}

// fakeSRP is the verifier behind challenges for users who cannot pass
// PASSWORD_VERIFIER (unknown, or without a verifier): a verifier for a
// random password, drawn once per process.
type fakeSRP struct {
	once     sync.Once
	verifier []byte
}

func (s *Service) fakeVerifier() []byte {
	f := &s.fakeSRP
	f.once.Do(func() {
		_, f.verifier = srp.NewVerifier("fake", "fake", secret.RandomString(32, secret.Alnum))
	})
	return f.verifier
}

// fakeSalt returns the SALT shown for a name no verifier stands behind:
// stable per pool and name, unguessable without the server secret, and of
// the shape of real salts (16 bytes, padded as srp.NewVerifier pads them).
func (s *Service) fakeSalt(ctx context.Context, p *pool, name string) (string, error) {
	d, err := s.derive(ctx, "srp-salt", p.rec.ID, p.key(name))
	if err != nil {
		return "", err
	}
	salt := d[:16]
	if salt[0]&0x80 != 0 {
		salt = append([]byte{0}, salt...)
	}
	return hex.EncodeToString(salt), nil
}

// fakeUserID returns the USER_ID_FOR_SRP shown for an unknown name: the
// name itself, or, where the pool's usernames are generated (email or
// phone number as username), a stable UUID-shaped value as a sub would be.
func (s *Service) fakeUserID(ctx context.Context, p *pool, name string) (string, error) {
	if len(p.cfg.UsernameAttributes) == 0 {
		return name, nil
	}
	d, err := s.derive(ctx, "srp-user-id", p.rec.ID, p.key(name))
	if err != nil {
		return "", err
	}
	d[6] = d[6]&0x0f | 0x40
	d[8] = d[8]&0x3f | 0x80
	h := hex.EncodeToString(d[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
