package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// batchWriter is the Querier for single-statement writes outside
// transactions (sqlstore's writeOne). Its Exec commits in groups: a
// statement that arrives while another commit is in progress waits for it
// and then goes into the next transaction together with every other
// statement that arrived meanwhile, so they share one WAL append and one
// fsync. Under concurrent writes (an audit record per credential issuance,
// a refresh token per sign-in) that is the difference between a commit
// per request and a commit per batch; alone, a statement commits at once.
//
// Each statement stays atomic and isolated from its batch: SQLite undoes a
// statement that breaks a constraint and keeps the transaction, so that
// caller gets its error and the others commit. Any other failure (I/O, a
// full disk) rolls the batch back and every caller in it gets the error.
// A caller whose context ends before its statement ran gets the context's
// error and writes nothing; once it has run, the caller waits for the
// commit, so a nil error still means the write is durable.
//
// Query and QueryRow (UPDATE ... RETURNING) go to the writer directly;
// QueryRow's Scan wakes the checkpointer (see checkpoint.go).
type batchWriter struct {
	*conn

	// committed, if set, is called after each commit (it wakes the
	// checkpointer).
	committed func()

	mu    sync.Mutex
	queue []*pendingExec
	busy  bool // a leader is committing a batch
}

// pendingExec is one caller's statement. The fields after wake are guarded
// by batchWriter.mu; n and err are written by the leader before finished.
type pendingExec struct {
	ctx   context.Context
	query string
	args  []any
	n     int64
	err   error
	// wake is signalled (buffered, never blocking) whenever finished or
	// lead changes.
	wake     chan struct{}
	taken    bool // in a batch being committed
	lead     bool // must commit the next batch
	finished bool
}

func newBatchWriter(c *conn) *batchWriter { return &batchWriter{conn: c} }

var _ sqlstore.Querier = (*batchWriter)(nil)

// Exec runs one write statement in the next group commit.
func (w *batchWriter) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if len(args) == 0 { // scripts and savepoints: never batched
		n, err := w.conn.Exec(ctx, query)
		w.wake()
		return n, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlite: %w", err)
	}
	p := &pendingExec{ctx: ctx, query: query, args: args, wake: make(chan struct{}, 1)}
	w.mu.Lock()
	w.queue = append(w.queue, p)
	if !w.busy {
		w.busy, p.lead = true, true
	}
	w.mu.Unlock()
	for {
		w.mu.Lock()
		finished, lead := p.finished, p.lead
		w.mu.Unlock()
		switch {
		case finished:
			return p.n, p.err
		case lead:
			w.commitNext(p)
			continue
		}
		select {
		case <-p.wake:
		case <-ctx.Done():
			w.mu.Lock()
			if !p.taken && !p.lead { // still queued: withdraw
				w.queue = slices.DeleteFunc(w.queue, func(q *pendingExec) bool { return q == p })
				w.mu.Unlock()
				return 0, fmt.Errorf("sqlite: %w", ctx.Err())
			}
			w.mu.Unlock()
			// Taken, or asked to lead: the batch needs this caller to
			// finish (its own statement is skipped, its context being
			// done).
			<-p.wake
		}
	}
}

// QueryRow runs a statement that returns a row (an upsert's RETURNING) on
// the writer directly, in a transaction of its own, which commits as Scan
// reads the row; Scan then wakes the checkpointer as a batch's commit does.
func (w *batchWriter) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return wakingRow{w.conn.QueryRow(ctx, query, args...), w.wake}
}

// wakingRow calls wake once its Scan has run the statement to its end.
type wakingRow struct {
	sqlstore.Row
	wake func()
}

func (r wakingRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	r.wake()
	return err
}

// wake tells the checkpointer, if any, that a write may have committed.
func (w *batchWriter) wake() {
	if w.committed != nil {
		w.committed()
	}
}

// commitNext is run by the leader p: it commits everything queued, then
// hands the lead to the first statement queued meanwhile, if any. If p's
// context ends while it waits for the writer's connection, p fails and the
// batch goes back to the head of the queue under the next leader.
func (w *batchWriter) commitNext(p *pendingExec) {
	w.mu.Lock()
	batch := w.queue
	w.queue = nil
	for _, q := range batch {
		q.taken = true
	}
	w.mu.Unlock()

	done := batch
	if c, err := w.db.Conn(p.ctx); err != nil {
		p.err = convert(err)
		done = []*pendingExec{p}
		w.mu.Lock()
		rest := slices.DeleteFunc(batch, func(q *pendingExec) bool { return q == p })
		for _, q := range rest {
			q.taken = false
		}
		w.queue = append(rest, w.queue...)
		w.mu.Unlock()
	} else {
		w.commit(c, batch)
		c.Close()
		w.cache(batch)
	}

	w.mu.Lock()
	for _, q := range done {
		q.finished, q.lead = true, false
	}
	var next *pendingExec
	if len(w.queue) > 0 {
		next = w.queue[0]
		next.lead = true
	} else {
		w.busy = false
	}
	w.mu.Unlock()
	for _, q := range done {
		signal(q.wake)
	}
	if next != nil {
		signal(next.wake)
	}
}

// cache prepares on the writer's pool the batch's statements that were
// prepared on its transaction only, so later batches find them.
func (w *batchWriter) cache(batch []*pendingExec) {
	for _, p := range batch {
		if _, ok := w.stmts.Load(p.query); !ok {
			_, _ = w.stmt(context.Background(), p.query) // a failure shows on the next use
		}
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// commit runs batch in one transaction on c and sets each statement's
// outcome. The transaction does not end with any caller's context: it
// carries the others' statements too.
func (w *batchWriter) commit(c *sql.Conn, batch []*pendingExec) {
	ctx := context.Background()
	// The statements are cached on the writer's pool; a first use is
	// prepared on the transaction (the pool's one connection is c). A
	// statement that cannot be prepared keeps its own error.
	skip := make([]bool, len(batch))
	fail := func(err error) {
		for i, p := range batch {
			if !skip[i] {
				p.n, p.err = 0, err
			}
		}
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", convert(err)))
		return
	}
	for i, p := range batch {
		if skip[i] {
			continue
		}
		if err := p.ctx.Err(); err != nil {
			p.err, skip[i] = fmt.Errorf("sqlite: %w", err), true
			continue
		}
		st, err := (&txConn{conn: w.conn, tx: tx}).stmt(ctx, p.query)
		if err != nil {
			p.err, skip[i] = err, true
			continue
		}
		res, err := st.ExecContext(ctx, p.args...)
		if err != nil && !isConstraint(err) {
			_ = tx.Rollback()
			fail(convert(err))
			return
		}
		p.n, p.err = result(res, err)
		skip[i] = err != nil // undone by SQLite; its error stands
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("sqlite: commit: %w", convert(err)))
		return
	}
	w.wake()
}

// isConstraint reports whether err is a constraint violation, which SQLite
// undoes for the one statement while the transaction goes on.
func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}
