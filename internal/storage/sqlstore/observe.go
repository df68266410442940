package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Observer is told of every statement and transaction a Store runs: kind
// is "read", "write" or "tx" (a whole transaction, its statements and its
// commit), d how long it took, err its outcome (nil, a storage sentinel,
// or a failure).
type Observer func(kind string, d time.Duration, err error)

// Observe makes the store report its statements and transactions to o.
// Call it before use.
func (s *Store) Observe(o Observer) {
	s.b = observedBackend{Backend: s.b, o: o}
	s.scope = scope{b: s.b}
}

// Trace makes the store start a span (named "storage.tx") for each
// transaction, under the span of the transaction's context. Call it
// before use.
func (s *Store) Trace(start func(ctx context.Context, name string) (context.Context, func(error))) {
	s.b = tracedBackend{Backend: s.b, start: start}
	s.scope = scope{b: s.b}
}

// reclaimSpace runs b's ReclaimSpace, if it has one.
func reclaimSpace(ctx context.Context, b Backend) error {
	if r, ok := b.(SpaceReclaimer); ok {
		return r.ReclaimSpace(ctx)
	}
	return nil
}

// ReclaimSpace passes the call on: a wrapper keeps its backend's
// SpaceReclaimer.
func (b tracedBackend) ReclaimSpace(ctx context.Context) error { return reclaimSpace(ctx, b.Backend) }

// ReclaimSpace passes the call on.
func (b observedBackend) ReclaimSpace(ctx context.Context) error { return reclaimSpace(ctx, b.Backend) }

// checkpoint runs b's Checkpoint, if it has one.
func checkpoint(ctx context.Context, b Backend) error {
	if c, ok := b.(Checkpointer); ok {
		return c.Checkpoint(ctx)
	}
	return nil
}

// Checkpoint passes the call on.
func (b tracedBackend) Checkpoint(ctx context.Context) error { return checkpoint(ctx, b.Backend) }

// Checkpoint passes the call on.
func (b observedBackend) Checkpoint(ctx context.Context) error { return checkpoint(ctx, b.Backend) }

// tracedBackend spans a Backend's transactions.
type tracedBackend struct {
	Backend
	start func(ctx context.Context, name string) (context.Context, func(error))
}

func (b tracedBackend) Tx(ctx context.Context, iso Isolation, fn func(q Querier) error) error {
	ctx, end := b.start(ctx, "storage.tx")
	err := b.Backend.Tx(ctx, iso, fn)
	end(err)
	return err
}

// observedBackend times a Backend's queriers and transactions.
type observedBackend struct {
	Backend
	o Observer
}

func (b observedBackend) Reader() Querier { return observedQuerier{b.Backend.Reader(), b.o} }
func (b observedBackend) Writer() Querier { return observedQuerier{b.Backend.Writer(), b.o} }

func (b observedBackend) Tx(ctx context.Context, iso Isolation, fn func(q Querier) error) error {
	start := time.Now()
	err := b.Backend.Tx(ctx, iso, fn)
	b.o("tx", time.Since(start), err)
	return err
}

// observedQuerier times single statements outside transactions (inside
// one, the transaction is timed whole).
type observedQuerier struct {
	q Querier
	o Observer
}

func (q observedQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	start := time.Now()
	n, err := q.q.Exec(ctx, query, args...)
	q.o("write", time.Since(start), err)
	return n, err
}

func (q observedQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	start := time.Now()
	rows, err := q.q.Query(ctx, query, args...)
	q.o("read", time.Since(start), err)
	return rows, err
}

func (q observedQuerier) QueryRow(ctx context.Context, query string, args ...any) Row {
	return observedRow{q.q.QueryRow(ctx, query, args...), q.o, time.Now()}
}

// observedRow times a single-row read up to its Scan, where the driver
// reports its outcome.
type observedRow struct {
	r     Row
	o     Observer
	start time.Time
}

func (r observedRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	r.o("read", time.Since(r.start), err)
	return err
}

// Failed reports whether err is a storage failure rather than an outcome
// the contract names (not found, conflict, stale, bad input, a cancelled
// context).
func Failed(err error) bool {
	switch {
	case err == nil, errors.Is(err, storage.ErrNotFound), errors.Is(err, storage.ErrConflict),
		errors.Is(err, storage.ErrStale), errors.Is(err, storage.ErrInvalidText), errors.Is(err, storage.ErrBadPageToken),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true
}
