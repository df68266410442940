package userpool

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// hookStore runs hook once, after the next Pools().Get: a runner's read of
// the pool, to stage what another request does right after it.
type hookStore struct {
	storage.Store
	hook func()
}

func (h *hookStore) Pools() storage.Pools { return hookPools{h.Store.Pools(), h} }

type hookPools struct {
	storage.Pools
	h *hookStore
}

func (p hookPools) Get(ctx context.Context, id string) (storage.Pool, error) {
	rec, err := p.Pools.Get(ctx, id)
	if f := p.h.hook; f != nil {
		p.h.hook = nil
		f()
	}
	return rec, err
}

// TestPoolDeletionStaleLeaseRace: a runner holding a deletion lease left
// from an earlier pool of the same id finds the pool unmarked, while a
// DeleteUserPool on the same node marks it and takes that lease in its
// transaction (as the same owner). The runner must not then delete the
// lease: a marked pool without one is found by no runner and never goes.
func TestPoolDeletionStaleLeaseRace(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		rekeyFixture(t, db, 10)
		h := &hookStore{Store: db}
		s := rekeyService(t, h)
		name := deletionLeaseName(rekeyPool)
		if _, ok, err := db.Leases().Take(ctx, name, "crashed", time.Now().Add(-time.Hour), time.Minute); err != nil || !ok {
			t.Fatal(ok, err)
		}
		h.hook = func() { // after the runner read the pool, unmarked
			if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
				t.Errorf("DeleteUserPool: %v", err)
			}
		}
		if err := s.deletePool(ctx, rekeyPool); err != nil {
			t.Fatal(err)
		}
		names, _ := db.Leases().Names(ctx, deletionLeasePrefix)
		rec, _ := db.Pools().Get(ctx, rekeyPool)
		t.Logf("after race: lease names %v, pool marked %v", names, Deleting(rec))
		for i := 0; i < 3; i++ {
			s.deleteMarked(ctx)
			rekeyService(t, db).deleteMarked(ctx)
		}
		_, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool})
		if n := userCount(t, db); n != 0 {
			t.Errorf("pool marked=%v with %d users and no lease: never deleted; DeleteUserPool again: %v", Deleting(rec), n, err)
		}
	})
}

// TestPoolDeletionTwoCallsKeepTheWait: of two DeleteUserPool calls of one
// pool at once on one node, the one that loses must not drop the winner's
// mark, or the runner starts at once rather than after the cache TTL.
func TestPoolDeletionTwoCallsKeepTheWait(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		rekeyFixture(t, db, 10)
		h := &hookStore{Store: db}
		s := rekeyService(t, h)
		s.cache.ttl = time.Hour
		h.hook = func() { // call 1 read the pool unmarked; call 2 runs whole
			if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
				t.Errorf("call 2: %v", err)
			}
		}
		_, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool})
		t.Logf("call 1: %v", err)
		s.deleteMarked(ctx)
		if n := userCount(t, db); n != 10 {
			t.Errorf("%d users left, want 10: deletion started within the 1h cache TTL", n)
		}
	})
}

// TestListUserPoolsBoundsItsReads: one pool of the caller's region among
// 600 of another: a call asks the store at most listPoolsRounds times,
// and paging on with its tokens still finds both of the region's pools.
func TestListUserPoolsBoundsItsReads(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := WithRegion(context.Background(), "us-east-1")
		db := open()
		rekeyFixture(t, db, 1)
		rec, err := db.Pools().Get(ctx, rekeyPool)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 600 {
			rec.ID, rec.Region = fmt.Sprintf("us-west-2_z%05d", i), "us-west-2"
			if err := db.Pools().Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
		}
		rec.ID, rec.Region = "us-west-2_zzzzzzzzz", "us-east-1"
		if err := db.Pools().Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
		s := rekeyService(t, db)
		var reads atomic.Int32
		db.(interface{ Observe(sqlstore.Observer) }).Observe(func(kind string, _ time.Duration, _ error) {
			if kind == "read" {
				reads.Add(1)
			}
		})
		var found []string
		token := ""
		for calls := 0; ; calls++ {
			if calls > 600/listPoolsRounds+2 {
				t.Fatalf("still paging after %d calls", calls)
			}
			reads.Store(0)
			out, err := s.ListUserPools(ctx, &cip.ListUserPoolsRequest{MaxResults: ptr(int32(2)), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			if n := reads.Load(); n > listPoolsRounds {
				t.Fatalf("one ListUserPools read the store %d times", n)
			}
			for _, p := range out.UserPools {
				found = append(found, p.Id)
			}
			if out.NextToken == "" {
				break
			}
			token = out.NextToken
		}
		if want := []string{rekeyPool, "us-west-2_zzzzzzzzz"}; !slices.Equal(found, want) {
			t.Fatalf("pages gave %v, want %v", found, want)
		}
	})
}
