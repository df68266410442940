package userpool

import (
	"context"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyResumesAfterCrash: a node whose store goes away between two
// batches (as in a crash: it neither finishes nor lets go of the lease)
// leaves the pool marked; another node (or the same one restarted) on
// the same database leaves the change alone while the lease lasts, then
// its runner takes the change over and completes it. Before, the change
// stayed half-done until someone called one of the operations again.
func TestRekeyResumesAfterCrash(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		s := rekeyFixture(t, db, 250)
		db2 := open() // opened before the crash, so that the check below comes well within the lease
		s2 := rekeyService(t, db2)
		s.rekeyLease, s2.rekeyLease = 1500*time.Millisecond, 1500*time.Millisecond
		atBatch(s, 1, func() { db.Close() })
		if _, err := caseInsensitive(s, ctx); err == nil {
			t.Fatal("a change whose store went away reported success")
		}
		crashed := time.Now()
		s2.resumeRekeys(ctx)
		p, err := s2.adminPool(ctx, rekeyPool)
		if err != nil {
			t.Fatal(err)
		}
		if p.cfg.Rekey == nil || p.cfg.Rekey.To == nil || !p.caseSensitive() {
			t.Fatalf("pool after the crash: %+v (taken over within the lease?)", p.cfg.Rekey)
		}
		if err := createUser(s2, "Late"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Until(crashed.Add(s.rekeyLease)))
		s2.resumeRekeys(ctx)
		if !found(t, s2, "USER249") || !found(t, s2, "late") {
			t.Fatal("the change did not complete after the restart")
		}
		p, _ = s2.adminPool(ctx, rekeyPool)
		if p.caseSensitive() {
			t.Fatal("the pool is still case-sensitive")
		}
		wantRuleKeys(t, s2, db2)
	})
}

// TestRekeyLeaseTakenOver: a node that loses its lease mid-change (stalled
// past it: here its lease is let go under it and another node takes it)
// commits no further batch: it stops with ConcurrentModificationException,
// the pool as it left it, and the new holder completes the change.
func TestRekeyLeaseTakenOver(t *testing.T) {
	eachTwoNodes(t, 250, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		name := rekeyLeaseName(rekeyPool)
		atBatch(s, 1, func() {
			if err := db.Leases().Release(ctx, name, s.node); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := db.Leases().Take(ctx, name, other.node, other.now(), other.rekeyLease); err != nil || !ok {
				t.Fatalf("the other node could not take the lease: %v", err)
			}
		})
		_, err := caseInsensitive(s, ctx)
		wantKind(t, err, ConcurrentModification, "Another node took over")
		if found(t, other, "USER249") {
			t.Fatal("the node that lost its lease completed the change")
		}
		other.resumeRekeys(ctx)
		if !found(t, other, "USER249") {
			t.Fatal("the node that took the change over did not complete it")
		}
		wantRuleKeys(t, other, db)
	})
}

// TestRekeyUserWrittenDuringBatch: a user changed by another request
// after a batch read it and before the batch wrote it keeps that change,
// and ends with the keys of the pool's rule: the batch's write carries the
// version it read, so the batch is read and decided again.
func TestRekeyUserWrittenDuringBatch(t *testing.T) {
	eachTwoNodes(t, 150, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		if err := createUser(s, "Zed"); err != nil { // re-keyed in the first batch
			t.Fatal(err)
		}
		// The write waits for SQLite's writer holding the pool as it read
		// it: the change waits for such copies (cacheTTL) before it drops
		// the old rule's keys.
		s.cache.ttl, other.cache.ttl = 300*time.Millisecond, 300*time.Millisecond
		var wrote chan error
		during, listed, batches := false, 0, 0
		s.rekeyHook = func(event string) {
			if event == "batch" {
				batches++
			}
			if event != "listed" {
				return
			}
			if listed++; wrote != nil {
				return
			}
			// Inside the first batch's transaction, its users read.
			wrote = make(chan error, 1)
			go func() {
				_, err := other.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: rekeyPool, Username: "Zed"})
				wrote <- err
			}()
			// PostgreSQL commits it now; SQLite's one writer makes it
			// wait for the batch.
			select {
			case err := <-wrote:
				wrote <- err
				during = true
			case <-time.After(time.Second):
			}
		}
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-wrote; err != nil {
			t.Fatal(err)
		}
		if _, ok := db.(storage.ConcurrentWriters); ok && (!during || listed <= batches) {
			t.Fatalf("the write did not land inside the batch (%v), or the batch was not read again (%d reads, %d batches)", during, listed, batches)
		}
		_, u, err := s.adminUser(ctx, rekeyPool, "ZED")
		if err != nil || u == nil || u.Enabled {
			t.Fatalf("Zed after the change: %+v, %v", u, err)
		}
		wantRuleKeys(t, s, db)
	})
}

