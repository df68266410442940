package conformance

import (
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("DeletedSubs",
		test{"AddHas", testDeletedSubsAddHas},
		test{"InTx", testDeletedSubsInTx},
	)
}

// testDeletedSubsAddHas: a sub recorded for a pool is found for that pool
// only; adding it twice is no error; an unknown pool is ErrNotFound;
// deleting a pool drops its records only.
func testDeletedSubsAddHas(t *testing.T, f *fixture) {
	p, q := f.pool(), f.pool()
	a, b := f.sub(), f.sub()
	has := func(poolID, sub string, want bool) {
		t.Helper()
		got, err := f.DeletedSubs().Has(f.ctx, poolID, sub)
		must(t, err)
		if got != want {
			t.Fatalf("Has(%s, %s) = %v, want %v", poolID, sub, got, want)
		}
	}
	has(p.ID, a, false)
	must(t, f.DeletedSubs().Add(f.ctx, p.ID, a))
	must(t, f.DeletedSubs().Add(f.ctx, p.ID, a))
	must(t, f.DeletedSubs().Add(f.ctx, p.ID, b))
	must(t, f.DeletedSubs().Add(f.ctx, q.ID, a))
	has(p.ID, a, true)
	has(p.ID, f.sub(), false)
	wantErr(t, f.DeletedSubs().Add(f.ctx, f.poolID(), a), storage.ErrNotFound)

	must(t, f.Pools().Delete(f.ctx, p.ID))
	has(p.ID, a, false)
	has(p.ID, b, false)
	has(q.ID, a, true)
}

// testDeletedSubsInTx: a record added in a transaction that fails is not
// kept, so a user's deletion and its record commit together or not at
// all.
func testDeletedSubsInTx(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		must(t, tx.Users().Delete(f.ctx, p.ID, u.Sub))
		must(t, tx.DeletedSubs().Add(f.ctx, p.ID, u.Sub))
		return errRollback
	})
	wantErr(t, err, errRollback)
	if ok, err := f.DeletedSubs().Has(f.ctx, p.ID, u.Sub); err != nil || ok {
		t.Fatalf("after a rollback: Has = %v, %v", ok, err)
	}
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		if err := tx.Users().Delete(f.ctx, p.ID, u.Sub); err != nil {
			return err
		}
		return tx.DeletedSubs().Add(f.ctx, p.ID, u.Sub)
	}))
	if ok, err := f.DeletedSubs().Has(f.ctx, p.ID, u.Sub); err != nil || !ok {
		t.Fatalf("after the commit: Has = %v, %v", ok, err)
	}
}
