package userpool

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// deleteFixtureUsers is enough users for the deletion to take several
// batches (the first holds 200).
const deleteFixtureUsers = 3000

// TestDeleteUserPoolMarksAndAnswers: DeleteUserPool answers with the
// pool's users still in the store; from then on no operation finds the
// pool; the runner then deletes the users and the pool, and drops its
// lease.
func TestDeleteUserPoolMarksAndAnswers(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		s := rekeyFixture(t, db, deleteFixtureUsers)
		if err := createUser(s, "late"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		if n := userCount(t, db); n != deleteFixtureUsers+1 {
			t.Fatalf("%d users when DeleteUserPool answered, want all %d", n, deleteFixtureUsers+1)
		}
		wantGone(t, s)
		// A copy from Cognito (migrate-from-cognito) would fill the pool
		// being deleted.
		_, err := s.CopyUserPool(ctx, rekeyPool, &cip.CreateUserPoolRequest{PoolName: "p"})
		wantKind(t, err, ConcurrentModification, "being deleted")
		s.deleteMarked(ctx)
		if n := userCount(t, db); n != 0 {
			t.Fatalf("%d users left after the deletion", n)
		}
		if _, err := db.Pools().Get(ctx, rekeyPool); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("pool after the deletion: %v", err)
		}
		// Renew finds a lease only released (expired) too, but not one deleted.
		if err := db.Leases().Renew(ctx, deletionLeaseName(rekeyPool), s.node, time.Now(), time.Minute, nil); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("the deletion's lease is still stored (renew: %v), want it deleted", err)
		}
	})
}

// wantGone checks that s finds the pool nowhere.
func wantGone(t *testing.T, s *Service) {
	t.Helper()
	ctx := context.Background()
	_, err := s.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: rekeyPool})
	wantKind(t, err, ResourceNotFound, "")
	_, err = s.AdminGetUser(ctx, &cip.AdminGetUserRequest{UserPoolId: rekeyPool, Username: "user001"})
	wantKind(t, err, ResourceNotFound, "")
	wantKind(t, createUser(s, "later"), ResourceNotFound, "")
	_, err = s.UpdateUserPool(ctx, &cip.UpdateUserPoolRequest{UserPoolId: rekeyPool})
	wantKind(t, err, ResourceNotFound, "")
	_, err = s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool})
	wantKind(t, err, ResourceNotFound, "")
	list, err := s.ListUserPools(ctx, &cip.ListUserPoolsRequest{MaxResults: ptr(int32(60))})
	if err != nil || len(list.UserPools) != 0 {
		t.Fatalf("ListUserPools: %+v, %v", list, err)
	}
	if ok, err := s.UserPoolExists(ctx, rekeyPool); ok || err != nil {
		t.Fatalf("UserPoolExists: %v, %v", ok, err)
	}
}

// userCount counts the pool's users in the store, one by one: the
// pool's user_count is not kept by the deletion's batches.
func userCount(t *testing.T, db storage.Store) int {
	t.Helper()
	n := 0
	if err := eachUser(context.Background(), db, rekeyPool, func(*storage.User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPoolDeletionCutShortResumes: a node stopped after the first batch
// of a deletion leaves the pool marked, with the rest of its users; a new
// node on the same database deletes them at once (the stopped node let
// go of its lease).
func TestPoolDeletionCutShortResumes(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		rekeyFixture(t, db, deleteFixtureUsers)
		cut := open()
		stop, cancel := context.WithCancel(ctx)
		var started atomic.Bool
		cut.(interface{ Observe(sqlstore.Observer) }).Observe(func(kind string, _ time.Duration, err error) {
			if started.Load() && kind == "write" && err == nil {
				cancel() // after the first batch
			}
		})
		s := rekeyService(t, cut)
		if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		s.deleteHook = func() { started.Store(true) }
		s.deleteMarked(stop)
		if !started.Load() {
			t.Fatal("the deletion did not start")
		}
		left := userCount(t, db)
		if left == 0 || left == deleteFixtureUsers {
			t.Fatalf("%d users left by the deletion cut short, want some of %d", left, deleteFixtureUsers)
		}
		if rec, err := db.Pools().Get(ctx, rekeyPool); err != nil || !Deleting(rec) {
			t.Fatalf("pool after the deletion was cut short: %v (marked: %v)", err, err == nil && Deleting(rec))
		}
		next := rekeyService(t, open())
		next.deleteMarked(ctx)
		if n := userCount(t, db); n != 0 {
			t.Fatalf("%d users left after the new node's deletion", n)
		}
		if _, err := db.Pools().Get(ctx, rekeyPool); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("pool after the new node's deletion: %v", err)
		}
	})
}

