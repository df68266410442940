package sqlstore_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// searchAll follows Search's pages (of size limit) to the end.
func searchAll(t *testing.T, st storage.Stores, poolID string, f storage.UserFilter, limit int) []string {
	t.Helper()
	var out []string
	tok := ""
	for i := 0; i < 100; i++ {
		us, next, err := st.Users().Search(ctx, poolID, f, storage.Page{Token: tok, Limit: limit})
		if err != nil {
			t.Fatalf("search %+v: %v", f, err)
		}
		out = append(out, subs(us)...)
		if next == "" {
			return out
		}
		tok = next
	}
	t.Fatalf("search %+v: pages never end", f)
	return nil
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func TestUserSearch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st storage.Store) {
		mkPool(t, st, "p1")
		mkPool(t, st, "p2")
		long := strings.Repeat("é", 300) // 600 bytes: longer than the index keeps
		mkUser(t, st, "p1", "s1", "alice", map[string]string{"email": "alice@example.com", "given_name": "Al", "custom:team": "red"})
		mkUser(t, st, "p1", "s2", "alan", map[string]string{"email": "alan@example.com", "given_name": "Al", "custom:team": "blue"})
		mkUser(t, st, "p1", "s3", "bob", map[string]string{"email": "Bob@Example.com", "name": long + "x", "address": "1 Main St"})
		mkUser(t, st, "p1", "s4", "zoë", map[string]string{"email": "zoe@example.com", "name": long + "y", "given_name": "Zoë"})
		mkUser(t, st, "p2", "s5", "alice", map[string]string{"email": "alice@example.com"})

		cases := []struct {
			f    storage.UserFilter
			want []string
		}{
			{storage.UserFilter{Key: "email", Value: "alice@example.com"}, []string{"s1"}},
			{storage.UserFilter{Key: "email", Value: "al", Prefix: true}, []string{"s1", "s2"}},
			{storage.UserFilter{Key: "email", Value: "bob", Prefix: true}, nil}, // bytewise: case matters
			{storage.UserFilter{Key: "email", Value: "", Prefix: true}, []string{"s1", "s2", "s3", "s4"}},
			{storage.UserFilter{Key: "given_name", Value: "Al"}, []string{"s1", "s2"}},
			{storage.UserFilter{Key: "given_name", Value: "Zo", Prefix: true}, []string{"s4"}},
			{storage.UserFilter{Key: "given_name", Value: "Zoë", Prefix: true}, []string{"s4"}},
			{storage.UserFilter{Key: "custom:team", Value: "red"}, []string{"s1"}},
			{storage.UserFilter{Key: "address", Value: "1 Main St"}, nil}, // not searchable
			{storage.UserFilter{Key: "name", Value: long + "x"}, []string{"s3"}},
			{storage.UserFilter{Key: "name", Value: long, Prefix: true}, []string{"s3", "s4"}},
			{storage.UserFilter{Key: "name", Value: long + "y", Prefix: true}, []string{"s4"}},
			{storage.UserFilter{Key: "name", Value: long}, nil},
			{storage.UserFilter{Key: storage.SearchUsername, Value: "al", Prefix: true}, []string{"s1", "s2"}},
			{storage.UserFilter{Key: storage.SearchUsername, Value: "alice"}, []string{"s1"}},
			{storage.UserFilter{Key: storage.SearchSub, Value: "s3"}, []string{"s3"}},
			{storage.UserFilter{Key: storage.SearchSub, Value: "s", Prefix: true}, []string{"s1", "s2", "s3", "s4"}},
			{storage.UserFilter{Key: storage.SearchStatus, Value: "CONFIRMED"}, []string{"s1", "s2", "s3", "s4"}},
			{storage.UserFilter{Key: storage.SearchStatus, Value: "UNCONF", Prefix: true}, nil},
			{storage.UserFilter{Key: storage.SearchEnabled, Value: "true"}, []string{"s1", "s2", "s3", "s4"}},
			{storage.UserFilter{Key: storage.SearchEnabled, Value: "false"}, nil},
			{storage.UserFilter{Key: "nonsense", Value: "x"}, nil},
		}
		for _, c := range cases {
			for _, limit := range []int{1, 60} {
				got := searchAll(t, st, "p1", c.f, limit)
				if !reflect.DeepEqual(sorted(got), sorted(c.want)) && !(len(got) == 0 && len(c.want) == 0) {
					t.Errorf("search %+v (limit %d) = %v, want %v", c.f, limit, got, c.want)
				}
			}
		}

		// Put keeps the index: a changed value is found under the new one
		// only, and status and enabled are searchable at once.
		u, _ := st.Users().GetBySub(ctx, "p1", "s1")
		u.Attributes["email"] = "alice@new.example"
		delete(u.Attributes, "custom:team")
		u.Status, u.Enabled = "RESET_REQUIRED", false
		if err := st.Users().Put(ctx, u); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f    storage.UserFilter
			want []string
		}{
			{storage.UserFilter{Key: "email", Value: "alice@example.com"}, nil},
			{storage.UserFilter{Key: "email", Value: "alice@new", Prefix: true}, []string{"s1"}},
			{storage.UserFilter{Key: "custom:team", Value: "red"}, nil},
			{storage.UserFilter{Key: "given_name", Value: "Al"}, []string{"s1", "s2"}},
			{storage.UserFilter{Key: storage.SearchStatus, Value: "RESET", Prefix: true}, []string{"s1"}},
			{storage.UserFilter{Key: storage.SearchEnabled, Value: "false"}, []string{"s1"}},
			{storage.UserFilter{Key: storage.SearchEnabled, Value: "true"}, []string{"s2", "s3", "s4"}},
		} {
			if got := searchAll(t, st, "p1", c.f, 1); !reflect.DeepEqual(sorted(got), sorted(c.want)) && len(got)+len(c.want) > 0 {
				t.Errorf("after put: search %+v = %v, want %v", c.f, got, c.want)
			}
		}
		// A rolled-back Put leaves the index as it was.
		boom := errors.New("boom")
		err := st.InTx(ctx, func(tx storage.Stores) error {
			u.Attributes["email"] = "rolled@back"
			if err := tx.Users().Put(ctx, u); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := searchAll(t, st, "p1", storage.UserFilter{Key: "email", Value: "rolled@back"}, 10); len(got) != 0 {
			t.Fatalf("rolled-back value found: %v", got)
		}
		if err := st.Users().Delete(ctx, "p1", "s2"); err != nil {
			t.Fatal(err)
		}
		if got := searchAll(t, st, "p1", storage.UserFilter{Key: "given_name", Value: "Al"}, 10); !reflect.DeepEqual(got, []string{"s1"}) {
			t.Fatalf("deleted user still found: %v", got)
		}
		// A token from one kind of search does not fit an enabled search.
		_, next, err := st.Users().Search(ctx, "p1", storage.UserFilter{Key: storage.SearchEnabled, Value: "true"}, storage.Page{Limit: 1})
		if err != nil || next == "" {
			t.Fatalf("first page: %q, %v", next, err)
		}
		if _, _, err := st.Users().Search(ctx, "p1", storage.UserFilter{Key: storage.SearchEnabled, Value: "false"},
			storage.Page{Token: next}); !errors.Is(err, storage.ErrBadPageToken) {
			t.Fatalf("mismatched token: %v", err)
		}
	})
}

// TestSearchUsesIndexes checks SQLite's plan for every search and for a
// user's groups: each reads an index and none scans a table.
func TestSearchUsesIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite")
	openSQLite(t, path) // creates the schema
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
