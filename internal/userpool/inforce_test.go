package userpool

import (
	"context"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestInForceReadsChangesOnce: with the clock standing still, every change
// of the pool still moves its UpdatedAt, by which inForce tells a node's
// cached copy from the stored pool; a change that leaves the sign-in rule
// keeps the cached copy, one that changes it gives the stored pool, parsed
// once for all the writes until the next change.
func TestInForceReadsChangesOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 0)
		frozen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		s.now = func() time.Time { return frozen }
		cached, err := s.loadPool(ctx, rekeyPool)
		if err != nil {
			t.Fatal(err)
		}
		inForce := func() *pool {
			t.Helper()
			var got *pool
			if err := db.InTx(ctx, func(tx storage.Stores) error {
				got, err = s.inForce(ctx, tx, cached)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := inForce(); got != cached {
			t.Fatal("an unchanged pool: inForce gave another copy than the cached one")
		}
		change := func(fn func(cfg *poolConfig)) {
			t.Helper()
			before, err := db.Pools().UpdatedAt(ctx, rekeyPool)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.updatePool(ctx, rekeyPool, func(_ *storage.Pool, cfg *poolConfig) error { fn(cfg); return nil }); err != nil {
				t.Fatal(err)
			}
			after, err := db.Pools().UpdatedAt(ctx, rekeyPool)
			if err != nil {
				t.Fatal(err)
			}
			if !after.After(before) {
				t.Fatalf("a change moved UpdatedAt from %v to %v", before, after)
			}
		}
		change(func(cfg *poolConfig) { cfg.Policies = nil })
		if got := inForce(); got != cached {
			t.Error("a change that kept the sign-in rule: inForce gave another copy than the cached one")
		}
		change(func(cfg *poolConfig) {
			cfg.UsernameConfiguration = &cip.UsernameConfigurationType{CaseSensitive: ptr(false)}
		})
		first := inForce()
		if first == cached || first.caseSensitive() {
			t.Fatal("a change of the sign-in rule: inForce gave the cached copy")
		}
		if inForce() != first {
			t.Error("a second write after one change parsed the pool again")
		}
	})
}
