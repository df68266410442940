package sqlstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// onBothBackends runs test on a new SQLite database and in a new
// PostgreSQL schema, each with a pool named name.
func onBothBackends(t *testing.T, name string, test func(*testing.T, *sqlstore.Store, storage.Pool)) {
	t.Helper()
	withPool := func(t *testing.T, st *sqlstore.Store) {
		pool := storage.Pool{ID: "us-east-1_" + name, Region: "us-east-1", Name: name, Config: []byte(`{}`),
			CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0)}
		if err := st.Pools().Create(t.Context(), pool); err != nil {
			t.Fatal(err)
		}
		test(t, st, pool)
	}
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		withPool(t, st.Store)
	})
	t.Run("postgres", func(t *testing.T) {
		_, url := pgSchema(t, "byname")
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		withPool(t, st.Store)
	})
}

// TestUsernameOrderSkipsInFewQueries: while a pool is re-keyed, every user
// holds a second username lookup that List and the username searches read
// and leave out (users_byname.go). Here every second key sorts after every
// user's first, so the last page of a listing walks past all of them. It
// must do so in a few queries, not one query per left-out row: a re-key
// batch lists its users inside a write transaction.
func TestUsernameOrderSkipsInFewQueries(t *testing.T) {
	onBothBackends(t, "skip", testSkipQueries)
}

func testSkipQueries(t *testing.T, st *sqlstore.Store, pool storage.Pool) {
	ctx := t.Context()
	const users = 300
	var us []storage.User
	var want []string
	for i := range users {
		u := storage.User{PoolID: pool.ID, Sub: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			Username: fmt.Sprintf("U%04d", i), Status: "CONFIRMED", Enabled: true,
			Lookups: []storage.Lookup{
				{Kind: storage.LookupUsername, Key: fmt.Sprintf("U%04d", i)},
				{Kind: storage.LookupUsername, Key: fmt.Sprintf("u%04d", i)},
			},
			CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0)}
		if i%50 == 0 {
			u.Lookups = nil // a few users without a username key, listed first
		}
		us = append(us, u)
	}
	for _, u := range us {
		if u.Lookups == nil {
			want = append(want, u.Sub)
		}
	}
	for _, u := range us {
		if u.Lookups != nil {
			want = append(want, u.Sub)
		}
	}
	if err := st.Users().CreateMany(ctx, us); err != nil {
		t.Fatal(err)
	}
	counted, reads := sqlstore.CountReads(st, nil)
	lists := map[string]func(storage.Page) ([]storage.User, string, error){
		"List": func(pg storage.Page) ([]storage.User, string, error) {
			return counted.Users().List(ctx, pool.ID, pg)
		},
		"username ^= U": func(pg storage.Page) ([]storage.User, string, error) {
			return counted.Users().Search(ctx, pool.ID, storage.UserFilter{Key: storage.SearchUsername, Value: "U", Prefix: true}, pg)
		},
		"username ^= ''": func(pg storage.Page) ([]storage.User, string, error) {
			return counted.Users().Search(ctx, pool.ID, storage.UserFilter{Key: storage.SearchUsername, Prefix: true}, pg)
		},
	}
	for name, list := range lists {
		for _, size := range []int{1, 2, 59, 60, 61, users} {
			w := want
			if name == "username ^= U" {
				w = slices.DeleteFunc(slices.Clone(want), func(sub string) bool { return us[subIndex(sub)].Lookups == nil })
			}
			got, most := pageAll(t, ctx, list, size, reads)
			if !slices.Equal(got, w) {
				t.Errorf("%s, pages of %d: %d users listed, want %d once each, in order", name, size, len(got), len(w))
			}
			if most > 12 {
				t.Errorf("%s, pages of %d: a page took %d queries", name, size, most)
			}
		}
	}
}

// pageAll reads every page of list and returns the subs listed and the
// most queries one page took.
func pageAll(t *testing.T, ctx context.Context, list func(storage.Page) ([]storage.User, string, error), size int, reads interface{ Load() int64 }) ([]string, int) {
	var subs []string
	most := 0
	pg := storage.Page{Limit: size}
	for range 1000 {
		before := reads.Load()
		items, next, err := list(pg)
		if err != nil {
			t.Fatal(err)
		}
		most = max(most, int(reads.Load()-before))
		for _, u := range items {
			subs = append(subs, u.Sub)
		}
		if next == "" {
			return subs, most
		}
		if len(items) == 0 {
			t.Fatalf("pages of %d: an empty page with a next token", size)
		}
		pg.Token = next
	}
	t.Fatalf("pages of %d: more than 1000 pages", size)
	return nil, 0
}

