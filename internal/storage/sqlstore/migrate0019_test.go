package sqlstore_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// The user a database at migration 0018 holds, with the SRP salt in hex
// and the verifiers in base64 text, and its search and lookup rows.
var before0019 = []string{
	`INSERT INTO pools (id, region, name, created_at, updated_at) VALUES ('us-east-1_old', 'us-east-1', 'old', 0, 0)`,
	`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
		srp_verifier, password_changed_at, lookups, created_at, updated_at)
		VALUES ('us-east-1_old', 'sub-1', 'Ann', 'ann', 'CONFIRMED', true, '{"email":"ann@example.com"}', '$argon2id$x',
		'00a1b2', 'bmFtZQ.c3Vi', 1, '[["username","ann"]]', 1, 1)`,
	`INSERT INTO user_search (pool_id, attr_name, attr_value, sub) VALUES ('us-east-1_old', 'email', 'ann@example.com', 'sub-1')`,
	`INSERT INTO user_lookups (pool_id, kind, lookup_key, sub) VALUES ('us-east-1_old', 'username', 'ann', 'sub-1')`,
	// A user without a password, and one with a verifier stored before
	// there were two (one base64 text, no dot).
	`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
		srp_verifier, password_changed_at, lookups, created_at, updated_at)
		VALUES ('us-east-1_old', 'sub-2', 'Bo', 'bo', 'FORCE_CHANGE_PASSWORD', true, '{}', '', '', '', 0, '[]', 1, 1),
		('us-east-1_old', 'sub-3', 'Cy', 'cy', 'CONFIRMED', true, '{}', '$argon2id$y', 'FF01', 'bG9uZQ', 1, '[]', 1, 1)`,
}

// check0019 reads the user written before migration 0019 through the
// store, finds it by search and lookup, and writes it back.
func check0019(t *testing.T, st storage.Store) {
	t.Helper()
	ctx := context.Background()
	u, err := st.Users().GetBySub(ctx, "us-east-1_old", "sub-1")
	if err != nil {
		t.Fatal(err)
	}
	if u.SRPSalt != "00a1b2" || u.SRPVerifier != "bmFtZQ.c3Vi" {
		t.Fatalf("after 0019: salt %q, verifier %q; want 00a1b2, bmFtZQ.c3Vi", u.SRPSalt, u.SRPVerifier)
	}
	if _, err := st.Users().GetByLookup(ctx, "us-east-1_old", "username", "ann"); err != nil {
		t.Fatalf("GetByLookup: %v", err)
	}
	found, _, err := st.Users().Search(ctx, "us-east-1_old", storage.UserFilter{Key: "email", Value: "ann@", Prefix: true}, storage.Page{})
	if err != nil || len(found) != 1 {
		t.Fatalf("Search: %d users, %v", len(found), err)
	}
	for sub, want := range map[string][2]string{"sub-2": {"", ""}, "sub-3": {"ff01", "bG9uZQ"}} {
		o, err := st.Users().GetBySub(ctx, "us-east-1_old", sub)
		if err != nil || o.SRPSalt != want[0] || string(o.SRPVerifier) != want[1] {
			t.Errorf("%s after 0019: salt %q, verifier %q (%v); want %q, %q", sub, o.SRPSalt, o.SRPVerifier, err, want[0], want[1])
		}
	}
	u.SRPSalt, u.SRPVerifier = "0fff", storage.SRPVerifiers("\x02\x00\xff")
	if err := st.Users().Put(ctx, u); err != nil {
		t.Fatal(err)
	}
	u, err = st.Users().GetBySub(ctx, "us-east-1_old", "sub-1")
	if err != nil || u.SRPSalt != "0fff" || u.SRPVerifier != "\x02\x00\xff" {
		t.Fatalf("written back: salt %q, verifier %q, %v", u.SRPSalt, u.SRPVerifier, err)
	}
	if err := st.Users().Delete(ctx, "us-east-1_old", "sub-1"); err != nil {
		t.Fatal(err)
	}
}

// TestMigration0019SQLite: a user stored before migration 0019 (hex salt,
// text verifiers, rowid tables) reads back the same after it.
func TestMigration0019SQLite(t *testing.T) {
	st, path := openOldSQLite(t, 18, before0019...)
	db, err := sql.Open("sqlite", path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var saltType, withoutRowid string
	err = db.QueryRow(`SELECT typeof(srp_salt), (SELECT sql FROM sqlite_schema WHERE name = 'user_search') FROM users`).Scan(&saltType, &withoutRowid)
	if err != nil || saltType != "blob" || !strings.HasSuffix(withoutRowid, "WITHOUT ROWID") {
		t.Fatalf("after 0019: srp_salt is %s, user_search is %q (%v); want blob, WITHOUT ROWID", saltType, withoutRowid, err)
	}
	check0019(t, st)
}

// TestMigration0019Postgres: the same on PostgreSQL (bytea columns).
func TestMigration0019Postgres(t *testing.T) {
	st, _ := openOldPostgres(t, "m0019", 18, before0019...)
	check0019(t, st)
}

// TestMigration0019SQLiteFailsWhole: when 0019 fails part way (a salt that
// is not hex, which unhex makes NULL in a NOT NULL column), none of it
// stays: the database is at 0018 with its rowid tables and rows, and once
// the row is mended the next start applies 0019.
func TestMigration0019SQLiteFailsWhole(t *testing.T) {
	path := oldSQLite(t, 18, before0019...)
	db, err := sql.Open("sqlite", path+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE users SET srp_salt = 'not hex' WHERE sub = 'sub-1'`); err != nil {
		t.Fatal(err)
	}
	if st, err := sqlite.Open(context.Background(), path); err == nil {
		st.Close()
		t.Fatal("0019 applied over a salt that is not hex")
	}
	var version, searchRows int
	var search string
	err = db.QueryRow(`SELECT (SELECT MAX(version) FROM schema_migrations), (SELECT COUNT(*) FROM user_search),
		(SELECT sql FROM sqlite_schema WHERE name = 'user_search')`).Scan(&version, &searchRows, &search)
	if err != nil || version != 18 || searchRows != 1 || strings.Contains(search, "WITHOUT ROWID") {
		t.Fatalf("after the failed 0019: version %d, %d search rows, user_search %q (%v); want 18, 1, a rowid table",
			version, searchRows, search, err)
	}
	if _, err := db.Exec(`UPDATE users SET srp_salt = '00a1b2' WHERE sub = 'sub-1'`); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("0019 after the row was mended: %v", err)
	}
	defer st.Close()
	check0019(t, st)
}
