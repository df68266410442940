package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage/sqlite"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// TestSearchUsesIndexes checks SQLite's plan for every query of
// Users.Search and for a user's groups: each reads an index, none scans a
// table or sorts. (The behaviour of both is in internal/storage/conformance.)
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
		"username": "users_by_username", "sub": "sqlite_autoindex_users", "status": "users_by_status",
		"enabled": "users_by_enabled", "attr": "sqlite_autoindex_user_search",
	}
	queries := map[string]string{"ofUser": sqlstore.OfUserQuery}
	for name, q := range sqlstore.SearchQueries() {
		queries[name+"/exact"] = q[0]
		queries[name+"/prefix"] = q[1]
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
		if name == "ofUser" {
			idx = "group_members_by_user"
		}
		if !strings.Contains(text, idx) {
			t.Errorf("%s: plan does not use %s: %s", name, idx, text)
		}
		t.Logf("%s: %s", name, text)
	}
}
