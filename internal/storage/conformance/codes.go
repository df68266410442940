package conformance

import (
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Codes",
		test{"PutGet", testCodePutGet},
		test{"PutReplaces", testCodePutReplaces},
		test{"PutWithoutUser", testCodePutWithoutUser},
		test{"GetMissing", testCodeGetMissing},
		test{"AddAttempt", testCodeAddAttempt},
		test{"Delete", testCodeDelete},
	)
}

// wantCode is c as the store reads it back.
func wantCode(c storage.Code) storage.Code {
	c.ExpiresAt, c.CreatedAt = stored(c.ExpiresAt), stored(c.CreatedAt)
	if len(c.Hash) == 0 {
		c.Hash = nil
	}
	return c
}

func (f *fixture) getCode(u storage.User, purpose string) storage.Code {
	f.t.Helper()
	c, err := f.Codes().Get(f.ctx, u.PoolID, u.Sub, purpose)
	must(f.t, err)
	return c
}

func testCodePutGet(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	c := storage.Code{PoolID: u.PoolID, Sub: u.Sub, Purpose: "verify:email", Hash: []byte{0, 1, 2, 255},
		Attempts: 2, ExpiresAt: at(time.Hour), CreatedAt: at(0)}
	must(t, f.Codes().Put(f.ctx, c))
	same(t, "code", f.getCode(u, c.Purpose), wantCode(c))
}

// testCodePutReplaces: there is one code per (pool, sub, purpose); Put
// replaces it whole, and leaves the user's other purposes alone.
func testCodePutReplaces(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	f.code(u, "signup")
	reset := f.code(u, "forgot_password")
	_, err := f.Codes().AddAttempt(f.ctx, u.PoolID, u.Sub, "signup")
	must(t, err)
	again := storage.Code{PoolID: u.PoolID, Sub: u.Sub, Purpose: "signup", Hash: []byte("new-hash"),
		ExpiresAt: at(2 * time.Hour), CreatedAt: at(time.Hour)}
	must(t, f.Codes().Put(f.ctx, again))
	same(t, "replaced code", f.getCode(u, "signup"), wantCode(again))
	same(t, "other purpose", f.getCode(u, "forgot_password"), wantCode(reset))
}

func testCodePutWithoutUser(t *testing.T, f *fixture) {
	p := f.pool()
	c := storage.Code{PoolID: p.ID, Sub: f.sub(), Purpose: "signup", Hash: []byte("h"), ExpiresAt: at(time.Hour)}
	wantErr(t, f.Codes().Put(f.ctx, c), storage.ErrNotFound)
}

func testCodeGetMissing(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	f.code(u, "signup")
	_, err := f.Codes().Get(f.ctx, u.PoolID, u.Sub, "forgot_password")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Codes().Get(f.ctx, f.pool().ID, u.Sub, "signup")
	wantErr(t, err, storage.ErrNotFound)
}

// testCodeAddAttempt: AddAttempt counts up from the stored Attempts and
// returns the code with the new count.
func testCodeAddAttempt(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	c := f.code(u, "signup")
	f.code(u, "forgot_password")
	for want := 1; want <= 3; want++ {
		got, err := f.Codes().AddAttempt(f.ctx, u.PoolID, u.Sub, "signup")
		must(t, err)
		c.Attempts = want
		same(t, "code after AddAttempt", got, wantCode(c))
	}
	same(t, "code", f.getCode(u, "signup"), wantCode(c))
	if got := f.getCode(u, "forgot_password"); got.Attempts != 0 {
		t.Fatalf("other purpose has %d attempts, want 0", got.Attempts)
	}

	c.Attempts = 7
	must(t, f.Codes().Put(f.ctx, c))
	if got, err := f.Codes().AddAttempt(f.ctx, u.PoolID, u.Sub, "signup"); err != nil || got.Attempts != 8 {
		t.Fatalf("AddAttempt after Put with 7 = %d, %v; want 8", got.Attempts, err)
	}
	_, err := f.Codes().AddAttempt(f.ctx, u.PoolID, u.Sub, "verify:email")
	wantErr(t, err, storage.ErrNotFound)
}

func testCodeDelete(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	f.code(u, "signup")
	reset := f.code(u, "forgot_password")
	must(t, f.Codes().Delete(f.ctx, u.PoolID, u.Sub, "signup"))
	_, err := f.Codes().Get(f.ctx, u.PoolID, u.Sub, "signup")
	wantErr(t, err, storage.ErrNotFound)
	same(t, "other purpose", f.getCode(u, "forgot_password"), wantCode(reset))
	wantErr(t, f.Codes().Delete(f.ctx, u.PoolID, u.Sub, "signup"), storage.ErrNotFound)
}
