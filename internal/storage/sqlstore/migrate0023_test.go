package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Users stored before migration 0023 (with users_by_username): one
// without a username lookup, one holding two username lookups (as while a
// pool is re-keyed), and two plain ones.
var before0023 = []string{
	`INSERT INTO pools (id, region, name, created_at, updated_at, user_count) VALUES ('us-east-1_old', 'us-east-1', 'old', 0, 0, 4)`,
	`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
		srp_verifier, password_changed_at, lookups, created_at, updated_at)
		VALUES ('us-east-1_old', 'sub-none', 'none', '', 'CONFIRMED', true, '[]', '', '', '', 0, '[]', 1, 1),
		('us-east-1_old', 'sub-ann', '', 'ann', 'CONFIRMED', true, '[]', '', '', '', 0, '', 1, 1),
		('us-east-1_old', 'sub-bob', 'Bob', 'Bob', 'CONFIRMED', true, '[]', '', '', '',
			0, '[["username","Bob"],["username","bob"]]', 1, 1),
		('us-east-1_old', 'sub-cy', '', 'cy', 'CONFIRMED', true, '[]', '', '', '', 0, '', 1, 1)`,
	`INSERT INTO user_lookups (pool_id, kind, lookup_key, sub) VALUES ('us-east-1_old', 'username', 'ann', 'sub-ann'),
		('us-east-1_old', 'username', 'Bob', 'sub-bob'), ('us-east-1_old', 'username', 'bob', 'sub-bob'),
		('us-east-1_old', 'username', 'cy', 'sub-cy')`,
}

// check0023: List and the username searches give what users_by_username
// gave, a page at a time (a user with two username keys is found by the
// first, as List lists it, unless ListedBy names the second); the index
// is gone and the partial one is there.
func check0023(t *testing.T, st storage.Store, indexes []string) {
	t.Helper()
	second := func(u *storage.User) string { // the last username key
		key := ""
		for _, l := range u.Lookups {
			if l.Kind == storage.LookupUsername {
				key = l.Key
			}
		}
		return key
	}
	ctx := context.Background()
	if slices.Contains(indexes, "users_by_username") || !slices.Contains(indexes, "users_without_username") {
		t.Fatalf("indexes of users after 0023: %v", indexes)
	}
	var subs []string
	for tok := ""; ; {
		us, next, err := st.Users().List(ctx, "us-east-1_old", storage.Page{Token: tok, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			subs = append(subs, u.Sub)
		}
		if tok = next; tok == "" {
			break
		}
	}
	if want := []string{"sub-none", "sub-bob", "sub-ann", "sub-cy"}; !slices.Equal(subs, want) {
		t.Fatalf("List after 0023: %v, want %v", subs, want)
	}
	for _, c := range []struct {
		f    storage.UserFilter
		want []string
	}{
		{storage.UserFilter{Key: storage.SearchUsername, Value: "Bob"}, []string{"sub-bob"}},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "bob"}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "b", Prefix: true}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "bob", ListedBy: second}, []string{"sub-bob"}},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "b", Prefix: true, ListedBy: second}, []string{"sub-bob"}},
		{storage.UserFilter{Key: storage.SearchUsername, Value: ""}, []string{"sub-none"}},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "c", Prefix: true}, []string{"sub-cy"}},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "", Prefix: true}, []string{"sub-none", "sub-bob", "sub-ann", "sub-cy"}},
	} {
		us, _, err := st.Users().Search(ctx, "us-east-1_old", c.f, storage.Page{})
		var got []string
		for _, u := range us {
			got = append(got, u.Sub)
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("search %+v after 0023: %v, %v; want %v", c.f, got, err, c.want)
		}
	}
}

// TestMigration0023SQLite: users stored before 0023 list and are found by
// username as before.
func TestMigration0023SQLite(t *testing.T) {
	st, path := openOldSQLite(t, 22, before0023...)
	db, err := sql.Open("sqlite", path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'users'`)
	if err != nil {
		t.Fatal(err)
	}
	var indexes []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	rows.Close()
	check0023(t, st, indexes)
}

// TestMigration0023Postgres: the same on PostgreSQL.
func TestMigration0023Postgres(t *testing.T) {
	st, query := openOldPostgres(t, "m0023", 22, before0023...)
	var indexes []string
	if err := query(`SELECT array_agg(indexname::text) FROM pg_indexes WHERE tablename = 'users' AND schemaname = current_schema()`).Scan(&indexes); err != nil {
		t.Fatal(err)
	}
	check0023(t, st, indexes)
}
