package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Leases",
		test{"TakeRenewRelease", testLeaseTakeRenewRelease},
		test{"Expiry", testLeaseExpiry},
		test{"OneOfMany", testLeaseOneOfMany},
		test{"FencesTx", testLeaseFencesTx},
		test{"Names", testLeaseNames},
	)
}

var leaseT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// take takes lease "l" as owner at t0+at for a minute and reports whether
// it got it, and the progress.
func (f *fixture) take(owner string, at time.Duration) ([]byte, bool) {
	f.t.Helper()
	p, ok, err := f.Leases().Take(f.ctx, "l", owner, leaseT0.Add(at), time.Minute)
	must(f.t, err)
	return p, ok
}

// testLeaseTakeRenewRelease: a held lease refuses other owners and keeps
// its progress through a release; its owner renews it; a deleted one
// starts afresh.
func testLeaseTakeRenewRelease(t *testing.T, f *fixture) {
	if p, ok := f.take("a", 0); !ok || p != nil {
		t.Fatalf("a new lease: %q %v", p, ok)
	}
	if _, ok := f.take("b", time.Second); ok {
		t.Fatal("b took a's lease")
	}
	must(t, f.Leases().Renew(f.ctx, "l", "a", leaseT0, time.Minute, []byte("page 2")))
	wantErr(t, f.Leases().Renew(f.ctx, "l", "b", leaseT0, time.Minute, nil), storage.ErrNotFound)
	if p, ok := f.take("a", time.Second); !ok || string(p) != "page 2" {
		t.Fatalf("a again: %q %v", p, ok)
	}
	must(t, f.Leases().Release(f.ctx, "l", "b")) // not b's: no effect
	if _, ok := f.take("b", time.Second); ok {
		t.Fatal("b took a's lease after releasing nothing")
	}
	must(t, f.Leases().Release(f.ctx, "l", "a"))
	if p, ok := f.take("b", time.Second); !ok || string(p) != "page 2" {
		t.Fatalf("b after a's release: %q %v", p, ok)
	}
	must(t, f.Leases().Delete(f.ctx, "l", "b"))
	if p, ok := f.take("a", time.Second); !ok || p != nil {
		t.Fatalf("after the delete: %q %v", p, ok)
	}
}

// testLeaseExpiry: a lease not renewed goes to the next taker at its
// expiry, and its former owner can no longer renew it.
func testLeaseExpiry(t *testing.T, f *fixture) {
	f.take("a", 0)
	must(t, f.Leases().Renew(f.ctx, "l", "a", leaseT0.Add(30*time.Second), time.Minute, nil))
	if _, ok := f.take("b", time.Minute); ok {
		t.Fatal("b took a's renewed lease before its expiry")
	}
	if _, ok := f.take("b", 90*time.Second); !ok {
		t.Fatal("b could not take the expired lease")
	}
	wantErr(t, f.Leases().Renew(f.ctx, "l", "a", leaseT0, time.Minute, nil), storage.ErrNotFound)
}

// testLeaseOneOfMany: of owners taking a free lease together, one gets it.
func testLeaseOneOfMany(t *testing.T, f *fixture) {
	got := make([]bool, workers)
	errs := together(workers, func(i int) error {
		_, ok, err := f.Leases().Take(f.ctx, "l", string(rune('a'+i)), leaseT0, time.Minute)
		got[i] = ok
		return err
	})
	n := 0
	for i, err := range errs {
		must(t, err)
		if got[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d owners took the lease", n)
	}
}

// testLeaseFencesTx: a transaction that renews a lease its owner no longer
// holds fails as a whole.
func testLeaseFencesTx(t *testing.T, f *fixture) {
	f.take("a", 0)
	f.take("b", 2*time.Minute) // a's expired: b holds it
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		must(t, tx.Settings().Put(f.ctx, "fenced", []byte("x")))
		return tx.Leases().Renew(f.ctx, "l", "a", leaseT0, time.Minute, []byte("p"))
	})
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Settings().Get(f.ctx, "fenced")
	wantErr(t, err, storage.ErrNotFound)
}

// testLeaseNames: Names lists the leases of a prefix, held or released,
// not deleted, and only those (the prefix's "_" matches only itself, and
// case counts).
func testLeaseNames(t *testing.T, f *fixture) {
	for _, name := range []string{"job/b", "job/a", "job/c", "JOB/d", "job_x", "jobx", "other"} {
		if _, ok, err := f.Leases().Take(f.ctx, name, "a", leaseT0, time.Minute); err != nil || !ok {
			t.Fatalf("take %s: %v %v", name, ok, err)
		}
	}
	must(t, f.Leases().Release(f.ctx, "job/b", "a"))
	must(t, f.Leases().Delete(f.ctx, "job/c", "a"))
	names, err := f.Leases().Names(f.ctx, "job/")
	must(t, err)
	if got := fmt.Sprint(names); got != "[job/a job/b]" {
		t.Fatalf(`Names("job/"): %s, want [job/a job/b]`, got)
	}
	names, err = f.Leases().Names(f.ctx, "job_")
	must(t, err)
	if got := fmt.Sprint(names); got != "[job_x]" {
		t.Fatalf(`Names("job_"): %s, want [job_x]`, got)
	}
}
