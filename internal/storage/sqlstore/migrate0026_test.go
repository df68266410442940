package sqlstore_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Two users stored before migration 0026, with rows that refer to them
// (lookups, search rows, a code), which the SQLite rebuild of users must
// keep, and keep tied to their user.
var before0026 = []string{
	`INSERT INTO pools (id, region, name, created_at, updated_at, user_count) VALUES ('us-east-1_old', 'us-east-1', 'old', 0, 0, 2)`,
	`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
		srp_verifier, password_changed_at, lookups, created_at, updated_at, version)
		VALUES ('us-east-1_old', 'sub-ann', '', 'ann', 'CONFIRMED', true, '[0,"ann@example.com"]', '', '', '', 0, '', 1, 1, 7),
		('us-east-1_old', 'sub-bob', '', 'bob', 'CONFIRMED', false, '[0,"bob@example.com"]', '', '', '', 0, '', 1, 1, 1)`,
	`INSERT INTO user_lookups (pool_id, kind, lookup_key, sub) VALUES ('us-east-1_old', 'username', 'ann', 'sub-ann'),
		('us-east-1_old', 'username', 'bob', 'sub-bob')`,
	`INSERT INTO user_search (pool_id, attr_name, attr_value, sub) VALUES ('us-east-1_old', 'email', 'ann@example.com', 'sub-ann'),
		('us-east-1_old', 'email', 'bob@example.com', 'sub-bob')`,
	`INSERT INTO codes (pool_id, sub, purpose, hash, attempts, expires_at, created_at) VALUES ('us-east-1_old', 'sub-ann', 'verify-email', NULL, 0, 1, 1),
		('us-east-1_old', 'sub-bob', 'verify-email', NULL, 0, 1, 1)`,
}

// check0026: the users and what refers to them are there after 0026;
// deleting a user still cascades to its rows and no other's; a sub may be
// held by another pool. count counts a table's rows.
func check0026(t *testing.T, st storage.Store, count func(table string) int) {
	t.Helper()
	ctx := context.Background()
	ann, err := st.Users().GetByLookup(ctx, "us-east-1_old", storage.LookupUsername, "ann")
	if err != nil || ann.Sub != "sub-ann" || ann.Attributes["email"] != "ann@example.com" || !ann.Enabled {
		t.Fatalf("ann after 0026: %+v, %v", ann, err)
	}
	bob, _, err := st.Users().Search(ctx, "us-east-1_old", storage.UserFilter{Key: "email", Value: "bob@example.com"}, storage.Page{})
	if err != nil || len(bob) != 1 || bob[0].Sub != "sub-bob" || bob[0].Enabled {
		t.Fatalf("bob after 0026: %+v, %v", bob, err)
	}
	for table, want := range map[string]int{"users": 2, "user_lookups": 2, "user_search": 2, "codes": 2} {
		if n := count(table); n != want {
			t.Errorf("%s after 0026: %d rows, want %d", table, n, want)
		}
	}
	if err := st.Users().Delete(ctx, "us-east-1_old", "sub-bob"); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"users": 1, "user_lookups": 1, "user_search": 1, "codes": 1} {
		if n := count(table); n != want {
			t.Errorf("%s after deleting bob: %d rows, want %d (foreign keys)", table, n, want)
		}
	}
	now := time.Now()
	if err := st.Pools().Create(ctx, storage.Pool{ID: "us-east-1_new", Name: "new", Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	twin := storage.User{PoolID: "us-east-1_new", Sub: "sub-ann", Username: "ann", Status: "CONFIRMED", Enabled: true,
		Attributes: map[string]string{}, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "ann"}}, CreatedAt: now, UpdatedAt: now}
	if err := st.Users().Create(ctx, twin); err != nil {
		t.Fatalf("the same sub in another pool after 0026: %v", err)
	}
}

// TestMigration0026SQLite: the rebuild of users keeps every user and every
// row that refers to one, and foreign keys are on again after it.
func TestMigration0026SQLite(t *testing.T) {
	st, path := openOldSQLite(t, 25, before0026...)
	db, err := sql.Open("sqlite", path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var schema string
	if err := db.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'users'`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	var indexes int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'users'`).Scan(&indexes); err != nil {
		t.Fatal(err)
	}
	// The primary key's automatic index, users_by_status, users_by_enabled
	// and users_without_username; the sub's own unique index is gone.
	if indexes != 4 {
		t.Errorf("users has %d indexes after 0026, want 4: %s", indexes, schema)
	}
	// The old table's pages went back to the file system as the store
	// opened.
	var free, vacuum int
	if err := db.QueryRow(`SELECT freelist_count, auto_vacuum FROM pragma_freelist_count, pragma_auto_vacuum`).Scan(&free, &vacuum); err != nil {
		t.Fatal(err)
	}
	if free != 0 || vacuum != 2 {
		t.Errorf("after 0026: %d free pages, auto_vacuum %d; want 0 and 2 (incremental)", free, vacuum)
	}
	check0026(t, st, func(table string) int {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	})
}

// TestMigration0026Postgres: the same on PostgreSQL, which drops the
// constraint.
func TestMigration0026Postgres(t *testing.T) {
	st, query := openOldPostgres(t, "m0026", 25, before0026...)
	var constraints int
	if err := query(`SELECT COUNT(*) FROM pg_constraint WHERE conname = 'users_sub_key' AND connamespace = current_schema()::regnamespace`).Scan(&constraints); err != nil {
		t.Fatal(err)
	}
	if constraints != 0 {
		t.Errorf("users_sub_key is still there after 0026")
	}
	check0026(t, st, func(table string) int {
		var n int
		if err := query(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	})
}