// TestRekeyResumesFromUnreadableProgress: a lease whose progress is not
// JSON, or whose page token the store no longer reads (a token of an older
// release, a damaged row), makes the pass start over rather than fail.
// Before, a token the store refused failed every resume with
// ErrBadPageToken: the runner warned every RekeyPoll, for good, the pool
// stayed marked, and the same change asked again failed too.
func TestRekeyResumesFromUnreadableProgress(t *testing.T) {
	for what, bad := range map[string]string{"token": `{"Token":"not a page token","Count":7}`, "json": `{"Token":`} {
		t.Run(what, func(t *testing.T) {
			eachStore(t, func(t *testing.T, db storage.Store) {
				s := cutShort(t, db)
				bg, name := context.Background(), rekeyLeaseName(rekeyPool)
				if _, ok, err := db.Leases().Take(bg, name, "damage", s.now(), time.Minute); err != nil || !ok {
					t.Fatalf("take: %v %v", ok, err)
				}
				if err := db.Leases().Renew(bg, name, "damage", s.now(), time.Minute, []byte(bad)); err != nil {
					t.Fatal(err)
				}
				if err := db.Leases().Release(bg, name, "damage"); err != nil {
					t.Fatal(err)
				}
				s.resumeRekeys(bg)
				if !found(t, s, "USER249") {
					t.Fatalf("progress %s: the resumed change did not complete", bad)
				}
				wantRuleKeys(t, s, db)
			})
		})
	}
}

// TestRekeyPoolDeletedMidChange: a pool deleted while its rule changes
// ends the change with ResourceNotFoundException and takes the pool's
// lease with it. Before, the lease was let go with its progress and kept
// for good, a row per such pool, read by nothing.
func TestRekeyPoolDeletedMidChange(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 250)
		atBatch(s, 1, func() {
			if err := db.Pools().Delete(ctx, rekeyPool); err != nil {
				t.Fatal(err)
			}
		})
		_, err := caseInsensitive(s, ctx)
		wantKind(t, err, ResourceNotFound, "")
		p, ok, err := db.Leases().Take(ctx, rekeyLeaseName(rekeyPool), "other", s.now(), time.Minute)
		if err != nil || !ok || p != nil {
			t.Fatalf("the deleted pool's lease: progress %q, taken %v, %v", p, ok, err)
		}
	})
}

// TestRekeyLeaseLostWhileWaiting: a node whose renewer finds its lease
// taken while the change waits (here for other nodes' caches) stops with
// ConcurrentModificationException, as when a batch finds it. Before, the
// caller got the bare context.Canceled of the claim's context, which the
// protocol layer answers as an internal error.
func TestRekeyLeaseLostWhileWaiting(t *testing.T) {
	eachTwoNodes(t, 20, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		s.cache.ttl, s.rekeyLease = 2*time.Second, 300*time.Millisecond
		name := rekeyLeaseName(rekeyPool)
		s.rekeyHook = func(event string) {
			if event != "checked" {
				return
			}
			// Once the pool is marked and the change waits for caches.
			time.AfterFunc(300*time.Millisecond, func() {
				if err := db.Leases().Release(ctx, name, s.node); err != nil {
					t.Error(err)
				}
				if _, ok, err := db.Leases().Take(ctx, name, other.node, other.now(), time.Minute); err != nil || !ok {
					t.Errorf("the other node could not take the lease: %v", err)
				}
			})
		}
		_, err := caseInsensitive(s, ctx)
		wantKind(t, err, ConcurrentModification, "Another node took over")
	})
}
