package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int    // from the file name: 0001_init.sql is 1
	Name    string // the file name
	SQL     string // as written, before any dialect rewrite
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", base)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a number", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// ForDialect keeps the parts of a migration for dialect ("sqlite" or
// "postgres"): a migration is written once for both, but what one of them
// does its own way (SQLite rebuilds a table where PostgreSQL alters it)
// goes between the lines "-- begin <dialect> only" and "-- end <dialect>
// only", which the other dialect leaves out.
func ForDialect(sql, dialect string) string {
	var out strings.Builder
	skipping := ""
	for line := range strings.Lines(sql) {
		t := strings.TrimSpace(line)
		if d, ok := strings.CutPrefix(t, "-- begin "); ok && strings.HasSuffix(d, " only") && skipping == "" {
			if d = strings.TrimSuffix(d, " only"); d != dialect {
				skipping = d
			}
			continue
		}
		if d, ok := strings.CutPrefix(t, "-- end "); ok && strings.HasSuffix(d, " only") && (skipping == "" || t == "-- end "+skipping+" only") {
			skipping = ""
			continue
		}
		if skipping == "" {
			out.WriteString(line)
		}
	}
	return out.String()
}

// Migrate applies the migrations b lacks, each in its own transaction,
// recording them in schema_migrations. dialect rewrites a migration's SQL
// for the database (nil leaves it as written). The caller keeps other
// processes from migrating at the same time (SQLite's write lock,
// PostgreSQL's advisory lock).
func Migrate(ctx context.Context, b Backend, dialect func(string) string) error {
	if dialect == nil {
		dialect = func(s string) string { return s }
	}
	ms, err := Migrations()
	if err != nil {
		return err
	}
	err = b.Tx(ctx, Atomic, func(q Querier) error {
		_, err := q.Exec(ctx, dialect(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    BIGINT NOT NULL PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at BIGINT NOT NULL
		)`))
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var newest int64
	err = b.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest)
	if err != nil {
		return fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	if len(ms) > 0 && newest > int64(ms[len(ms)-1].Version) {
		return fmt.Errorf("migrate: database is at version %d, newer than this binary's %d",
			newest, ms[len(ms)-1].Version)
	}
	for _, m := range ms {
		if err := apply(ctx, b, m, dialect(m.SQL)); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	return nil
}

// foreignKeysOff is the line that has a migration run with foreign keys
// off where the backend can (ForeignKeySwitch).
const foreignKeysOff = "-- foreign keys off"

// apply runs migration m (its SQL as rewritten for the dialect) in one
// transaction, unless another process applied it first.
func apply(ctx context.Context, b Backend, m Migration, sql string) error {
	sw, switched := b.(ForeignKeySwitch)
	switched = switched && hasLine(sql, foreignKeysOff)
	tx := func() error {
		return b.Tx(ctx, Atomic, func(q Querier) error {
			var n int64
			err := q.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n)
			if err != nil || n > 0 {
				return err
			}
			if _, err := q.Exec(ctx, sql); err != nil {
				return err
			}
			if switched {
				if err := checkForeignKeys(ctx, q); err != nil {
					return err
				}
			}
			_, err = q.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, micros(time.Now()))
			return err
		})
	}
	if switched {
		return sw.WithoutForeignKeys(ctx, tx)
	}
	return tx()
}

func hasLine(text, line string) bool {
	for l := range strings.Lines(text) {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

// checkForeignKeys fails when a row refers to one that is not there
// (SQLite's foreign_key_check), which a migration run with foreign keys
// off could leave behind.
func checkForeignKeys(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid, parent, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s refers to a missing row of %v", table, parent)
	}
	return rows.Err()
}

// Ready checks that the database answers and holds every migration this
// binary knows (another node may have been upgraded past it, which is
// fine; one that is behind is not ready).
func (s *Store) Ready(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	var newest int64
	if err := s.b.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("sqlstore: read schema_migrations: %w", err)
	}
	if want := int64(ms[len(ms)-1].Version); newest < want {
		return fmt.Errorf("sqlstore: database is at migration %d, this binary needs %d", newest, want)
	}
	return nil
}