func subIndex(sub string) int {
	var i int
	fmt.Sscanf(sub[len(sub)-12:], "%d", &i)
	return i
}

// TestUsernameOrderListsAUserOncePerPage: a page of the username order may
// take several reads (the users without a username key, then the keys); a
// user given its first username key between two of them is on the page
// once, not twice.
func TestUsernameOrderListsAUserOncePerPage(t *testing.T) {
	onBothBackends(t, "once", testOncePerPage)
}

func testOncePerPage(t *testing.T, st *sqlstore.Store, pool storage.Pool) {
	ctx := t.Context()
	user := func(sub, key string) storage.User {
		u := storage.User{PoolID: pool.ID, Sub: sub, Username: sub, Status: "CONFIRMED", Enabled: true,
			CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0)}
		if key != "" {
			u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: key}}
		}
		if err := st.Users().Create(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	named := user("sub-b", "b")
	unnamed := user("sub-a", "")
	first := true
	counted, _ := sqlstore.CountReads(st, func() {
		if !first {
			return
		}
		first = false
		u, err := st.Users().GetBySub(ctx, pool.ID, unnamed.Sub)
		if err != nil {
			t.Fatal(err)
		}
		u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: "c"}}
		if err := st.Users().Put(ctx, u); err != nil {
			t.Fatal(err)
		}
	})
	items, _, err := counted.Users().List(ctx, pool.ID, storage.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range items {
		got = append(got, u.Sub)
	}
	if want := []string{unnamed.Sub, named.Sub}; !slices.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}
}

// TestUsernameOrderTokens: a List token made before migration 0023 (the
// listing, the pool, then the username key and sub of the last user, as
// users_by_username ordered them) resumes after that user, and so does a
// token whose user was deleted since.
func TestUsernameOrderTokens(t *testing.T) {
	onBothBackends(t, "tokens", testTokens)
}

func testTokens(t *testing.T, st *sqlstore.Store, pool storage.Pool) {
	ctx := t.Context()
	for _, key := range []string{"", "a", "b", "c"} {
		u := storage.User{PoolID: pool.ID, Sub: "sub-" + key, Username: "u" + key, Status: "CONFIRMED", Enabled: true,
			CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0)}
		if key != "" {
			u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: key}}
		}
		if err := st.Users().Create(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	token := func(key, sub string) string {
		b, err := json.Marshal([]string{"users", pool.ID, key, sub})
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	list := func(tok string) []string {
		t.Helper()
		items, next, err := st.Users().List(ctx, pool.ID, storage.Page{Token: tok, Limit: 10})
		if err != nil || next != "" {
			t.Fatalf("List(%q) = %v, next %q", tok, err, next)
		}
		var subs []string
		for _, u := range items {
			subs = append(subs, u.Sub)
		}
		return subs
	}
	for _, c := range []struct {
		tok  string
		want []string
	}{
		{token("", "sub-"), []string{"sub-a", "sub-b", "sub-c"}},
		{token("a", "sub-a"), []string{"sub-b", "sub-c"}},
		{token("c", "sub-c"), nil},
	} {
		if got := list(c.tok); !slices.Equal(got, c.want) {
			t.Errorf("after an old token: %v, want %v", got, c.want)
		}
	}
	_, next, err := st.Users().List(ctx, pool.ID, storage.Page{Limit: 2}) // "" and a
	if err != nil {
		t.Fatal(err)
	}
	if next != token("a", "sub-a") {
		t.Errorf("List's token %q, want the old form %q", next, token("a", "sub-a"))
	}
	if err := st.Users().Delete(ctx, pool.ID, "sub-a"); err != nil {
		t.Fatal(err)
	}
	if got := list(next); !slices.Equal(got, []string{"sub-b", "sub-c"}) {
		t.Errorf("after a deleted user's token: %v, want [sub-b sub-c]", got)
	}
}
