package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Passkeys",
		test{"CreateGet", testPasskeyCreateGet},
		test{"CreateTaken", testPasskeyCreateTaken},
		test{"CreateWithoutUser", testPasskeyCreateWithoutUser},
		test{"ListCount", testPasskeyListCount},
		test{"RecordUse", testPasskeyRecordUse},
		test{"RecordUseConcurrent", testPasskeyRecordUseConcurrent},
		test{"Delete", testPasskeyDelete},
		test{"GoWithUserAndPool", testPasskeyCascade},
	)
}

// newPasskey returns a passkey of the user, not yet stored.
func (f *fixture) newPasskey(u storage.User) storage.Passkey {
	return storage.Passkey{
		PoolID: u.PoolID, Sub: u.Sub, ID: fmt.Sprintf("cred-%06d_-x", f.next()), RelyingPartyID: "auth.example.com",
		PublicKey: []byte{0xa5, 0x01, 0x02, 0x03, 0x26}, SignCount: 7, AAGUID: make([]byte, 16),
		Transports: []string{"internal", "hybrid"}, Attachment: "platform", FriendlyName: "Chrome on Linux",
		AttestationFormat: "none", UserVerified: true, BackupEligible: true, CreatedAt: at(0),
	}
}

// passkey creates a passkey of the user.
func (f *fixture) passkey(u storage.User) storage.Passkey {
	f.t.Helper()
	k := f.newPasskey(u)
	must(f.t, f.Passkeys().Create(f.ctx, k))
	return k
}

// wantPasskey is k as the store reads it back.
func wantPasskey(k storage.Passkey) storage.Passkey {
	k.CreatedAt, k.LastUsedAt = stored(k.CreatedAt), stored(k.LastUsedAt)
	if len(k.AAGUID) == 0 {
		k.AAGUID = nil
	}
	if len(k.Transports) == 0 {
		k.Transports = nil
	}
	return k
}

func (f *fixture) getPasskey(poolID, id string) storage.Passkey {
	f.t.Helper()
	k, err := f.Passkeys().Get(f.ctx, poolID, id)
	must(f.t, err)
	return k
}

func testPasskeyCreateGet(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	k := f.newPasskey(u)
	k.SignCount, k.LastUsedAt, k.BackupState = 1<<32-1, at(time.Minute), true
	must(t, f.Passkeys().Create(f.ctx, k))
	same(t, "passkey", f.getPasskey(u.PoolID, k.ID), wantPasskey(k))
	bare := f.newPasskey(u)
	bare.AAGUID, bare.Transports, bare.Attachment, bare.FriendlyName = nil, nil, "", ""
	bare.UserVerified, bare.BackupEligible, bare.SignCount = false, false, 0
	must(t, f.Passkeys().Create(f.ctx, bare))
	same(t, "bare passkey", f.getPasskey(u.PoolID, bare.ID), wantPasskey(bare))
	_, err := f.Passkeys().Get(f.ctx, f.pool().ID, k.ID)
	wantErr(t, err, storage.ErrNotFound)
}

// testPasskeyCreateTaken: a credential id is unique in its pool, even
// across users, and free in another pool.
func testPasskeyCreateTaken(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	k := f.passkey(u)
	other := f.newPasskey(f.user(p.ID, "bob"))
	other.ID = k.ID
	wantErr(t, f.Passkeys().Create(f.ctx, other), storage.ErrConflict)
	same(t, "passkey", f.getPasskey(p.ID, k.ID), wantPasskey(k))
	_, elsewhere := f.poolUser()
	moved := f.newPasskey(elsewhere)
	moved.ID = k.ID
	must(t, f.Passkeys().Create(f.ctx, moved))
}

func testPasskeyCreateWithoutUser(t *testing.T, f *fixture) {
	p := f.pool()
	k := f.newPasskey(storage.User{PoolID: p.ID, Sub: f.sub()})
	wantErr(t, f.Passkeys().Create(f.ctx, k), storage.ErrNotFound)
}