// TestPoolDeletionLeased: the node that marks a pool holds its deletion's
// lease; while it does (here it stopped before its runner started), other
// nodes leave the pool alone; once the lease expires, one takes the
// deletion over.
func TestPoolDeletionLeased(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		s := rekeyFixture(t, db, deleteFixtureUsers)
		marker := rekeyService(t, open())
		marker.rekeyLease = 1500 * time.Millisecond
		if _, err := marker.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		marked := time.Now() // after the lease was taken
		s.deleteMarked(ctx)
		if n := userCount(t, db); n != deleteFixtureUsers {
			t.Fatalf("%d users left while the marking node held the lease, want all %d", n, deleteFixtureUsers)
		}
		time.Sleep(time.Until(marked.Add(marker.rekeyLease)))
		s.deleteMarked(ctx)
		if n := userCount(t, db); n != 0 {
			t.Fatalf("%d users left after the lease expired", n)
		}
	})
}

// TestPoolDeletionClockAhead: a node whose clock is ahead of the marking
// node's by more than the cache's TTL does not start the deletion within
// that TTL: the marking node's lease, not a comparison of clocks, keeps
// it off.
func TestPoolDeletionClockAhead(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		marker := rekeyFixture(t, db, 10)
		marker.cache.ttl = cacheTTL
		ahead := rekeyService(t, open())
		ahead.cache.ttl = cacheTTL
		ahead.now = func() time.Time { return time.Now().Add(cacheTTL + time.Second).UTC() }
		if _, err := marker.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		ahead.deleteMarked(ctx)
		if n := userCount(t, db); n != 10 {
			t.Fatalf("%d users left, want all 10: a node with its clock ahead deleted within the cache's TTL", n)
		}
	})
}

// TestPoolDeletionWaitsForCaches: the runner leaves a pool marked less
// than a cache's TTL ago alone, since another node may still write users
// into it from its cache, and says when to look again.
func TestPoolDeletionWaitsForCaches(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 10)
		s.cache.ttl = time.Hour
		if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		if wait := s.deleteMarked(ctx); wait <= 0 || wait > time.Hour {
			t.Fatalf("next look in %s, want within the hour", wait)
		}
		if n := userCount(t, db); n != 10 {
			t.Fatalf("%d users left, want all 10: deleted within the cache's TTL", n)
		}
	})
}

// TestDeleteUserPoolProtected: deletion protection still refuses, and
// leaves the pool as it was.
func TestDeleteUserPoolProtected(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 1)
		if _, err := s.UpdateUserPool(ctx, &cip.UpdateUserPoolRequest{UserPoolId: rekeyPool, DeletionProtection: "ACTIVE"}); err != nil {
			t.Fatal(err)
		}
		_, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool})
		wantKind(t, err, InvalidParameter, "deletion protection")
		if _, err := s.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		if rec, err := db.Pools().Get(ctx, rekeyPool); err != nil || Deleting(rec) {
			t.Fatalf("pool after a refused deletion: %v (marked: %v)", err, err == nil && Deleting(rec))
		}
	})
}

