package conformance

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Space measurement: SpaceUsers fills a pool as `cognate import` does for
// the scale benchmark (username, name, email), optionally with a password
// of the sizes the userpool package stores, so that a backend's test can
// report the bytes a user costs. The measurement itself is per backend
// (file pages in SQLite, relation sizes in PostgreSQL).

// SpacePassword is the shape of the password fields SpaceUsers stores.
type SpacePassword int

const (
	// NoPassword leaves the password fields empty (an import without hashes).
	NoPassword SpacePassword = iota
	// OneVerifier stores an argon2id hash, a raw salt and one sealed
	// verifier in the binary form (the form every new password gets in a
	// pool without alias attributes).
	OneVerifier
	// TwoVerifiersText stores an argon2id hash, a hex salt and two sealed
	// verifiers in base64 text, the form before migration 0019.
	TwoVerifiersText
)

// sealedVerifierLen is the length of a sealed 3072-bit SRP verifier: the
// key ring's 5-byte header, a 12-byte nonce, 384 bytes and a 16-byte tag.
const sealedVerifierLen = 5 + 12 + 384 + 16

// SpaceUsers creates n users in pool poolID (which must exist) through
// CreateMany, in batches of 1,000.
func SpaceUsers(ctx context.Context, s storage.Store, poolID string, n int, pw SpacePassword) error {
	now := time.Now()
	batch := make([]storage.User, 0, 1000)
	for i := range n {
		sub := uuidV7(now, i)
		name := fmt.Sprintf("user%07d", i)
		u := storage.User{
			PoolID: poolID, Sub: sub, Username: name, Status: "RESET_REQUIRED", Enabled: true,
			Attributes: map[string]string{
				"name": fmt.Sprintf("User %d", i), "email": fmt.Sprintf("m%07d@example.com", (i*7919)%n),
				"email_verified": "true",
			},
			Lookups:   []storage.Lookup{{Kind: storage.LookupUsername, Key: name}},
			CreatedAt: now, UpdatedAt: now,
		}
		if pw != NoPassword {
			u.Status, u.PasswordChangedAt = "CONFIRMED", now
			u.PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$" + randText(22) + "$" + randText(43)
			u.SRPSalt = fmt.Sprintf("%x", randBytes(16))
			switch pw {
			case OneVerifier:
				u.SRPVerifier = storage.SRPVerifiers("\x02" + string(randBytes(sealedVerifierLen)))
			case TwoVerifiersText:
				u.SRPVerifier = storage.SRPVerifiers(randText(556) + "." + randText(556))
			}
		}
		batch = append(batch, u)
		if len(batch) == cap(batch) || i == n-1 {
			if err := s.Users().CreateMany(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// uuidV7 is a version-7 UUID of time t and sequence i, as the import
// gives subs.
func uuidV7(t time.Time, i int) string {
	b := randBytes(16)
	ms := uint64(t.UnixMilli()) + uint64(i/4096)
	for k := range 6 {
		b[k] = byte(ms >> (40 - 8*k))
	}
	b[6] = 0x70 | byte(i>>8)&0x0f
	b[7] = byte(i)
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func randText(n int) string {
	b := randBytes(n)
	for i := range b {
		b[i] = base64Alphabet[b[i]&63]
	}
	return string(b)
}
