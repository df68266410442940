// Package postgres is the storage backend for more than one node: a
// PostgreSQL database through pgx.
//
// The queries are shared with SQLite in package sqlstore, written with "?"
// placeholders; this package rewrites them to $n once per distinct query.
// Migrations run under an advisory lock, so nodes starting together
// migrate once. Transactions that callers run with InTx are SERIALIZABLE
// and retried on serialization failures and deadlocks; a store's own
// multi-statement writes run at READ COMMITTED.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// DB is an open PostgreSQL database.
type DB struct {
	*sqlstore.Store
}

var _ storage.Store = (*DB)(nil)

// migrationLock is the advisory lock key held while migrating.
const migrationLock = 0x636f676e617465 // "cognate"

// maxAttempts bounds how often a serializable transaction is retried; with
// retryBackoff's waits the last attempt starts about two seconds after the
// first, long enough for a burst of writers contending for one row to
// drain even on a loaded machine.
const maxAttempts = 30

// Open connects to the database at url (postgres://...) and brings its
// schema up to date.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s", redact(err))
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s", redact(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %s", redact(err))
	}
	b := &backend{pool: pool}
	if err := b.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{Store: sqlstore.New(b)}, nil
}

// ConcurrentWriters: PostgreSQL's writers lock rows, not the database.
func (*DB) ConcurrentWriters() bool { return true }

var _ storage.ConcurrentWriters = (*DB)(nil)

// redact keeps a connection error's message free of the password.
func redact(err error) string {
	msg := err.Error()
	return regexp.MustCompile(`(postgres(?:ql)?://[^:/@]*:)[^@]*@`).ReplaceAllString(msg, "$1***@")
}

func (b *backend) migrate(ctx context.Context) error {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", convert(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", convert(err))
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}()
	if err := sqlstore.Migrate(ctx, b, Dialect); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

var (
	blobType = regexp.MustCompile(`\bBLOB\b`)
	textType = regexp.MustCompile(`\bTEXT\b`)
)

// Dialect rewrites a migration written for both dialects into PostgreSQL:
// BLOB becomes BYTEA and TEXT sorts bytewise (COLLATE "C") as in SQLite,
// and only the parts for PostgreSQL are kept (sqlstore.ForDialect).
func Dialect(sql string) string {
	sql = sqlstore.ForDialect(sql, "postgres")
	sql = blobType.ReplaceAllString(sql, "BYTEA")
	return textType.ReplaceAllString(sql, `TEXT COLLATE "C"`)
}

// backend is the sqlstore.Backend over a connection pool.
type backend struct {
	pool    *pgxpool.Pool
	queries sync.Map // "?" query -> "$n" query
}

func (b *backend) Reader() sqlstore.Querier { return querier{b: b, q: b.pool} }
func (b *backend) Writer() sqlstore.Querier { return querier{b: b, q: b.pool} }

func (b *backend) Close() error {
	b.pool.Close()
	return nil
}

// Tx runs fn in a transaction, retrying serialization failures and
// deadlocks for serializable transactions with a short growing backoff. If
// fn panics, the transaction rolls back before the panic goes on.
func (b *backend) Tx(ctx context.Context, iso sqlstore.Isolation, fn func(sqlstore.Querier) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	attempts := 1
	if iso == sqlstore.Serializable {
		opts.IsoLevel, attempts = pgx.Serializable, maxAttempts
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("postgres: %w", ctx.Err())
			case <-time.After(retryBackoff(i)):
			}
		}
		err = b.tx(ctx, opts, fn)
		if !errors.Is(err, sqlstore.ErrRetry) {
			return err
		}
	}
	return err
}

func (b *backend) tx(ctx context.Context, opts pgx.TxOptions, fn func(sqlstore.Querier) error) error {
	tx, err := b.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", convert(err))
	}
	returned := false
	defer func() {
		if !returned { // fn panicked or called runtime.Goexit: free the connection
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	err = fn(querier{b: b, q: tx})
	returned = true
	if err != nil {
		if rerr := tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) {
			return errors.Join(err, fmt.Errorf("postgres: rollback: %w", convert(rerr)))
		}
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", convert(err))
	}
	return nil
}

// rewrite turns "?" placeholders into "$1", "$2", ... The shared queries
// never hold a "?" inside a string literal.
func (b *backend) rewrite(query string) string {
	if v, ok := b.queries.Load(query); ok {
		return v.(string)
	}
	var sb strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(n))
			continue
		}
		sb.WriteRune(r)
	}
	out := sb.String()
	b.queries.Store(query, out)
	return out
}

// pgxQuerier is what pgxpool.Pool and pgx.Tx share.
type pgxQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// querier is a sqlstore.Querier over a pool or a transaction.
type querier struct {
	b *backend
	q pgxQuerier
}

func (q querier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if len(args) == 0 { // scripts (migrations) and savepoints: simple protocol, many statements
		tag, err := q.q.Exec(ctx, query, pgx.QueryExecModeSimpleProtocol)
		return tag.RowsAffected(), convert(err)
	}
	tag, err := q.q.Exec(ctx, q.b.rewrite(query), args...)
	return tag.RowsAffected(), convert(err)
}

func (q querier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	r, err := q.q.Query(ctx, q.b.rewrite(query), args...)
	if err != nil {
		return nil, convert(err)
	}
	return rows{r}, nil
}

func (q querier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return row{q.q.QueryRow(ctx, q.b.rewrite(query), args...)}
}

// CopyRows loads rows into table with COPY (binary format), on the
// transaction's connection inside one: one round trip for the rows and
// none of the statements' parameter limits. A duplicate key fails the
// whole load with storage.ErrConflict, as an INSERT would.
func (q querier) CopyRows(ctx context.Context, table string, columns []string, rows [][]any) (int64, error) {
	n, err := q.q.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	return n, convert(err)
}

// CommitLazily lets the transaction commit without waiting for its WAL to
// be flushed (SET LOCAL: this transaction only).
func (q querier) CommitLazily(ctx context.Context) error {
	_, err := q.Exec(ctx, "SET LOCAL synchronous_commit = off")
	return err
}

// BindsArrays: pgx binds a []string as text[].
func (q querier) BindsArrays() {}

var (
	_ sqlstore.Copier        = querier{}
	_ sqlstore.LazyCommitter = querier{}
	_ sqlstore.ArrayQuerier  = querier{}
)

type row struct{ r pgx.Row }

func (r row) Scan(dest ...any) error { return convert(r.r.Scan(dest...)) }

type rows struct{ r pgx.Rows }

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
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.ErrNotFound
	}
	for _, ce := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ce) {
			return fmt.Errorf("postgres: %w", ce)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %s", storage.ErrConflict, pe.ConstraintName)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: a record it refers to does not exist", storage.ErrNotFound)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return fmt.Errorf("%w: %s", sqlstore.ErrRetry, pe.Message)
		case "57014": // query_canceled
			return fmt.Errorf("postgres: %w", context.Canceled)
		}
		return fmt.Errorf("postgres: %s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	return errors.New("postgres: " + redact(err))
}

// retryBackoff is the wait before retry i (1, 2, ...): exponential from
// 1 ms, capped at 100 ms, with jitter so that transactions that collided
// once do not collide again in lockstep.
func retryBackoff(i int) time.Duration {
	d := time.Millisecond << min(i-1, 7)
	d = min(d, 100*time.Millisecond)
	return d/2 + rand.N(d)
}
