// Package sqlite is the embedded storage backend: a single SQLite file
// through the pure-Go driver modernc.org/sqlite.
//
// The file runs in WAL mode with synchronous=FULL, so a write that returned
// has been fsynced. Writes go through one connection whose transactions
// begin IMMEDIATE: writers queue in Go instead of failing with SQLITE_BUSY.
// Single-statement writes made at the same time share a commit (see
// batchWriter): one WAL append and one fsync for the group.
// Reads outside a transaction use a separate pool of query-only
// connections, which WAL lets run alongside the writer. Statements are
// prepared once per connection and cached. Single-row reads check their
// context before they start and are not interrupted after (see
// conn.QueryRow): they are the hot path of every token check.
//
// The queries themselves are shared with PostgreSQL in package sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// DB is an open SQLite database.
type DB struct {
	*sqlstore.Store
	ckpt *checkpointer
}

var _ storage.Store = (*DB)(nil)

// busyTimeoutMS bounds how long a connection waits for a lock held by
// another process before failing.
const busyTimeoutMS = 10000

// writerCacheKiB is the writer connection's page cache, in KiB.
const writerCacheKiB = 65536

// Open opens (creating if needed) the database file at path and brings its
// schema up to date. The database and the files SQLite keeps beside it
// (-wal, -shm) are made readable and writable by their owner only (0600),
// whatever the umask, and so are those left by an earlier start.
func Open(ctx context.Context, path string) (*DB, error) {
	b, err := openBackend(ctx, path)
	if err != nil {
		return nil, err
	}
	return &DB{Store: sqlstore.New(b), ckpt: b.ckpt}, nil
}

// OnBackgroundError has f told when a background checkpoint fails (the
// first failure, then at most one a minute while they go on): nothing is
// lost, but the WAL grows until one succeeds.
func (db *DB) OnBackgroundError(f func(error)) { db.ckpt.onError.Store(&f) }

// openBackend opens the database at path with its schema up to date.
func openBackend(ctx context.Context, path string) (*backend, error) {
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: unsupported database path %q", path)
	}
	// SQLite creates the -wal, -shm and -journal files with the database
	// file's permissions, so a database made 0600 keeps them so too.
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	if err := restrictFiles(path); err != nil {
		return nil, err
	}
	dsn := fmt.Sprintf("%s?_txlock=immediate&_busy_timeout=%d&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1",
		path, busyTimeoutMS)
	// auto_vacuum applies to a new database only (see vacuum.go); the
	// checkpoints run outside the writer (see checkpoint.go).
	write, err := sql.Open("sqlite", dsn+fmt.Sprintf(
		"&_auto_vacuum=INCREMENTAL&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(%d)", walSizeLimitBytes))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil { // sets WAL, creating -wal and -shm
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, convert(err))
	}
	if err := restrictFiles(path); err != nil {
		write.Close()
		return nil, err
	}
	// The writer's page cache (SQLite's default is 2 MiB) holds a large
	// transaction's index pages: with too small a cache, a batch of
	// inserts into big indexes spills and rewrites pages to the WAL.
	if _, err := write.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, convert(err))
	}

	read, err := sql.Open("sqlite", dsn+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)

	ckpt, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetMaxIdleConns(1)
	ckpt.SetConnMaxLifetime(0)
	ckpt.SetConnMaxIdleTime(0)

	b := &backend{write: newConn(write), read: newConn(read), ckpt: newCheckpointer(ckpt, write)}
	b.batch = newBatchWriter(b.write)
	b.batch.committed = b.ckpt.committed
	b.read.detachRows = true
	if err := sqlstore.Migrate(ctx, b, Dialect); err != nil {
		b.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	// Pages a migration's table rebuild freed (0026: the old users table),
	// or a pool deletion stopped before its reclaim, go back to the file
	// system before the node serves; with none free this is one read.
	if err := b.ReclaimSpace(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return b, nil
}

// Dialect keeps the parts of a migration for SQLite (see
// sqlstore.ForDialect).
func Dialect(sql string) string {
	return sqlstore.ForDialect(sql, "sqlite")
}

// backend is the sqlstore.Backend over the writer and the reader pool.
type backend struct {
	write, read *conn
	batch       *batchWriter // single statements on write, group-committed
	ckpt        *checkpointer
}

func (b *backend) Reader() sqlstore.Querier { return b.read }
func (b *backend) Writer() sqlstore.Querier { return b.batch }

// Tx runs fn in a BEGIN IMMEDIATE transaction on the writer. SQLite with one
// writer is serializable at any isolation asked for. If fn panics (or
// calls runtime.Goexit), the transaction rolls back before the panic goes
// on: left open, it would hold the one writer connection for good.
func (b *backend) Tx(ctx context.Context, _ sqlstore.Isolation, fn func(sqlstore.Querier) error) error {
	tx, err := b.write.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", convert(err))
	}
	returned := false
	defer func() {
		if !returned {
			_ = tx.Rollback()
		}
	}()
	err = fn(&txConn{conn: b.write, tx: tx})
	returned = true
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("sqlite: rollback: %w", convert(rerr)))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// database/sql rolls back when ctx ends and then reports
			// sql.ErrTxDone; the cause is the context.
			return fmt.Errorf("sqlite: commit: %w", cerr)
		}
		return fmt.Errorf("sqlite: commit: %w", convert(err))
	}
	b.ckpt.committed()
	return nil
}

func (b *backend) Close() error {
	// The checkpointer stops first; the last connection to close
	// checkpoints what is left.
	return errors.Join(b.ckpt.close(), b.read.close(), b.write.close())
}

// privateMode is the permission of the database files: the owner's only.
const privateMode fs.FileMode = 0o600

// createPrivate creates an empty database file at path with privateMode
// unless a file is there already. (An empty file is an empty database.)
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	return f.Close()
}

// restrictFiles sets privateMode on the database file and on those SQLite
// keeps beside it, where they exist with another mode: an older Cognate
// made them 0644, and a new file's mode is whatever the umask left.
func restrictFiles(path string) error {
	for _, name := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if fi.Mode().Perm() == privateMode {
			continue
		}
		if err := os.Chmod(name, privateMode); err != nil {
			return fmt.Errorf("sqlite: restricting %s to its owner: %w", name, err)
		}
	}
	return nil
}

// WithoutForeignKeys runs fn, a migration's transaction, with foreign keys
// off on the writer (see sqlstore.ForeignKeySwitch). The pragma has no
// effect inside a transaction, so it is set around it, on the one writer
// connection; a connection opened anew has them on, from the DSN.
func (b *backend) WithoutForeignKeys(ctx context.Context, fn func() error) error {
	if _, err := b.write.db.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("sqlite: foreign keys off: %w", convert(err))
	}
	err := fn()
	if _, onErr := b.write.db.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); onErr != nil {
		err = errors.Join(err, fmt.Errorf("sqlite: foreign keys on: %w", convert(onErr)))
	}
	return err
}
