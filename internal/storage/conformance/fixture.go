package conformance

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// fixture is one test's store with helpers that make valid records. Each
// helper creates what it returns and fails the test if the store refuses;
// ids come from a counter, so records made by one fixture never collide.
type fixture struct {
	storage.Store
	t   *testing.T
	ctx context.Context
	seq int
}

func newFixture(t *testing.T, s storage.Store) *fixture {
	return &fixture{Store: s, t: t, ctx: t.Context()}
}

// t0 is the suite's clock: a time with nanoseconds and a zone other than
// UTC, so round trips show the store's precision and location.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("UTC+1", 3600))

// at returns t0 moved by d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// stored returns tm as the contract says a store reads it back: to the
// microsecond, in UTC (the zero time stays zero).
func stored(tm time.Time) time.Time {
	if tm.IsZero() {
		return time.Time{}
	}
	return tm.Truncate(time.Microsecond).UTC()
}

// next returns the fixture's next sequence number.
func (f *fixture) next() int {
	f.seq++
	return f.seq
}

// poolID returns a new user pool id.
func (f *fixture) poolID() string { return fmt.Sprintf("us-east-1_P%08d", f.next()) }

// clientID returns a new app client id.
func (f *fixture) clientID() string { return fmt.Sprintf("c%025d", f.next()) }

// sub returns a new user sub.
func (f *fixture) sub() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", f.next()) }

// identityID returns a new identity (or identity pool) id.
func (f *fixture) identityID() string {
	return fmt.Sprintf("us-east-1:00000000-0000-4000-9000-%012d", f.next())
}

// pool creates a user pool.
func (f *fixture) pool() storage.Pool {
	f.t.Helper()
	p := storage.Pool{
		ID: f.poolID(), Region: "us-east-1", Name: "pool", Config: []byte(`{"mfa":"OFF"}`),
		CreatedAt: at(0), UpdatedAt: at(time.Second),
	}
	must(f.t, f.Pools().Create(f.ctx, p))
	return p
}

// client creates an app client in the pool.
func (f *fixture) client(poolID string) storage.Client {
	f.t.Helper()
	c := storage.Client{
		ID: f.clientID(), PoolID: poolID, Name: "app", SecretSealed: []byte("sealed"),
		Config: []byte(`{"flows":[]}`), CreatedAt: at(0), UpdatedAt: at(0),
	}
	must(f.t, f.Clients().Create(f.ctx, c))
	return c
}

// newUser returns a user of the pool, not yet stored, found by its
// username (lower-cased, as a case-insensitive pool stores it).
func (f *fixture) newUser(poolID, username string) storage.User {
	return storage.User{
		PoolID: poolID, Sub: f.sub(), Username: username, Status: "CONFIRMED", Enabled: true,
		Attributes:        map[string]string{"email": username + "@example.com"},
		PasswordHash:      "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		PasswordChangedAt: at(0),
		Lookups:           []storage.Lookup{{Kind: storage.LookupUsername, Key: strings.ToLower(username)}},
		CreatedAt:         at(0), UpdatedAt: at(0),
	}
}

// user creates a user of the pool.
func (f *fixture) user(poolID, username string) storage.User {
	f.t.Helper()
	u := f.newUser(poolID, username)
	must(f.t, f.Users().Create(f.ctx, u))
	return u
}

// poolUser creates a pool with one user in it: the setting most tests of
// per-user records start from.
func (f *fixture) poolUser() (storage.Pool, storage.User) {
	f.t.Helper()
	p := f.pool()
	return p, f.user(p.ID, "alice")
}

// newToken returns a refresh token of the user through the client, not yet
// stored, in a family of its own, expiring a day after t0.
func (f *fixture) newToken(c storage.Client, u storage.User) storage.RefreshToken {
	n := f.next()
	jti := fmt.Sprintf("jti-%06d", n)
	return storage.RefreshToken{
		ID: []byte(fmt.Sprintf("token-hash-%06d", n)), PoolID: u.PoolID, ClientID: c.ID, Sub: u.Sub,
		OriginJTI: jti, FamilyID: jti, AuthTime: at(0), CreatedAt: at(0), ExpiresAt: at(24 * time.Hour),
	}
}

// token creates a refresh token of the user through the client.
func (f *fixture) token(c storage.Client, u storage.User) storage.RefreshToken {
	f.t.Helper()
	tk := f.newToken(c, u)
	must(f.t, f.Tokens().Create(f.ctx, tk))
	return tk
}

// code creates a one-time code for the user.
func (f *fixture) code(u storage.User, purpose string) storage.Code {
	f.t.Helper()
	c := storage.Code{
		PoolID: u.PoolID, Sub: u.Sub, Purpose: purpose, Hash: []byte("code-hash"),
		ExpiresAt: at(time.Hour), CreatedAt: at(0),
	}
	must(f.t, f.Codes().Put(f.ctx, c))
	return c
}

// key creates a signing key of the pool made at the given time.
func (f *fixture) key(poolID, use string, created time.Time) storage.SigningKey {
	f.t.Helper()
	k := storage.SigningKey{
		ID: fmt.Sprintf("kid-%06d", f.next()), PoolID: poolID, Use: use, Algorithm: "RS256",
		PrivateSealed: []byte("sealed-pkcs8"), PublicJWK: []byte(`{"kty":"RSA"}`), CreatedAt: created,
	}
	must(f.t, f.Keys().Create(f.ctx, k))
	return k
}

// identityPool creates an identity pool.
func (f *fixture) identityPool() storage.IdentityPool {
	f.t.Helper()
	p := storage.IdentityPool{
		ID: f.identityID(), Region: "us-east-1", Name: "ids", Config: []byte(`{"unauth":false}`),
		CreatedAt: at(0), UpdatedAt: at(0),
	}
	must(f.t, f.Identities().CreatePool(f.ctx, p))
	return p
}

// identity creates an identity in the identity pool.
func (f *fixture) identity(poolID string) storage.Identity {
	f.t.Helper()
	id := storage.Identity{ID: f.identityID(), PoolID: poolID, CreatedAt: at(0), UpdatedAt: at(0)}
	must(f.t, f.Identities().Create(f.ctx, id))
	return id
}

// userProvider is the login provider name of a local user pool.
func userProvider(poolID string) string { return "cognito-idp.us-east-1.amazonaws.com/" + poolID }

// userLogin links the user to the identity through its pool's provider.
func (f *fixture) userLogin(id storage.Identity, u storage.User) storage.IdentityLogin {
	f.t.Helper()
	l := storage.IdentityLogin{
		IdentityID: id.ID, IdentityPoolID: id.PoolID, Provider: userProvider(u.PoolID), Subject: u.Sub,
		UserPoolID: u.PoolID, UserSub: u.Sub, CreatedAt: at(0),
	}
	must(f.t, f.Identities().AddLogin(f.ctx, l))
	return l
}

// devLogin links a developer-provider login to the identity.
func (f *fixture) devLogin(id storage.Identity, subject string) storage.IdentityLogin {
	f.t.Helper()
	l := storage.IdentityLogin{
		IdentityID: id.ID, IdentityPoolID: id.PoolID, Provider: "login.example", Subject: subject, CreatedAt: at(0),
	}
	must(f.t, f.Identities().AddLogin(f.ctx, l))
	return l
}
