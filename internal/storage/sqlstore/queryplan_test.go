package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// TestSearchUsesIndexes checks SQLite's plan for every query of
// Users.Search and Users.List, for a user's groups and for a user's search
// rows (read at each write of the user): each reads an index, none scans a
// table or sorts, a user's rows are sought by pool and sub, and the
// username order reads each user by its primary key. (The behaviour of both is in internal/storage/conformance.)
func TestSearchUsesIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite")
	st, err := sqlite.Open(context.Background(), path) // creates the schema
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := sql.Open("sqlite", path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wantIndex := map[string]string{
		"username": "SEARCH l USING PRIMARY KEY (pool_id=? AND kind=? AND lookup_key", "sub": "sqlite_autoindex_users", "status": "users_by_status",
		"enabled": "users_by_enabled",
		// user_search is a WITHOUT ROWID table (migration 0019): its primary key is the table.
		"attr": "SEARCH s USING PRIMARY KEY (pool_id=? AND attr_name=? AND attr_value",
	}
	queries := map[string]string{"ofUser": sqlstore.OfUserQuery, "searchOfUser": sqlstore.SearchOfUserQuery}
	for name, q := range sqlstore.UsernameQueries {
		queries["username/"+name] = q
	}
	for name, q := range sqlstore.SearchQueries() {
		queries[name+"/exact"] = q[0]
		queries[name+"/prefix"] = q[1]
		queries[name+"/prefix-next"] = q[2]
	}
	for name, q := range queries {
		rows, err := db.Query("EXPLAIN QUERY PLAN "+q, make([]any, strings.Count(q, "?"))...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "; ")
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN") || strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("%s: plan scans or sorts: %s", name, text)
			}
		}
		idx := wantIndex[strings.Split(name, "/")[0]]
		switch name {
		case "ofUser":
			idx = "group_members_by_user"
		case "searchOfUser":
			idx = "user_search_of_user (pool_id=? AND sub=?)"
		case "username/no-username":
			idx = "users_without_username (pool_id=? AND sub>?)"
		case "username/exact":
			idx = "lookup_key=?)"
		case "username/after":
			idx = "lookup_key>?)"
		case "username/from", "username/next":
			idx = "lookup_key>? AND lookup_key<?)"
		}
		if strings.HasPrefix(name, "username/") && name != "username/no-username" &&
			(!strings.Contains(text, "; SEARCH u USING INDEX sqlite_autoindex_users") || !strings.HasSuffix(text, "(pool_id=? AND sub=?)")) {
			t.Errorf("%s: a user is not read by its primary key: %s", name, text)
		}
		if !strings.Contains(text, idx) {
			t.Errorf("%s: plan does not use %s: %s", name, idx, text)
		}
		t.Logf("%s: %s", name, text)
	}
}

// TestListAndSearchUseIndexesPostgres checks PostgreSQL's plans for the
// queries of Users.List, the username searches and the prefix searches on
// a pool of 20,000 users beside another pool's: no plan scans the users,
// user_search or user_lookups table, the username order walks
// user_lookups' primary key without a sort (users_byname.go), a next page
// starts its index scan at the token and a first prefix page at the
// prefix, not at the empty key and sub.
func TestListAndSearchUseIndexesPostgres(t *testing.T) {
	ctx := context.Background()
	conn, storeURL := pgSchema(t, "plan")
	st, err := postgres.Open(ctx, storeURL)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, stmt := range []string{
		`INSERT INTO pools (id, region, name, created_at, updated_at) VALUES ('p1', 'r', 'n', 0, 0), ('p2', 'r', 'n', 0, 0)`,
		`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
			srp_verifier, password_changed_at, lookups, created_at, updated_at)
			SELECT CASE WHEN i % 2 = 0 THEN 'p1' ELSE 'p2' END, 'sub' || i, 'user' || i, 'user' || i, 'CONFIRMED', true,
				'{}', '', '', '', 0, '[]', 0, 0 FROM generate_series(1, 100000) i`,
		`INSERT INTO user_search (pool_id, attr_name, attr_value, sub)
			SELECT pool_id, 'email', username || '@example.com', sub FROM users`,
		`INSERT INTO user_lookups (pool_id, kind, lookup_key, sub) SELECT pool_id, 'username', username_key, sub FROM users`,
		`ANALYZE`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	search := sqlstore.SearchQueries()
	cases := []struct {
		name, query, want string
		args              []any
	}{
		{"list-first", sqlstore.UsernameQueries["no-username"], "users_without_username", []any{"p1", "", 61}},
		{"list-first-named", sqlstore.UsernameQueries["after"], "Index Scan using user_lookups_pkey", []any{"p1", "", 61}},
		{"list-next", sqlstore.UsernameQueries["after"], "lookup_key > ", []any{"p1", "user8888", 61}},
		{"list-deep", sqlstore.UsernameQueries["after"], "lookup_key > ", []any{"p1", "user99990", 61}},
		{"list-skip-batch", sqlstore.UsernameQueries["after"], "lookup_key > ", []any{"p1", "user1", 1000}},
		{"username-exact", sqlstore.UsernameQueries["exact"], "lookup_key = ", []any{"p1", "user8888", "", 61}},
		{"attr-prefix", search["attr"][1], "attr_value >= ", []any{"p1", "email", "user99", "user99\U0010FFFF", 61}},
		{"attr-prefix-next", search["attr"][2], "attr_value >= ", []any{"p1", "email", "user995", "user99\U0010FFFF", "user995@example.com", "sub995", 61}},
		{"username-prefix", sqlstore.UsernameQueries["from"], "lookup_key >= ", []any{"p1", "user99", "user99\U0010FFFF", 61}},
		{"username-prefix-next", sqlstore.UsernameQueries["next"], "lookup_key > ", []any{"p1", "user995", "user99\U0010FFFF", 61}},
		{"search-of-user", sqlstore.SearchOfUserQuery, "user_search_by_user", []any{"p1", "sub2"}},
	}
	for _, c := range cases {
		rows, err := conn.Query(ctx, "EXPLAIN "+dollars(c.query), c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, strings.TrimSpace(line))
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan on user") || (strings.Contains(c.name, "list") && strings.Contains(text, "Sort")) ||
			(strings.Contains(c.name, "username") || strings.Contains(c.name, "list")) && strings.Contains(text, "Hash") {
			t.Errorf("%s scans a table:\n%s", c.name, text)
		}
		if !strings.Contains(text, c.want) {
			t.Errorf("%s: the plan does not use %q:\n%s", c.name, c.want, text)
		}
		if strings.HasPrefix(c.name, "attr-prefix") && strings.Contains(text, "ROW(s.attr_value, s.sub) > ROW(''") {
			t.Errorf("%s starts at ('', ''):\n%s", c.name, text)
		}
		t.Logf("%s:\n%s", c.name, text)
	}
}

// dollars numbers a query's ? placeholders as PostgreSQL's $1, $2, ...
func dollars(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
