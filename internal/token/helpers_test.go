package token

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// countingKeys wraps a real storage.Keys and counts List calls.
type countingKeys struct {
	storage.Keys
	lists atomic.Int64
}

func (c *countingKeys) List(ctx context.Context, poolID string) ([]storage.SigningKey, error) {
	c.lists.Add(1)
	return c.Keys.List(ctx, poolID)
}

type env struct {
	db    *sqlite.DB
	keys  *countingKeys
	ring  *secret.KeyRing
	clock *clock
	iss   *Issuer
}

func newRing(t testing.TB, b byte) *secret.KeyRing {
	t.Helper()
	ring, err := secret.NewKeyRing(map[uint32][]byte{1: bytes.Repeat([]byte{b}, secret.KeySize)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

// newEnv opens a real SQLite store in a temp dir and an Issuer over it.
func newEnv(t testing.TB) *env {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, keys: &countingKeys{Keys: db.Keys()}, ring: newRing(t, 1), clock: newClock()}
	e.iss = NewIssuer(e.keys, e.ring, e.clock.now)
	return e
}

// node returns a second Issuer over the same store, like another server.
func (e *env) node() *Issuer { return NewIssuer(e.db.Keys(), e.ring, e.clock.now) }

func (e *env) ensure(t testing.TB, poolID string) {
	t.Helper()
	if err := e.iss.EnsureKeys(context.Background(), poolID); err != nil {
		t.Fatal(err)
	}
}

// claims is a Cognito-like access token claim set.
type claims struct {
	Sub      string `json:"sub"`
	Iss      string `json:"iss"`
	TokenUse string `json:"token_use"`
	Exp      int64  `json:"exp"`
	Iat      int64  `json:"iat"`
	Nbf      int64  `json:"nbf,omitempty"`
	JTI      string `json:"jti,omitempty"`
}

func (e *env) claims(use string, ttl time.Duration) claims {
	now := e.clock.now()
	return claims{Sub: "1b2c3d", Iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool", TokenUse: use,
		Iat: now.Unix(), Exp: now.Add(ttl).Unix()}
}

func (e *env) sign(t testing.TB, poolID, use string, c any) string {
	t.Helper()
	tok, err := e.iss.Sign(context.Background(), poolID, use, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
