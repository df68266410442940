// Package sqlstore implements the storage contract once, in SQL that both
// SQLite and PostgreSQL accept, for the backends in internal/storage/sqlite
// and internal/storage/postgres.
//
// A backend supplies a Backend: connections that speak this package's SQL
// (written with "?" placeholders; PostgreSQL rewrites them to $n), and that
// report failures with this package's sentinels rather than driver errors.
// Everything else (queries, pagination, cascades, migrations) lives here, so
// the two backends cannot drift apart.
//
// Conventions shared by both dialects: times are BIGINT unix microseconds
// (the zero time is 0), bytes are BLOB/BYTEA (empty reads back as nil), JSON
// documents are TEXT or BLOB, and absent text is ” rather than NULL.
package sqlstore

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// ErrRetry marks an error after which the whole transaction may succeed if
// run again (a serialization failure or a deadlock). Backends wrap it.
var ErrRetry = errors.New("sqlstore: transaction must be retried")

// Querier runs SQL on a connection, pool or transaction. Errors it returns
// are plain errors or wrap storage.ErrNotFound (no rows, or a foreign key
// naming a missing record), storage.ErrConflict (a uniqueness violation),
// ErrRetry, or a context error; never a driver type.
type Querier interface {
	// Exec runs a statement and returns the number of rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a statement that returns rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a statement that returns at most one row; Scan reports
	// storage.ErrNotFound when there is none.
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Copier is a Querier that can load many rows into a table in one bulk
// operation (PostgreSQL's COPY), all or none; its errors are those of a
// Querier (a duplicate key is storage.ErrConflict, a missing record
// referred to storage.ErrNotFound). A transaction's querier loads within
// the transaction. Users.CreateMany uses it for large batches.
type Copier interface {
	// CopyRows loads rows, each holding the columns' values in order, and
	// returns how many it wrote.
	CopyRows(ctx context.Context, table string, columns []string, rows [][]any) (int64, error)
}

// LazyCommitter is a transaction's Querier whose commit can return before
// the transaction reaches the disk (PostgreSQL's synchronous_commit =
// off). A crash of the database may then lose the transaction, whole and
// with every transaction committed after it, never part of it.
// Users.CreateMany asks for it when it loads a batch with a Copier.
type LazyCommitter interface {
	CommitLazily(ctx context.Context) error
}

// ArrayQuerier is a Querier that binds a []string argument as an array
// (PostgreSQL's text[]), so that one statement reads a whole batch's keys
// through unnest. Users.Taken uses it where the backend has it.
type ArrayQuerier interface {
	Querier
	BindsArrays()
}

// Row is one result row.
type Row interface {
	Scan(dest ...any) error
}

// Rows iterates over result rows. Close is safe to call more than once.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Isolation is the isolation a transaction asks for.
type Isolation int

const (
	// Atomic asks only that the statements commit or roll back together;
	// the stores' own multi-statement writes are written to be correct at
	// READ COMMITTED.
	Atomic Isolation = iota
	// Serializable asks for full serializability, as the callers of InTx
	// get: their read-modify-write cycles behave as if run one at a time.
	Serializable
)

// Backend is a database the stores run on.
type Backend interface {
	// Reader returns the querier for reads outside a transaction.
	Reader() Querier
	// Writer returns the querier for a single autocommitted write statement
	// outside a transaction.
	Writer() Querier
	// Tx runs fn in one transaction that commits when fn returns nil and
	// rolls back otherwise. A backend may retry fn when it fails with
	// ErrRetry.
	Tx(ctx context.Context, iso Isolation, fn func(q Querier) error) error
	// Close releases the backend's resources.
	Close() error
}

// SpaceReclaimer is a Backend that can give free space back to the file
// system (SQLite's incremental vacuum). Pools.Delete calls it after a
// pool's deletion; it works in short transactions, as the deletion does.
type SpaceReclaimer interface {
	ReclaimSpace(ctx context.Context) error
}

// Checkpointer is a Backend whose writes go to a log that is copied into
// the database later (SQLite's WAL). Checkpoint copies it now, without
// holding up other writes; Pools.Delete calls it after each batch, so that
// a large deletion's log is copied as it goes, by the deletion, and not by
// another writer's commit.
type Checkpointer interface {
	Checkpoint(ctx context.Context) error
}

// ForeignKeySwitch is a Backend that can run a migration with foreign
// keys off: SQLite, whose table rebuild (create, copy, drop, rename) would
// otherwise cascade the drop to every row that refers to the table.
// Migrate calls it for a migration with the line "-- foreign keys off",
// and checks the keys before that migration commits.
type ForeignKeySwitch interface {
	WithoutForeignKeys(ctx context.Context, fn func() error) error
}

// Store is a storage.Store over a Backend.
type Store struct {
	b Backend
	scope
}

var _ storage.Store = (*Store)(nil)

// New returns the store over b. Run Migrate first.
func New(b Backend) *Store {
	return &Store{b: b, scope: scope{b: b}}
}

// InTx runs fn in one serializable transaction; see storage.Store.
//
// Inside fn, use only the Stores fn is given: with a single-writer backend
// such as SQLite, a write through the outer Store waits for the
// transaction that is waiting for it.
func (s *Store) InTx(ctx context.Context, fn func(tx storage.Stores) error) error {
	return s.b.Tx(ctx, Serializable, func(q Querier) error {
		return fn(scope{b: s.b, tx: q})
	})
}

// Close closes the backend.
func (s *Store) Close() error { return s.b.Close() }

// scope is the set of stores either outside a transaction (tx == nil) or
// inside one.
type scope struct {
	b  Backend
	tx Querier
}

func (s scope) Pools() storage.Pools           { return pools{s} }
func (s scope) Clients() storage.Clients       { return clients{s} }
func (s scope) Users() storage.Users           { return users{s} }
func (s scope) Groups() storage.Groups         { return groups{s} }
func (s scope) AuthEvents() storage.AuthEvents { return authEvents{s} }
func (s scope) Codes() storage.Codes           { return codes{s} }
func (s scope) Tokens() storage.Tokens         { return tokens{s} }
func (s scope) Keys() storage.Keys             { return keys{s} }
func (s scope) Settings() storage.Settings     { return settings{s} }
func (s scope) Identities() storage.Identities { return identities{s} }
func (s scope) Devices() storage.Devices       { return devices{s} }
func (s scope) Nonces() storage.Nonces         { return nonces{s} }
func (s scope) Passkeys() storage.Passkeys     { return passkeys{s} }
func (s scope) ImportJobs() storage.ImportJobs { return importJobs{s} }
func (s scope) Roles() storage.Roles           { return roles{s} }
func (s scope) ClientDocuments() storage.ClientDocuments {
	return clientDocuments{s}
}
func (s scope) ProviderLinks() storage.ProviderLinks { return providerLinks{s} }
func (s scope) OIDCProviders() storage.OIDCProviders {
	return oidcProviders{s}
}
func (s scope) Audit() storage.Audit       { return audit{s} }
func (s scope) Security() storage.Security { return security{s} }
func (s scope) DeletedSubs() storage.DeletedSubs {
	return deletedSubs{s}
}
func (s scope) Leases() storage.Leases { return leases{s} }

// read returns the querier for reads.
func (s scope) read() reader {
	if s.tx != nil {
		return reader{s.tx}
	}
	return reader{s.b.Reader()}
}

// write runs fn, which may issue several statements, atomically: in its own
// transaction outside InTx, under a savepoint inside it (so a failed method
// leaves the caller's transaction as it was, in both dialects).
func (s scope) write(ctx context.Context, fn func(q Querier) error) error {
	if s.tx == nil {
		return s.b.Tx(ctx, Atomic, func(q Querier) error { return fn(writer{q}) })
	}
	return savepoint(ctx, s.tx, fn)
}

// writeOne runs fn, which issues exactly one statement, atomically: that
// statement is its own transaction outside InTx.
func (s scope) writeOne(ctx context.Context, fn func(q Querier) error) error {
	if s.tx == nil {
		return fn(writer{s.b.Writer()})
	}
	return savepoint(ctx, s.tx, fn)
}

// exec runs one write statement with writeOne and returns the rows changed.
func (s scope) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.writeOne(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, query, args...)
		return err
	})
	return n, err
}

func savepoint(ctx context.Context, tx Querier, fn func(q Querier) error) error {
	if _, err := tx.Exec(ctx, "SAVEPOINT sqlstore"); err != nil {
		return err
	}
	if err := fn(writer{tx}); err != nil {
		if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT sqlstore"); rerr != nil {
			return errors.Join(err, rerr)
		}
		if _, rerr := tx.Exec(ctx, "RELEASE SAVEPOINT sqlstore"); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	_, err := tx.Exec(ctx, "RELEASE SAVEPOINT sqlstore")
	return err
}

// mustChange turns "no row changed" into storage.ErrNotFound.
func mustChange(n int64, err error) error {
	if err == nil && n == 0 {
		return storage.ErrNotFound
	}
	return err
}