// TestRekeyStopsWhenPoolDeleted: a change of sign-in rule under way when
// its pool is deleted stops at its next batch, as for a pool that is
// gone, rather than go on writing the users the deletion removes.
func TestRekeyStopsWhenPoolDeleted(t *testing.T) {
	eachTwoNodes(t, 250, func(t *testing.T, db storage.Store, s, other *Service) {
		batches, after := 0, 0
		s.rekeyHook = func(event string) {
			if event != "batch" {
				return
			}
			if batches++; batches > 1 {
				after++
				return
			}
			if _, err := other.DeleteUserPool(context.Background(), &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
				t.Error(err)
			}
		}
		_, err := caseInsensitive(s, context.Background())
		wantKind(t, err, ResourceNotFound, "")
		if after > 0 {
			t.Fatalf("%d batches committed after the pool was deleted", after)
		}
	})
}

// TestListUserPoolsSkipsDeleting: pages of ListUserPools hold MaxResults
// pools when there are that many left, though pools being deleted sort
// among them, and following NextToken lists every other pool once.
func TestListUserPoolsSkipsDeleting(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := WithRegion(context.Background(), "us-east-1")
		s := rekeyFixture(t, db, 1)
		rec, err := db.Pools().Get(ctx, rekeyPool)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"us-east-1_aaaaaaaa", "us-east-1_bbbbbbbb", "us-east-1_zzzzzzzz"} {
			rec.ID = id
			if err := db.Pools().Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []string{"us-east-1_aaaaaaaa", "us-east-1_bbbbbbbb"} {
			if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: id}); err != nil {
				t.Fatal(err)
			}
		}
		in := &cip.ListUserPoolsRequest{MaxResults: ptr(int32(1))}
		var pages [][]string
		for {
			out, err := s.ListUserPools(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range out.UserPools {
				ids = append(ids, p.Id)
			}
			pages = append(pages, ids)
			if in.NextToken = out.NextToken; in.NextToken == "" || len(pages) > 5 {
				break
			}
		}
		if got := fmt.Sprint(pages); got != "[[us-east-1_rekeying1] [us-east-1_zzzzzzzz]]" {
			t.Fatalf("pages of 1: %s, want [[us-east-1_rekeying1] [us-east-1_zzzzzzzz]]", got)
		}
	})
}

// TestPoolDeletionStaleLease: the lease of a deletion that is over, found
// with the pool no longer marked (a pool of the same id created since),
// is deleted, not only released.
func TestPoolDeletionStaleLease(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 1)
		name := deletionLeaseName(rekeyPool)
		if _, ok, err := db.Leases().Take(ctx, name, "gone", time.Now().Add(-time.Hour), time.Minute); err != nil || !ok {
			t.Fatalf("take the lease: %v, %v", ok, err)
		}
		if err := s.deletePool(ctx, rekeyPool); err != nil {
			t.Fatal(err)
		}
		if err := db.Leases().Renew(ctx, name, s.node, time.Now(), time.Minute, nil); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("the stale lease is still stored (renew: %v), want it deleted", err)
		}
		if _, err := s.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPoolDeletionPollReadsLeases: the runner's look finds marks through
// their leases: with no deletion under way it is one read however many
// pools there are, not a read of every pool's settings.
func TestPoolDeletionPollReadsLeases(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		rec := storage.Pool{Region: "us-east-1", Name: "p", Config: []byte(`{}`), CreatedAt: time.Now(), UpdatedAt: time.Now()}
		for i := range 250 {
			rec.ID = fmt.Sprintf("us-east-1_poll%04d", i)
			if err := db.Pools().Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
		}
		var reads atomic.Int32
		db.(interface{ Observe(sqlstore.Observer) }).Observe(func(kind string, _ time.Duration, _ error) {
			if kind == "read" {
				reads.Add(1)
			}
		})
		rekeyService(t, db).deleteMarked(ctx)
		if n := reads.Load(); n != 1 {
			t.Fatalf("%d reads for a look with 250 pools and no deletion, want 1", n)
		}
	})
}
