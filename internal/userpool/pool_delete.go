package userpool

import (
	"context"
	"errors"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Deleting a pool with a million users takes minutes, longer than the AWS
// CLI and SDKs wait for an answer before they retry. So DeleteUserPool
// only marks the pool (its stored settings carry the mark, which every
// load of the pool honours: loadPool, updatePool, ListUserPools) and
// answers; the deletion runner (RunPoolDeletions) then deletes it with
// Pools.Delete, in batches, under the pool's lease, so that one node at a
// time works on it and a crash or a restart leaves it to the next poll.
//
// A node that loaded the pool before the mark keeps serving it from its
// cache for up to the cache's TTL. So the node that marks the pool takes
// the deletion's lease in the mark's transaction, for the cache's TTL
// plus a lease, and its runner starts no sooner than the TTL after the
// mark, measured on its own monotonic clock; another node takes the
// deletion over only once that lease expires (the marking node stopped),
// so no two nodes' wall clocks are compared within the TTL. That empties
// the caches of the pool before the deletion starts, but does not stop
// every late write: a request that loaded the pool from a cache before
// then may write later. Such a write either commits while the pool's row
// is still stored, and goes with the pool (the row's final delete
// cascades to whatever the batches before it missed), or refers to a pool
// that is gone and fails with ResourceNotFoundException (the store's
// ErrNotFound), never an internal error (TestPoolDeletionLateWrites).
// The marks' leases, stored until their deletions end, are how the
// runner finds the marks.

// poolDeletion is the mark of a pool being deleted: since when.
type poolDeletion struct {
	Since time.Time `json:"Since"`
}

// PoolDeletionPoll is how often the deletion runner (RunPoolDeletions)
// should look for deletions to start or take over: as often as a lease
// lasts.
const PoolDeletionPoll = rekeyLease

// Deleting reports whether DeleteUserPool marked the stored pool rec: for
// code that reads pools from the store, which should treat it as gone.
func Deleting(rec storage.Pool) bool {
	p, err := parsePool(rec)
	return err == nil && p.cfg.Deleting != nil
}

// UserPoolExists reports whether the pool exists and is not being
// deleted.
func (s *Service) UserPoolExists(ctx context.Context, id string) (bool, error) {
	_, err := s.loadPool(ctx, id)
	if e := AsError(err); e != nil && e.Kind == ResourceNotFound {
		return false, nil
	}
	return err == nil, err
}

const deletionLeasePrefix = "delete-pool/"

func deletionLeaseName(poolID string) string { return deletionLeasePrefix + poolID }

// errLostDeletion ends the work of a node whose lease on a pool's deletion
// another node took over.
var errLostDeletion = errors.New("userpool: another node took over the pool's deletion")

// DeleteUserPool deletes the pool and everything in it, unless deletion
// protection is on. It answers once the pool is marked, from when no
// operation finds it; its users are deleted in the background. Its
// domains are free for other pools at once.
func (s *Service) DeleteUserPool(ctx context.Context, in *cip.DeleteUserPoolRequest) (*Empty, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	id := p.rec.ID
	// Marked before the transaction, so that this node's runner cannot
	// take the pool between the commit and the clock's reading (unless
	// another call is marking it too).
	s.markPending(id)
	var marked poolConfig
	err = s.updatePoolTx(ctx, id, func(tx storage.Stores, _ *storage.Pool, cfg *poolConfig) error {
		if cfg.DeletionProtection == "ACTIVE" {
			return errorf(InvalidParameter, "The user pool %s cannot be deleted because deletion protection is activated.", id)
		}
		_, ok, err := tx.Leases().Take(ctx, deletionLeaseName(id), s.node, s.now(), s.cache.ttl+s.rekeyLease)
		if err != nil {
			return err
		}
		if !ok { // a deletion of an earlier pool of this id is ending
			return errorf(ConcurrentModification, "The user pool %s is being deleted; try again later.", id)
		}
		cfg.Deleting = &poolDeletion{Since: s.now()}
		marked = *cfg
		return nil
	})
	if err != nil {
		s.forgetPending(id)
		return nil, err
	}
	s.setMark(id, time.Now())
	s.releaseDomains(ctx, &pool{rec: p.rec, cfg: &marked})
	select {
	case s.deletions <- struct{}{}:
	default:
	}
	return &Empty{}, nil
}

// RunPoolDeletions deletes the pools DeleteUserPool marked until ctx
// ends: at once, when this node marks one, and every poll, which also
// takes over deletions a crash or a restart cut short. A deletion another
// node works on is left to it while its lease lasts.
func (s *Service) RunPoolDeletions(ctx context.Context, poll time.Duration) {
	for {
		wait := min(s.deleteMarked(ctx), poll)
		select {
		case <-ctx.Done():
			return
		case <-s.deletions:
		case <-time.After(wait):
		}
	}
}

func (s *Service) setMark(id string, at time.Time) {
	s.marksMu.Lock()
	s.marks[id] = at
	s.marksMu.Unlock()
}

// markPending records that a DeleteUserPool of pool id is under way, unless
// one marked it already (two calls at once: the one that loses must not
// shorten the winner's wait).
func (s *Service) markPending(id string) {
	s.marksMu.Lock()
	if _, ok := s.marks[id]; !ok {
		s.marks[id] = time.Time{}
	}
	s.marksMu.Unlock()
}

// forgetPending drops a pending mark of pool id, not one a committed
// DeleteUserPool set.
func (s *Service) forgetPending(id string) {
	s.marksMu.Lock()
	if at, ok := s.marks[id]; ok && at.IsZero() {
		delete(s.marks, id)
	}
	s.marksMu.Unlock()
}

// markWait is how long this node's runner still waits before deleting
// pool id: the rest of the cache's TTL when this node marked it, zero
// when it did not (the lease decides).
func (s *Service) markWait(id string) time.Duration {
	s.marksMu.Lock()
	defer s.marksMu.Unlock()
	at, ok := s.marks[id]
	switch {
	case !ok:
		return 0
	case at.IsZero(): // DeleteUserPool wakes the runner once it is written
		return max(s.cache.ttl, time.Second)
	}
	wait := s.cache.ttl - time.Since(at)
	if wait <= 0 {
		delete(s.marks, id)
	}
	return wait
}

// deleteMarked deletes every marked pool that this node marked more than
// the pool cache's TTL ago or that no node holds the lease of. The marks
// are found through their leases, which DeleteUserPool stores with them
// and which stay until the deletion ends, so a look reads a few lease
// names rather than every pool's settings. It returns how long until the
// next of this node's younger marks comes of age (a long time when there
// is none).
func (s *Service) deleteMarked(ctx context.Context) time.Duration {
	next := time.Duration(1<<63 - 1)
	names, err := s.store.Leases().Names(ctx, deletionLeasePrefix)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("pool deletion: listing deletions", "err", err)
		}
		return next
	}
	for _, name := range names {
		id := strings.TrimPrefix(name, deletionLeasePrefix)
		if wait := s.markWait(id); wait > 0 {
			next = min(next, wait)
			continue
		}
		if err := s.deletePool(ctx, id); err != nil && ctx.Err() == nil {
			s.log.Warn("pool deletion", "pool", id, "err", err)
		}
	}
	return next
}

