package conformance

import (
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Tokens",
		test{"CreateGet", testTokenCreateGet},
		test{"CreateTaken", testTokenCreateTaken},
		test{"CreateWithoutClientOrUser", testTokenCreateWithoutClientOrUser},
		test{"GetMissing", testTokenGetMissing},
		test{"GetByOrigin", testTokenGetByOrigin},
		test{"Revoke", testTokenRevoke},
		test{"RevokeFamily", testTokenRevokeFamily},
		test{"RevokeUser", testTokenRevokeUser},
		test{"DeleteExpired", testTokenDeleteExpired},
	)
}

// wantToken is tk as the store reads it back.
func wantToken(tk storage.RefreshToken) storage.RefreshToken {
	tk.AuthTime, tk.CreatedAt = stored(tk.AuthTime), stored(tk.CreatedAt)
	tk.ExpiresAt, tk.RevokedAt = stored(tk.ExpiresAt), stored(tk.RevokedAt)
	tk.RotatedAt = stored(tk.RotatedAt)
	return tk
}

func (f *fixture) getToken(id []byte) storage.RefreshToken {
	f.t.Helper()
	tk, err := f.Tokens().Get(f.ctx, id)
	must(f.t, err)
	return tk
}

// clientUser makes a pool with a client and a user.
func (f *fixture) clientUser() (storage.Client, storage.User) {
	f.t.Helper()
	p, u := f.poolUser()
	return f.client(p.ID), u
}

func testTokenCreateGet(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	tk := f.newToken(c, u)
	tk.ID = []byte{0, 0xff, 0x10, 0x80, 0} // arbitrary bytes, as a SHA-256 is
	tk.FamilyID = "family-1"
	tk.DeviceKey = "us-east-1_device"
	tk.AuthTime = at(-time.Minute)
	tk.Scope, tk.Nonce = "openid email", "n-0S6_WzA2Mj"
	must(t, f.Tokens().Create(f.ctx, tk))
	same(t, "token", f.getToken(tk.ID), wantToken(tk))

	revoked := f.newToken(c, u)
	revoked.RevokedAt = at(time.Second)
	must(t, f.Tokens().Create(f.ctx, revoked))
	same(t, "revoked token", f.getToken(revoked.ID), wantToken(revoked))
}

func testTokenCreateTaken(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	tk := f.token(c, u)
	again := f.newToken(c, u)
	again.ID = tk.ID
	wantErr(t, f.Tokens().Create(f.ctx, again), storage.ErrConflict)
	same(t, "token", f.getToken(tk.ID), wantToken(tk))
}

func testTokenCreateWithoutClientOrUser(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	noClient := f.newToken(c, u)
	noClient.ClientID = f.clientID()
	wantErr(t, f.Tokens().Create(f.ctx, noClient), storage.ErrNotFound)
	noUser := f.newToken(c, u)
	noUser.Sub = f.sub()
	wantErr(t, f.Tokens().Create(f.ctx, noUser), storage.ErrNotFound)
}

func testTokenGetMissing(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	f.token(c, u)
	_, err := f.Tokens().Get(f.ctx, []byte("no-such-token"))
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Tokens().GetByOrigin(f.ctx, "no-such-jti")
	wantErr(t, err, storage.ErrNotFound)
}

func testTokenGetByOrigin(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	f.token(c, u)
	tk := f.token(c, u)
	f.token(c, u)
	got, err := f.Tokens().GetByOrigin(f.ctx, tk.OriginJTI)
	must(t, err)
	same(t, "token by origin", got, wantToken(tk))
}

// testTokenRevoke: Revoke sets RevokedAt once; revoking again keeps the
// first time.
func testTokenRevoke(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	tk, other := f.token(c, u), f.token(c, u)
	must(t, f.Tokens().Revoke(f.ctx, tk.ID, at(time.Minute)))
	must(t, f.Tokens().Revoke(f.ctx, tk.ID, at(time.Hour)))
	tk.RevokedAt = at(time.Minute)
	same(t, "revoked token", f.getToken(tk.ID), wantToken(tk))
	same(t, "other token", f.getToken(other.ID), wantToken(other))
	wantErr(t, f.Tokens().Revoke(f.ctx, []byte("no-such-token"), at(0)), storage.ErrNotFound)
}