// testPasskeyListCount: a user's passkeys, by id, and no one else's.
func testPasskeyListCount(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	var want []string
	for range 5 {
		want = append(want, f.passkey(u).ID)
	}
	bob := f.user(p.ID, "bob")
	f.passkey(bob)
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Passkey, string, error) {
		return f.Passkeys().List(ctx, p.ID, u.Sub, pg)
	}, func(k storage.Passkey) string { return k.ID })
	checkPaging(t, f.ctx, list, want)
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	bobs := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Passkey, string, error) {
		return f.Passkeys().List(ctx, p.ID, bob.Sub, pg)
	}, func(k storage.Passkey) string { return k.ID })
	_, _, err = bobs(f.ctx, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)
	for sub, n := range map[string]int{u.Sub: 5, bob.Sub: 1, f.sub(): 0} {
		got, err := f.Passkeys().Count(f.ctx, p.ID, sub)
		must(t, err)
		if got != n {
			t.Errorf("Count(%s) = %d, want %d", sub, got, n)
		}
	}
}

// testPasskeyRecordUse: a use is recorded only when the counter advances,
// or stays 0 on an authenticator without one.
func testPasskeyRecordUse(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	k := f.passkey(u) // SignCount 7
	for _, step := range []struct {
		count uint32
		wrote bool
	}{{7, false}, {3, false}, {0, false}, {8, true}, {8, false}, {1 << 31, true}} {
		ok, err := f.Passkeys().RecordUse(f.ctx, u.PoolID, k.ID, step.count, true, at(time.Duration(step.count)))
		must(t, err)
		if ok != step.wrote {
			t.Fatalf("RecordUse(%d) = %v, want %v", step.count, ok, step.wrote)
		}
		if ok {
			k.SignCount, k.BackupState, k.LastUsedAt = step.count, true, at(time.Duration(step.count))
		}
		same(t, fmt.Sprintf("passkey after RecordUse(%d)", step.count), f.getPasskey(u.PoolID, k.ID), wantPasskey(k))
	}
	zero := f.newPasskey(u)
	zero.SignCount = 0
	must(t, f.Passkeys().Create(f.ctx, zero))
	for range 2 {
		ok, err := f.Passkeys().RecordUse(f.ctx, u.PoolID, zero.ID, 0, false, at(time.Hour))
		must(t, err)
		if !ok {
			t.Fatal("RecordUse(0) on a passkey without a counter = false, want true")
		}
	}
	_, err := f.Passkeys().RecordUse(f.ctx, u.PoolID, "missing", 9, false, at(0))
	wantErr(t, err, storage.ErrNotFound)
}

// testPasskeyRecordUseConcurrent: of concurrent uses with the same count,
// exactly one is recorded.
func testPasskeyRecordUseConcurrent(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	k := f.passkey(u)
	wrote := make([]bool, workers)
	errs := together(workers, func(i int) error {
		var err error
		wrote[i], err = f.Passkeys().RecordUse(f.ctx, u.PoolID, k.ID, 8, false, at(time.Second))
		return err
	})
	n := 0
	for i, err := range errs {
		must(t, err)
		if wrote[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d concurrent RecordUse calls with the same count wrote, want 1", n)
	}
}

// testPasskeyDelete: a user deletes their own passkey, not another's.
func testPasskeyDelete(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	k, kept := f.passkey(u), f.passkey(u)
	bob := f.user(p.ID, "bob")
	wantErr(t, f.Passkeys().Delete(f.ctx, p.ID, bob.Sub, k.ID), storage.ErrNotFound)
	must(t, f.Passkeys().Delete(f.ctx, p.ID, u.Sub, k.ID))
	_, err := f.Passkeys().Get(f.ctx, p.ID, k.ID)
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.Passkeys().Delete(f.ctx, p.ID, u.Sub, k.ID), storage.ErrNotFound)
	same(t, "other passkey", f.getPasskey(p.ID, kept.ID), wantPasskey(kept))
}

// testPasskeyCascade: a user's passkeys go with the user, and with the
// pool; a deleted user's credential id can be registered again.
func testPasskeyCascade(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	k := f.passkey(u)
	bob := f.user(p.ID, "bob")
	kept := f.passkey(bob)
	must(t, f.Users().Delete(f.ctx, p.ID, u.Sub))
	_, err := f.Passkeys().Get(f.ctx, p.ID, k.ID)
	wantErr(t, err, storage.ErrNotFound)
	same(t, "another user's passkey", f.getPasskey(p.ID, kept.ID), wantPasskey(kept))
	again := f.newPasskey(bob)
	again.ID = k.ID
	must(t, f.Passkeys().Create(f.ctx, again))
	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err = f.Passkeys().Get(f.ctx, p.ID, kept.ID)
	wantErr(t, err, storage.ErrNotFound)
}