// deletePool deletes the marked pool id under its lease; it does nothing
// if another node holds the lease or the pool is no longer marked.
func (s *Service) deletePool(ctx context.Context, id string) error {
	ctx, _, release, err := s.holdLease(ctx, deletionLeaseName(id), errLostDeletion)
	if err != nil || release == nil {
		return err
	}
	done := false
	defer func() { release(done) }()
	// Read again under the lease: the node that held it may have
	// finished, and a pool of the same id been created since (CopyUserPool
	// chooses ids).
	rec, err := s.store.Pools().Get(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		done = true
		return nil
	}
	if err != nil {
		return err
	}
	if p, err := parsePool(rec); err != nil || p.cfg.Deleting == nil {
		// Not marked: the deletion the lease was for is over, and its
		// lease goes, unless a DeleteUserPool marked the pool since the
		// read above: it takes the lease in its marking transaction as
		// this node's owner, so deleting it unchecked would leave a marked
		// pool that no runner finds.
		if err != nil {
			return err
		}
		return s.store.InTx(ctx, func(tx storage.Stores) error {
			rec, err := tx.Pools().Get(ctx, id)
			if err == nil {
				p, err := parsePool(rec)
				if err != nil || p.cfg.Deleting != nil {
					return err
				}
			} else if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			return tx.Leases().Delete(ctx, deletionLeaseName(id), s.node)
		})
	}
	s.log.Info("pool deletion: started", "pool", id)
	if s.deleteHook != nil {
		s.deleteHook()
	}
	err = s.store.Pools().Delete(ctx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		if cause := context.Cause(ctx); cause != nil {
			return cause
		}
		return err
	}
	done = true
	s.cache.forgetPool(id)
	s.log.Info("pool deletion: done", "pool", id)
	return nil
}
