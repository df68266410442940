package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// One node at a time works on a pool's change of sign-in rule (rekey.go):
// the one holding the pool's lease (storage.Leases, named rekeyLeaseName),
// which it renews every third of rekeyLease while it works. Every batch
// and every change of the pool's mark renews the lease in its own
// transaction, so it commits only while the node still holds it: a node
// stalled past its lease (a long pause, a lost connection) cannot write
// over the one that took the change over. The lease keeps how far the
// pass the pool's mark calls for (step 3 or 5) has got, so whoever takes
// it next, after a crash or a caller gone, goes on from the last batch
// committed.

// rekeyLease is how long a node's claim on a pool's change lasts without
// renewal: how long a crashed node's change waits before another node
// (or the restarted one) takes it over.
const rekeyLease = 30 * time.Second

// RekeyPoll is how often the runner (RunRekeys) should look for changes
// cut short: as often as a lease lasts.
const RekeyPoll = rekeyLease

// rekeyClaim is this node's hold on a pool's change.
type rekeyClaim struct {
	name string
	// prog is where the pass the pool's mark calls for has got to, as the
	// lease records it.
	prog rekeyProgress
	// done is set once the pool is unmarked: release drops the lease.
	done bool
}

// rekeyProgress is how far a pass over a pool's users has got: the page
// token after the last batch committed, and the users the pass counted.
type rekeyProgress struct {
	Token string `json:",omitempty"`
	Count int    `json:",omitempty"`
}

func rekeyLeaseName(poolID string) string { return "rekey/" + poolID }

// errLostClaim ends the work of a node whose lease on the change has
// expired and been taken by another node.
func errLostClaim() error {
	return errorf(ConcurrentModification, "Another node took over this change of the pool's sign-in rules.")
}

// lockRekey waits until this node is changing no sign-in rule of pool
// poolID (or ctx ends) and returns the unlock. The lease cannot keep this
// node's own calls apart: its owner is the node.
func (s *Service) lockRekey(ctx context.Context, poolID string) (func(), error) {
	for {
		s.rekeyMu.Lock()
		busy, ok := s.rekeying[poolID]
		if !ok {
			done := make(chan struct{})
			s.rekeying[poolID] = done
			s.rekeyMu.Unlock()
			return func() {
				s.rekeyMu.Lock()
				delete(s.rekeying, poolID)
				s.rekeyMu.Unlock()
				close(done)
			}, nil
		}
		s.rekeyMu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// claimRekey takes the lease on pool poolID's change, with its progress,
// and keeps renewing it until release, which drops it once the change is
// done and otherwise lets another node take it at once, progress and
// all. The returned context ends when the lease is lost.
func (s *Service) claimRekey(ctx context.Context, poolID string) (context.Context, *rekeyClaim, func(), error) {
	c := &rekeyClaim{name: rekeyLeaseName(poolID)}
	ctx, raw, release, err := s.holdLease(ctx, c.name, errLostClaim())
	if err != nil {
		return nil, nil, nil, err
	}
	if release == nil {
		return nil, nil, nil, errorf(ConcurrentModification, "Another node is changing the pool's sign-in rules; try again later.")
	}
	if len(raw) > 0 && json.Unmarshal(raw, &c.prog) != nil {
		c.prog = rekeyProgress{} // unreadable: the pass starts over, which is correct, only slower
	}
	return ctx, c, func() { release(c.done) }, nil
}

// holdLease takes the lease name for this node, with the progress its
// last holder recorded, and renews it every third of s.rekeyLease until
// release(done), which deletes the lease when done and otherwise lets
// another node take it at once. The returned context ends, with cause
// lost, when another node takes the lease over. release is nil when
// another node holds it.
func (s *Service) holdLease(ctx context.Context, name string, lost error) (context.Context, []byte, func(done bool), error) {
	leases := s.store.Leases()
	raw, ok, err := leases.Take(ctx, name, s.node, s.now(), s.rekeyLease)
	if err != nil || !ok {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(s.rekeyLease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			err := leases.Renew(ctx, name, s.node, s.now(), s.rekeyLease, nil)
			if errors.Is(err, storage.ErrNotFound) {
				cancel(lost)
				return
			}
			if err != nil && ctx.Err() == nil {
				s.log.Warn("renewing a lease", "lease", name, "err", err)
			}
		}
	}()
	release := func(finished bool) {
		// The renewer stops before the lease ends: a renewal landing after
		// the release would hold the lease a whole rekeyLease more, and
		// none may outlive the call (App.Close closes the store after).
		close(done)
		cancel(nil)
		<-stopped
		end := leases.Release
		if finished {
			end = leases.Delete
		}
		// Bounded: Serve waits for the runners at shutdown.
		ectx, stop := context.WithTimeout(context.WithoutCancel(ctx), rekeyLease/3)
		defer stop()
		if err := end(ectx, name, s.node); err != nil {
			s.log.Warn("releasing a lease", "lease", name, "err", err)
		}
	}
	return ctx, raw, release, nil
}

// recordProgress renews c's lease in transaction tx with progress p: tx
// commits only while this node holds the lease.
func (s *Service) recordProgress(ctx context.Context, tx storage.Stores, c *rekeyClaim, p rekeyProgress) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	err = tx.Leases().Renew(ctx, c.name, s.node, s.now(), s.rekeyLease, raw)
	if errors.Is(err, storage.ErrNotFound) {
		return errLostClaim()
	}
	return err
}

// RunRekeys resumes changes of sign-in rule cut short (by a crash, a
// restart, a caller gone) until ctx ends: at once, then every poll. A
// change another node is working on is left to it while its lease lasts.
func (s *Service) RunRekeys(ctx context.Context, poll time.Duration) {
	for {
		s.resumeRekeys(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

// resumeRekeys resumes the change of every pool marked with one that no
// node holds the lease of.
func (s *Service) resumeRekeys(ctx context.Context) {
	pg := storage.Page{Limit: 100}
	for {
		recs, next, err := s.store.Pools().List(ctx, pg)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("re-keying: listing pools", "err", err)
			}
			return
		}
		for _, rec := range recs {
			p, err := parsePool(rec)
			if err != nil || p.cfg.Rekey == nil || p.cfg.Deleting != nil {
				continue
			}
			_, _, err = s.changeSignInRule(ctx, p, nil, "The interrupted change of sign-in rules was rolled back", false)
			if e := AsError(err); e != nil && e.Kind == ConcurrentModification {
				continue // another node has it
			}
			if err != nil && ctx.Err() == nil {
				s.log.Warn("re-keying: resuming a change", "pool", rec.ID, "err", err)
			} else if err == nil {
				s.log.Info("re-keying: resumed a change cut short", "pool", rec.ID)
			}
		}
		if next == "" {
			return
		}
		pg.Token = next
	}
}
