package userpool

import (
	"context"
	"errors"
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
// cache for up to the cache's TTL, and may write a user into it
// meanwhile. The runner starts no sooner than that TTL after the mark, so
// every such write lands before the deletion starts, and goes with the
// pool.

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

func deletionLeaseName(poolID string) string { return "delete-pool/" + poolID }

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
	var marked poolConfig
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		if cfg.DeletionProtection == "ACTIVE" {
			return errorf(InvalidParameter, "The user pool %s cannot be deleted because deletion protection is activated.", p.rec.ID)
		}
		cfg.Deleting = &poolDeletion{Since: s.now()}
		marked = *cfg
		return nil
	})
	if err != nil {
		return nil, err
	}
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

// deleteMarked deletes every marked pool whose mark is older than the
// pool cache's TTL and that no node holds the lease of. It returns how
// long until the next younger mark comes of age (a long time when there
// is none).
func (s *Service) deleteMarked(ctx context.Context) time.Duration {
	next := time.Duration(1<<63 - 1)
	pg := storage.Page{Limit: 100}
	for {
		recs, token, err := s.store.Pools().List(ctx, pg)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("pool deletion: listing pools", "err", err)
			}
			return next
		}
		for _, rec := range recs {
			p, err := parsePool(rec)
			if err != nil || p.cfg.Deleting == nil {
				continue
			}
			if wait := p.cfg.Deleting.Since.Add(s.cache.ttl).Sub(s.now()); wait > 0 {
				next = min(next, wait)
				continue
			}
			if err := s.deletePool(ctx, rec.ID); err != nil && ctx.Err() == nil {
				s.log.Warn("pool deletion", "pool", rec.ID, "err", err)
			}
		}
		if token == "" {
			return next
		}
		pg.Token = token
	}
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
		return err
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
