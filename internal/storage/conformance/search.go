package conformance

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Search",
		test{"Keys", testSearchKeys},
		test{"Paging", testSearchPaging},
		test{"FollowsWrites", testSearchFollowsWrites},
		test{"LongValues", testSearchLongValues},
		test{"Tokens", testSearchTokens},
		test{"UsernamePrefixBounds", testSearchUsernamePrefixBounds},
	)
}

// search returns the subs Users.Search finds for f, following its pages of
// size limit, sorted.
func (f *fixture) search(poolID string, uf storage.UserFilter, limit int) []string {
	f.t.Helper()
	var out []string
	tok := ""
	for pages := 0; pages < 100; pages++ {
		us, next, err := f.Users().Search(f.ctx, poolID, uf, storage.Page{Token: tok, Limit: limit})
		must(f.t, err)
		for _, u := range us {
			out = append(out, u.Sub)
		}
		if next == "" {
			slices.Sort(out)
			return out
		}
		tok = next
	}
	f.t.Fatalf("search %+v: pages never end", uf)
	return nil
}

// searchUser creates a user with the given attributes.
func (f *fixture) searchUser(poolID, username string, attrs map[string]string) storage.User {
	f.t.Helper()
	u := f.newUser(poolID, username)
	u.Attributes = attrs
	must(f.t, f.Users().Create(f.ctx, u))
	return u
}

func subsOf(us ...storage.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Sub)
	}
	slices.Sort(out)
	return out
}

// testSearchKeys: each kind of key finds exactly the users that match, in
// the pool searched, bytewise (the domain normalises values first).
func testSearchKeys(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	alice := f.searchUser(p.ID, "alice", map[string]string{"email": "alice@example.com", "given_name": "Al",
		"custom:team": "red", "address": "1 Main St"})
	alan := f.searchUser(p.ID, "alan", map[string]string{"email": "alan@example.com", "given_name": "Al", "name": "Zoë"})
	bob := f.searchUser(p.ID, "bob", map[string]string{"email": "Bob@Example.com", "phone_number": "+15555550100"})
	bob.Status, bob.Enabled = "RESET_REQUIRED", false
	must(t, f.Users().Put(f.ctx, bob))
	f.searchUser(other.ID, "alice", map[string]string{"email": "alice@example.com"})
	all := subsOf(alice, alan, bob)
	for _, c := range []struct {
		f    storage.UserFilter
		want []string
	}{
		{storage.UserFilter{Key: "email", Value: "alice@example.com"}, subsOf(alice)},
		{storage.UserFilter{Key: "email", Value: "al", Prefix: true}, subsOf(alice, alan)},
		{storage.UserFilter{Key: "email", Value: "bob", Prefix: true}, nil},
		{storage.UserFilter{Key: "email", Value: "", Prefix: true}, all},
		{storage.UserFilter{Key: "email", Value: ""}, nil},
		{storage.UserFilter{Key: "given_name", Value: "Al"}, subsOf(alice, alan)},
		{storage.UserFilter{Key: "name", Value: "Zo", Prefix: true}, subsOf(alan)},
		{storage.UserFilter{Key: "phone_number", Value: "+1555", Prefix: true}, subsOf(bob)},
		{storage.UserFilter{Key: "custom:team", Value: "red"}, subsOf(alice)},
		{storage.UserFilter{Key: "address", Value: "1 Main St"}, nil}, // not searchable
		{storage.UserFilter{Key: "nonsense", Value: "x"}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "al", Prefix: true}, subsOf(alice, alan)},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "bob"}, subsOf(bob)},
		{storage.UserFilter{Key: storage.SearchSub, Value: alan.Sub}, subsOf(alan)},
		{storage.UserFilter{Key: storage.SearchSub, Value: "00000000-", Prefix: true}, all},
		{storage.UserFilter{Key: storage.SearchStatus, Value: "CONFIRMED"}, subsOf(alice, alan)},
		{storage.UserFilter{Key: storage.SearchStatus, Value: "RESET", Prefix: true}, subsOf(bob)},
		{storage.UserFilter{Key: storage.SearchEnabled, Value: "true"}, subsOf(alice, alan)},
		{storage.UserFilter{Key: storage.SearchEnabled, Value: "false"}, subsOf(bob)},
		{storage.UserFilter{Key: storage.SearchEnabled, Value: "t", Prefix: true}, nil},
	} {
		if got := f.search(p.ID, c.f, 60); !slices.Equal(got, c.want) {
			t.Errorf("search %+v: %v, want %v", c.f, got, c.want)
		}
	}
	us, _, err := f.Users().Search(f.ctx, p.ID, storage.UserFilter{Key: "email", Value: "alice@example.com"}, storage.Page{})
	must(t, err)
	same(t, "user found", us, []storage.User{wantUser(alice)})
}