// testTokenRevokeFamily: RevokeFamily revokes every token of the family
// that is not revoked yet, and no other.
func testTokenRevokeFamily(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	family := make([]storage.RefreshToken, 3)
	for i := range family {
		family[i] = f.newToken(c, u)
		family[i].FamilyID = "family-a"
	}
	family[0].RevokedAt = at(time.Second) // rotated out earlier
	for _, tk := range family {
		must(t, f.Tokens().Create(f.ctx, tk))
	}
	other := f.token(c, u)

	must(t, f.Tokens().RevokeFamily(f.ctx, "family-a", at(time.Hour)))
	family[1].RevokedAt, family[2].RevokedAt = at(time.Hour), at(time.Hour)
	for _, tk := range family {
		same(t, "family token", f.getToken(tk.ID), wantToken(tk))
	}
	same(t, "other token", f.getToken(other.ID), wantToken(other))
	must(t, f.Tokens().RevokeFamily(f.ctx, "no-such-family", at(0)))
}

// testTokenRevokeUser: RevokeUser revokes the user's live tokens in every
// client of the pool and counts them.
func testTokenRevokeUser(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	c2 := f.client(u.PoolID)
	other := f.user(u.PoolID, "other")
	live := []storage.RefreshToken{f.token(c, u), f.token(c2, u)}
	old := f.newToken(c, u)
	old.RevokedAt = at(time.Second)
	must(t, f.Tokens().Create(f.ctx, old))
	otherToken := f.token(c, other)

	n, err := f.Tokens().RevokeUser(f.ctx, u.PoolID, u.Sub, at(time.Hour))
	must(t, err)
	if n != len(live) {
		t.Fatalf("RevokeUser = %d, want %d", n, len(live))
	}
	for _, tk := range live {
		tk.RevokedAt = at(time.Hour)
		same(t, "user's token", f.getToken(tk.ID), wantToken(tk))
	}
	same(t, "token revoked before", f.getToken(old.ID), wantToken(old))
	same(t, "other user's token", f.getToken(otherToken.ID), wantToken(otherToken))

	if n, err := f.Tokens().RevokeUser(f.ctx, u.PoolID, u.Sub, at(2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("RevokeUser again = %d, %v; want 0", n, err)
	}
	if n, err := f.Tokens().RevokeUser(f.ctx, f.pool().ID, other.Sub, at(0)); err != nil || n != 0 {
		t.Fatalf("RevokeUser in another pool = %d, %v; want 0", n, err)
	}
}

// testTokenDeleteExpired: DeleteExpired removes the tokens whose ExpiresAt
// is before the time given (revoked or not), and counts them; a zero
// ExpiresAt never expires.
func testTokenDeleteExpired(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	create := func(expires time.Time, revoked bool) storage.RefreshToken {
		tk := f.newToken(c, u)
		tk.ExpiresAt = expires
		if revoked {
			tk.RevokedAt = at(0)
		}
		must(t, f.Tokens().Create(f.ctx, tk))
		return tk
	}
	cut := at(time.Hour)
	expired := []storage.RefreshToken{create(at(0), false), create(cut.Add(-time.Microsecond), true)}
	kept := []storage.RefreshToken{create(cut, false), create(cut.Add(time.Microsecond), true), create(time.Time{}, false)}

	n, err := f.Tokens().DeleteExpired(f.ctx, cut)
	must(t, err)
	if n != len(expired) {
		t.Fatalf("DeleteExpired = %d, want %d", n, len(expired))
	}
	for _, tk := range expired {
		_, err := f.Tokens().Get(f.ctx, tk.ID)
		wantErr(t, err, storage.ErrNotFound)
	}
	for _, tk := range kept {
		same(t, "unexpired token", f.getToken(tk.ID), wantToken(tk))
	}
	if n, err := f.Tokens().DeleteExpired(f.ctx, cut); err != nil || n != 0 {
		t.Fatalf("DeleteExpired again = %d, %v; want 0", n, err)
	}
}
