package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// The migration tests build a database as an older Cognate left it: the
// migrations up to a version, then rows written in that schema; opening
// the store applies the rest.

// execOld runs migrations 1 to upTo and then rows through exec, each
// rewritten for the dialect.
func execOld(t *testing.T, exec func(string) error, dialect func(string) string, upTo int, rows ...string) {
	t.Helper()
	ms, err := sqlstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{`CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`}
	for _, m := range ms {
		if m.Version <= upTo {
			stmts = append(stmts, m.SQL, fmt.Sprintf(`INSERT INTO schema_migrations VALUES (%d, '%s', 0)`, m.Version, m.Name))
		}
	}
	for _, s := range append(stmts, rows...) {
		if err := exec(dialect(s)); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
}

// oldSQLite writes an old SQLite database (execOld) at path, in a new
// temporary directory.
func oldSQLite(t *testing.T, upTo int, rows ...string) (path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite", path+"?_foreign_keys=1&_auto_vacuum=INCREMENTAL") // as sqlite.Open makes a new database
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	execOld(t, func(s string) error { _, err := db.Exec(s); return err }, sqlite.Dialect, upTo, rows...)
	return path
}

// openOldSQLite opens the store on an old SQLite database (oldSQLite),
// which migrates it.
func openOldSQLite(t *testing.T, upTo int, rows ...string) (storage.Store, string) {
	t.Helper()
	path := oldSQLite(t, upTo, rows...)
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// openOldPostgres does the same in a new PostgreSQL schema named after
// prefix; the connection reads that schema.
func openOldPostgres(t *testing.T, prefix string, upTo int, rows ...string) (storage.Store, func(string, ...any) Row) {
	t.Helper()
	ctx := context.Background()
	conn, storeURL := pgSchema(t, prefix)
	execOld(t, func(s string) error { _, err := conn.Exec(ctx, s); return err }, postgres.Dialect, upTo, rows...)
	st, err := postgres.Open(ctx, storeURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, func(q string, args ...any) Row { return conn.QueryRow(ctx, q, args...) }
}

// Row is a row of a query run on the old database's connection.
type Row interface{ Scan(dest ...any) error }