// testSearchPaging: results come a page at a time, every page but the
// last full, ordered by the value matched and then by sub.
func testSearchPaging(t *testing.T, f *fixture) {
	p := f.pool()
	var same, prefixed []storage.User
	for _, name := range []string{"e", "c", "a", "d", "b"} {
		u := f.searchUser(p.ID, "user-"+name, map[string]string{"given_name": "Same", "email": name + "@example.com"})
		same = append(same, u)
		prefixed = append(prefixed, u)
	}
	slices.SortFunc(same, func(a, b storage.User) int { return strings.Compare(a.Sub, b.Sub) })
	slices.SortFunc(prefixed, func(a, b storage.User) int {
		return strings.Compare(a.Attributes["email"], b.Attributes["email"])
	})
	subs := func(us []storage.User) []string {
		out := []string{}
		for _, u := range us {
			out = append(out, u.Sub)
		}
		return out
	}
	lister := func(uf storage.UserFilter) lister {
		return keysOf(func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
			return f.Users().Search(ctx, p.ID, uf, pg)
		}, func(u storage.User) string { return u.Sub })
	}
	checkPaging(t, f.ctx, lister(storage.UserFilter{Key: "given_name", Value: "Same"}), subs(same))
	checkPaging(t, f.ctx, lister(storage.UserFilter{Key: "email", Value: "", Prefix: true}), subs(prefixed))
	checkPaging(t, f.ctx, lister(storage.UserFilter{Key: storage.SearchUsername, Value: "user-", Prefix: true}), subs(prefixed))
	checkPaging(t, f.ctx, lister(storage.UserFilter{Key: storage.SearchStatus, Value: "CONFIRMED"}), subs(same))
	checkPaging(t, f.ctx, lister(storage.UserFilter{Key: storage.SearchEnabled, Value: "true"}), subs(same))
}

// testSearchUsernamePrefixBounds: a username prefix that ends in a
// multibyte character finds the keys that continue it with any character,
// up to the last code point below U+10FFFF, and no key that only shares
// its first bytes; pages follow key order.
func testSearchUsernamePrefixBounds(t *testing.T, f *fixture) {
	p := f.pool()
	byKey := map[string]storage.User{}
	for _, key := range []string{"e", "é", "éa", "é😀", "é\U0010FFFD", "ê", "éé", "f", "\u00e9\u0301"} {
		u := f.newUser(p.ID, key)
		u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: key}}
		must(t, f.Users().Create(f.ctx, u))
		byKey[key] = u
	}
	list := func(prefix string) lister {
		return keysOf(func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
			return f.Users().Search(ctx, p.ID, storage.UserFilter{Key: storage.SearchUsername, Value: prefix, Prefix: true}, pg)
		}, func(u storage.User) string { return u.Lookups[0].Key })
	}
	checkPaging(t, f.ctx, list("é"), []string{"é", "éa", "éé", "\u00e9\u0301", "é😀", "é\U0010FFFD"})
	checkPaging(t, f.ctx, list("e"), []string{"e"})
	checkPaging(t, f.ctx, list("é\U0010FFFD"), []string{"é\U0010FFFD"})
	checkPaging(t, f.ctx, list("\xc3"), nil) // not UTF-8: no key starts with it
}

