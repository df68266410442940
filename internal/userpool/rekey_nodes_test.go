package userpool

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyTwoNodes: while one node changes a pool's sign-in rule,
// another node's change of it is refused (the first holds the pool's
// lease), and so is a user that would collide under either rule; the
// first node's change completes. Before the lease, the second node's
// change (back to case-sensitive) rolled the first back mid-way.
func TestRekeyTwoNodes(t *testing.T) {
	eachTwoNodes(t, 250, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		atBatch(s, 1, func() {
			_, err := other.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)})
			wantKind(t, err, ConcurrentModification, "Another node")
			other.resumeRekeys(ctx) // leaves it to the lease's holder
			wantKind(t, createUser(other, "User001"), UsernameExists, "")
		})
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if !found(t, other, "User001") {
			t.Fatal(`"User001" does not find user001 after the change`)
		}
		wantRuleKeys(t, s, db)
	})
}

// TestRekeyNodeCachingMark: a node that still caches the marked pool
// right after the switch writes a user with the keys of both rules; the
// old rule's keys must not outlive the change. Before, the last step
// dropped old keys without waiting for such caches to expire: Ann, updated
// on the other node after the drop had passed her, kept "ann" in a pool
// now case-sensitive, so "ann" found Ann and no user "ann" could be made.
func TestRekeyNodeCachingMark(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 10)
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if err := createUser(s, "Ann"); err != nil {
			t.Fatal(err)
		}
		_, ann, err := s.adminUser(ctx, rekeyPool, "Ann")
		if err != nil {
			t.Fatal(err)
		}
		other := rekeyService(t, db)
		const ttl = 300 * time.Millisecond
		s.cache.ttl, other.cache.ttl = ttl, ttl
		batches := 0
		s.rekeyHook = func(event string) {
			if event != "batch" {
				return
			}
			switch batches++; batches {
			case 1: // keys of both rules given: the other node reads the marked pool
				if _, err := other.adminPool(ctx, rekeyPool); err != nil {
					t.Fatal(err)
				}
			case 2: // the old rule's keys dropped (or, waiting, not yet)
				// By sub: that node's rule may no longer find her name.
				_, err := other.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: rekeyPool, Username: ann.Sub})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		s.rekeyHook = nil
		s.cache.ttl = 0
		if found(t, s, "ann") || !found(t, s, "Ann") {
			t.Error(`after the change, "ann" finds Ann or "Ann" does not`)
		}
		if err := createUser(s, "ann"); err != nil {
			t.Errorf(`user "ann" refused after the change: %v`, err)
		}
	})
}

// TestRekeyAfterAnotherNodesChange: a node that cached a pool while
// another node changed its rule can change the rule again as soon as
// that change is done: under the lease the pool is read from the store,
// not the cache. Before, the second change started from the cached
// mark, found the pool otherwise and failed with
// ConcurrentModificationException for up to cacheTTL, with no change
// under way; the runner skipped such a pool likewise.
func TestRekeyAfterAnotherNodesChange(t *testing.T) {
	eachTwoNodes(t, 250, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		other.cache.ttl = 2 * time.Second
		atBatch(s, 1, func() {
			if _, err := other.adminPool(ctx, rekeyPool); err != nil { // caches the marked pool
				t.Fatal(err)
			}
		})
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := other.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if found(t, s, "USER249") {
			t.Fatal("the pool is not case-sensitive again")
		}
		wantRuleKeys(t, s, db)
	})
}

// TestRekeyPoolsDoNotWait: a node changes two pools' sign-in rules at
// once: the change of one does not wait for the other's (which may take
// minutes on a large pool, as the runner's resumes at start-up may too).
// Before, one lock per node held the second call, an HTTP request, until
// the first was done.
func TestRekeyPoolsDoNotWait(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 10)
		rec, err := db.Pools().Get(ctx, rekeyPool)
		if err != nil {
			t.Fatal(err)
		}
		rec.ID = "us-east-1_rekeying2"
		if err := db.Pools().Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
		second := make(chan error, 1)
		var checks atomic.Int32 // the hook runs on both changes' goroutines
		s.rekeyHook = func(event string) {
			if event != "checked" {
				return
			}
			if checks.Add(1) > 1 {
				return
			}
			// The first pool's change, checked, waits for the second's.
			go func() {
				_, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rec.ID, CaseSensitive: ptr(false)})
				second <- err
			}()
			select {
			case err := <-second:
				second <- err
			case <-time.After(3 * time.Second):
				t.Error("the second pool's change waited for the first's")
			}
		}
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-second; err != nil {
			t.Fatal(err)
		}
	})
}

// TestRekeyStaleNodeWrites: a node whose cache still holds the pool as
// it was before a change (here for a minute, as a node whose change was
// not waited for, or a request that held the pool for long) writes
// users after the change passed them, one during its first pass, one
// during its last and one after it completed: each gets the keys of the
// rule in force, not of its cached copy. Before, they kept the old rule's
// keys alone: "cY" found nobody between the switch and the last pass, and
// "ANN" and "bob" nobody after the change, in the pool made
// case-insensitive; "Cy", "Ann" and "Bob" did.
func TestRekeyStaleNodeWrites(t *testing.T) {
	eachTwoNodes(t, 250, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		subs := map[string]string{}
		for _, name := range []string{"Ann", "Bob", "Cy"} {
			if err := createUser(s, name); err != nil {
				t.Fatal(err)
			}
			_, u, err := s.adminUser(ctx, rekeyPool, name)
			if err != nil {
				t.Fatal(err)
			}
			subs[name] = u.Sub
		}
		other.cache.ttl = time.Minute
		if _, err := other.adminPool(ctx, rekeyPool); err != nil { // cached case-sensitive
			t.Fatal(err)
		}
		// By sub: the stale rule no longer finds the names.
		disable := func(name string) {
			t.Helper()
			if _, err := other.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: rekeyPool, Username: subs[name]}); err != nil {
				t.Fatal(err)
			}
		}
		written, writtenBefore, checked := false, false, false
		s.rekeyHook = func(event string) {
			if written {
				return
			}
			p, err := s.storedPool(ctx, rekeyPool)
			if err != nil {
				t.Fatal(err)
			}
			switched := p.cfg.Rekey != nil && p.cfg.Rekey.To == nil && !p.caseSensitive()
			if event == "listed" && switched && !checked {
				// Before the last pass writes anyone: the pass before
				// the switch must not be undone by the stale write.
				if !found(t, s, "cY") {
					t.Error(`between the switch and the last pass, "cY" finds no user`)
				}
				checked = true
			}
			if event != "batch" {
				return
			}
			switch {
			case p.cfg.Rekey != nil && p.cfg.Rekey.To != nil && !writtenBefore:
				disable("Cy") // the first pass's first batch had him
				writtenBefore = true
			case switched:
				disable("Ann") // the last pass's first batch had her: she sorts first
				written = true
			}
		}
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if !written || !writtenBefore || !checked {
			t.Fatal("the change had no first or last pass to write during")
		}
		disable("Bob")
		for _, name := range []string{"ANN", "bob", "cY"} {
			if !found(t, s, name) {
				t.Errorf("%q finds no user after the change", name)
			}
		}
		wantRuleKeys(t, s, db)
	})
}
