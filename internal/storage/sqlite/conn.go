package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// conn is a sqlstore.Querier over a *sql.DB that prepares each distinct
// query once and keeps it (database/sql then prepares it once per
// connection).
type conn struct {
	db    *sql.DB
	stmts sync.Map // query string -> *sql.Stmt
	// detachRows makes QueryRow check ctx before it starts and then run
	// unaffected by ctx's end (see QueryRow); set on the reader pool.
	detachRows bool
}

func newConn(db *sql.DB) *conn { return &conn{db: db} }

func (c *conn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, convert(err)
	}
	if prev, loaded := c.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

func (c *conn) close() error {
	c.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.stmts.Delete(k)
		return true
	})
	return c.db.Close()
}

func (c *conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if len(args) == 0 { // scripts (migrations) and savepoints: not cached
		return result(c.db.ExecContext(ctx, query))
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	return result(st.ExecContext(ctx, args...))
}

func (c *conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return newRows(st.QueryContext(ctx, args...))
}

// QueryRow runs a query for one row. On the reader pool (detachRows) a
// context already done fails it at once, as on the writer, but once it has
// started it runs to the end whatever happens to ctx: these are indexed
// lookups of one row, over in microseconds, and a cancellable context
// makes both database/sql and the driver start a watcher goroutine per
// query, which costs more CPU than the lookup itself.
func (c *conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	if c.detachRows {
		if err := ctx.Err(); err != nil {
			return errRow{fmt.Errorf("sqlite: %w", err)}
		}
		ctx = context.WithoutCancel(ctx)
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return row{st.QueryRowContext(ctx, args...)}
}

// txConn is a sqlstore.Querier inside a transaction on the writer; it uses
// the writer's cached statements.
type txConn struct {
	conn *conn
	tx   *sql.Tx
	// local holds the statements this transaction prepared itself, so a
	// transaction that runs an uncached query many times (an import
	// batch) prepares it once; they close with the transaction.
	mu    sync.Mutex
	local map[string]*sql.Stmt
}

// stmt returns the writer's cached statement bound to the transaction, or
// prepares the query on the transaction itself when it is not cached yet:
// preparing on the writer's pool would wait for the one connection that
// this transaction holds.
func (t *txConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.conn.stmts.Load(query); ok {
		return t.tx.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if st, ok := t.local[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, convert(err)
	}
	if t.local == nil {
		t.local = map[string]*sql.Stmt{}
	}
	t.local[query] = st
	return st, nil
}

func (t *txConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if len(args) == 0 {
		return result(t.tx.ExecContext(ctx, query))
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	return result(st.ExecContext(ctx, args...))
}

func (t *txConn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return newRows(st.QueryContext(ctx, args...))
}

func (t *txConn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return row{st.QueryRowContext(ctx, args...)}
}

func result(r sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, convert(err)
	}
	n, err := r.RowsAffected()
	return n, convert(err)
}

type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error { return convert(r.r.Scan(dest...)) }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type rows struct{ r *sql.Rows }

func newRows(r *sql.Rows, err error) (sqlstore.Rows, error) {
	if err != nil {
		return nil, convert(err)
	}
	return rows{r}, nil
}

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return convert(r.r.Scan(dest...)) }
func (r rows) Err() error             { return convert(r.r.Err()) }
func (r rows) Close()                 { r.r.Close() }

// convert maps a driver error to the sentinels sqlstore expects and
// flattens anything else to its message, so no driver type escapes.
func convert(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return storage.ErrNotFound
	}
	for _, ce := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ce) {
			return fmt.Errorf("sqlite: %w", ce)
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", storage.ErrConflict, se.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: a record it refers to does not exist", storage.ErrNotFound)
		case sqlite3.SQLITE_INTERRUPT:
			return fmt.Errorf("sqlite: interrupted: %w", context.Canceled)
		}
	}
	return errors.New("sqlite: " + err.Error())
}
