package conformance

import (
	"fmt"
	"sort"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("UsersBulk",
		test{"CreateMany", testUsersCreateMany},
		test{"CreateManyAllOrNone", testUsersCreateManyAllOrNone},
		test{"Taken", testUsersTaken},
	)
}

// testUsersCreateMany: users created together read back as Create stores
// them, by sub, by lookup and by search; more than one statement's worth.
func testUsersCreateMany(t *testing.T, f *fixture) {
	p := f.pool()
	var us []storage.User
	for i := range 1203 {
		u := f.newUser(p.ID, fmt.Sprintf("bulk%05d", i))
		u.Lookups = append(u.Lookups, storage.Lookup{Kind: storage.LookupEmail, Key: u.Attributes["email"]})
		us = append(us, u)
	}
	us[7].MFA = []byte{1, 2, 3}
	must(t, f.Users().CreateMany(f.ctx, us))
	must(t, f.Users().CreateMany(f.ctx, nil))
	for _, i := range []int{0, 7, 500, 1202} {
		want := wantUser(us[i])
		want.Version = 1
		got, err := f.Users().GetBySub(f.ctx, p.ID, us[i].Sub)
		must(t, err)
		same(t, "user by sub", got, want)
		got, err = f.Users().GetByLookup(f.ctx, p.ID, storage.LookupEmail, us[i].Attributes["email"])
		must(t, err)
		same(t, "user by email", got.Sub, us[i].Sub)
	}
	n, err := f.Users().Count(f.ctx, p.ID)
	must(t, err)
	if n != len(us) {
		t.Fatalf("Count = %d, want %d", n, len(us))
	}
	found, _, err := f.Users().Search(f.ctx, p.ID, storage.UserFilter{Key: "email", Value: "bulk01202@example.com"}, storage.Page{})
	must(t, err)
	if len(found) != 1 || found[0].Sub != us[1202].Sub {
		t.Fatalf("search by email found %d users", len(found))
	}
}

// testUsersCreateManyAllOrNone: a taken lookup, or one listed twice,
// refuses the whole list and stores nothing.
func testUsersCreateManyAllOrNone(t *testing.T, f *fixture) {
	p := f.pool()
	f.user(p.ID, "taken")
	for name, clash := range map[string]string{"taken": "taken", "twice": "fresh00001"} {
		var us []storage.User
		for i := range 3 {
			us = append(us, f.newUser(p.ID, fmt.Sprintf("fresh%05d", i)))
		}
		us = append(us, f.newUser(p.ID, clash))
		wantErr(t, f.Users().CreateMany(f.ctx, us), storage.ErrConflict)
		for _, u := range us[:3] {
			_, err := f.Users().GetBySub(f.ctx, p.ID, u.Sub)
			if err == nil {
				t.Fatalf("%s: a refused CreateMany stored %s", name, u.Username)
			}
		}
	}
	wantErr(t, f.Users().CreateMany(f.ctx, []storage.User{f.newUser("us-east-1_missing", "x")}), storage.ErrNotFound)
}

func testUsersTaken(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	f.user(p.ID, "ann")
	f.user(p.ID, "bob")
	f.user(other.ID, "cid")
	var ask []storage.Lookup
	for _, name := range []string{"ann", "bob", "cid", "dan", "ANN"} {
		ask = append(ask, storage.Lookup{Kind: storage.LookupUsername, Key: name})
	}
	ask = append(ask, storage.Lookup{Kind: storage.LookupEmail, Key: "ann"})
	for i := range 600 { // more than one statement's worth
		ask = append(ask, storage.Lookup{Kind: storage.LookupUsername, Key: fmt.Sprintf("none%04d", i)})
	}
	got, err := f.Users().Taken(f.ctx, p.ID, ask)
	must(t, err)
	var keys []string
	for _, l := range got {
		keys = append(keys, l.Kind+":"+l.Key)
	}
	sort.Strings(keys)
	same(t, "taken lookups", keys, []string{"username:ann", "username:bob"})
}