// testSearchFollowsWrites: Put, a rolled-back Put and Delete change what
// is found as they change the user.
func testSearchFollowsWrites(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.searchUser(p.ID, "ann", map[string]string{"email": "ann@example.com", "custom:team": "red", "given_name": "Ann"})
	u.Attributes = map[string]string{"email": "ann@new.example", "given_name": "Ann"}
	must(t, f.Users().Put(f.ctx, u))
	for _, c := range []struct {
		uf   storage.UserFilter
		want []string
	}{
		{storage.UserFilter{Key: "email", Value: "ann@example.com"}, nil},
		{storage.UserFilter{Key: "email", Value: "ann@new.example"}, subsOf(u)},
		{storage.UserFilter{Key: "custom:team", Value: "red"}, nil},
		{storage.UserFilter{Key: "given_name", Value: "A", Prefix: true}, subsOf(u)},
	} {
		uf, want := c.uf, c.want
		if got := f.search(p.ID, uf, 10); !slices.Equal(got, want) {
			t.Errorf("after Put, search %+v: %v, want %v", uf, got, want)
		}
	}
	boom := errors.New("boom")
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		v := u
		v.Attributes = map[string]string{"email": "rolled@back"}
		if err := tx.Users().Put(f.ctx, v); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, err, boom)
	if got := f.search(p.ID, storage.UserFilter{Key: "email", Value: "rolled@back"}, 10); len(got) != 0 {
		t.Errorf("a rolled-back Put is found: %v", got)
	}
	must(t, f.Users().Delete(f.ctx, p.ID, u.Sub))
	if got := f.search(p.ID, storage.UserFilter{Key: "given_name", Value: "Ann"}, 10); len(got) != 0 {
		t.Errorf("a deleted user is found: %v", got)
	}
}

// testSearchLongValues: values longer than any index keeps whole are
// matched on their full value, exactly and by prefix.
func testSearchLongValues(t *testing.T, f *fixture) {
	p := f.pool()
	long := strings.Repeat("é", 700) // 1400 bytes
	x := f.searchUser(p.ID, "x", map[string]string{"name": long + "x"})
	y := f.searchUser(p.ID, "y", map[string]string{"name": long + "y"})
	for _, c := range []struct {
		uf   storage.UserFilter
		want []string
	}{
		{storage.UserFilter{Key: "name", Value: long + "x"}, subsOf(x)},
		{storage.UserFilter{Key: "name", Value: long}, nil},
		{storage.UserFilter{Key: "name", Value: long, Prefix: true}, subsOf(x, y)},
		{storage.UserFilter{Key: "name", Value: long + "y", Prefix: true}, subsOf(y)},
		{storage.UserFilter{Key: "name", Value: "é", Prefix: true}, subsOf(x, y)},
	} {
		uf, want := c.uf, c.want
		if got := f.search(p.ID, uf, 1); !slices.Equal(got, want) {
			t.Errorf("search %q… (%d bytes, prefix %v): %v, want %v", uf.Value[:4], len(uf.Value), uf.Prefix, got, want)
		}
	}
}

// testSearchTokens: a token resumes only the search that issued it.
func testSearchTokens(t *testing.T, f *fixture) {
	p := f.pool()
	for _, n := range []string{"a", "b", "c"} {
		f.searchUser(p.ID, n, map[string]string{"email": n + "@example.com"})
	}
	uf := storage.UserFilter{Key: "email", Value: "", Prefix: true}
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
		return f.Users().Search(ctx, p.ID, uf, pg)
	}, func(u storage.User) string { return u.Sub })
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	for _, other := range []storage.UserFilter{
		{Key: "email", Value: "a", Prefix: true}, {Key: "email", Value: ""}, {Key: storage.SearchEnabled, Value: "true"},
	} {
		_, _, err := f.Users().Search(f.ctx, p.ID, other, storage.Page{Token: next})
		wantErr(t, err, storage.ErrBadPageToken)
	}
	_, _, err = f.Users().List(f.ctx, p.ID, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)
	_, _, err = f.Users().Search(f.ctx, f.pool().ID, uf, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)
}
