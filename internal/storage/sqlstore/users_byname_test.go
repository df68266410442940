package sqlstore_test

import (
	"context"
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

// TestUsernameOrderSkipsInFewQueries: while a pool is re-keyed, every user
// holds a second username lookup that List and the username searches read
// and leave out (users_byname.go). Here every second key sorts after every
// user's first, so the last page of a listing walks past all of them. It
// must do so in a few queries, not one query per left-out row: a re-key
// batch lists its users inside a write transaction.
func TestUsernameOrderSkipsInFewQueries(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testSkipQueries(t, st.Store)
	})
	t.Run("postgres", func(t *testing.T) {
		_, url := pgSchema(t, "byname")
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testSkipQueries(t, st.Store)
	})
}

func testSkipQueries(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	const users = 300
	pool := storage.Pool{ID: "us-east-1_skip", Region: "us-east-1", Name: "skip", Config: []byte(`{}`),
		CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0)}
	if err := st.Pools().Create(ctx, pool); err != nil {
		t.Fatal(err)
	}
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
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testOncePerPage(t, st.Store)
	})
	t.Run("postgres", func(t *testing.T) {
		_, url := pgSchema(t, "byname")
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testOncePerPage(t, st.Store)
	})
}

func testOncePerPage(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	pool := storage.Pool{ID: "us-east-1_once", Region: "us-east-1", Name: "once", Config: []byte(`{}`),
		CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0)}
	if err := st.Pools().Create(ctx, pool); err != nil {
		t.Fatal(err)
	}
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
