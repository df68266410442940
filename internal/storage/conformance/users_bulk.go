package conformance

import (
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("UsersBulk",
		test{"CreateMany", testUsersCreateMany},
		test{"CreateManyAllOrNone", testUsersCreateManyAllOrNone},
		test{"CreateManyLargeAllOrNone", testUsersCreateManyLargeAllOrNone},
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

// testUsersCreateManyLargeAllOrNone: a batch large enough for a backend's
// bulk load (COPY) with one bad user in the middle is refused whole, with
// the error a single Create would give, stores nothing, keeps the user
// count, and leaves a transaction it ran in usable.
func testUsersCreateManyLargeAllOrNone(t *testing.T, f *fixture) {
	const n, mid = 300, 150
	p := f.pool()
	f.user(p.ID, "taken")
	batch := func(poolID string) []storage.User {
		var us []storage.User
		for i := range n {
			us = append(us, f.newUser(poolID, fmt.Sprintf("large%05d", i)))
		}
		return us
	}
	refused := func(name string, us []storage.User) {
		t.Helper()
		for _, u := range []storage.User{us[0], us[mid-1], us[mid+1], us[n-1]} {
			if _, err := f.Users().GetBySub(f.ctx, p.ID, u.Sub); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("%s: after a refused CreateMany, GetBySub(%s) = %v, want ErrNotFound", name, u.Username, err)
			}
			if _, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, u.Lookups[0].Key); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("%s: after a refused CreateMany, GetByLookup(%s) = %v, want ErrNotFound", name, u.Username, err)
			}
		}
		found, _, err := f.Users().Search(f.ctx, p.ID, storage.UserFilter{Key: "email", Value: us[0].Attributes["email"]}, storage.Page{})
		must(t, err)
		if len(found) != 0 {
			t.Fatalf("%s: a refused CreateMany left %d search rows", name, len(found))
		}
		if c, err := f.Users().Count(f.ctx, p.ID); err != nil || c != 1 {
			t.Fatalf("%s: Count = %d, %v; want 1", name, c, err)
		}
	}
	for name, tc := range map[string]struct {
		spoil func(us []storage.User)
		want  error
	}{
		"taken username": {func(us []storage.User) { us[mid] = f.newUser(p.ID, "taken") }, storage.ErrConflict},
		"username twice": {func(us []storage.User) { us[mid] = f.newUser(p.ID, us[10].Username) }, storage.ErrConflict},
		"sub twice":      {func(us []storage.User) { us[mid].Sub = us[10].Sub }, storage.ErrConflict},
		"invalid text":   {func(us []storage.User) { us[mid].Username = "bad\x00name" }, storage.ErrInvalidText},
	} {
		us := batch(p.ID)
		tc.spoil(us)
		wantErr(t, f.Users().CreateMany(f.ctx, us), tc.want)
		refused(name, us)
	}
	missing := batch("us-east-1_missing")
	wantErr(t, f.Users().CreateMany(f.ctx, missing), storage.ErrNotFound)

	// In a transaction: the refused batch leaves the writes before and
	// after it to commit.
	us := batch(p.ID)
	us[mid].Sub = us[0].Sub
	before, after := f.newUser(p.ID, "before"), f.newUser(p.ID, "after")
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		if err := tx.Users().Create(f.ctx, before); err != nil {
			return err
		}
		wantErr(t, tx.Users().CreateMany(f.ctx, us), storage.ErrConflict)
		return tx.Users().Create(f.ctx, after)
	}))
	for _, u := range []storage.User{before, after} {
		_, err := f.Users().GetBySub(f.ctx, p.ID, u.Sub)
		must(t, err)
	}
	if _, err := f.Users().GetBySub(f.ctx, p.ID, us[mid+1].Sub); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a CreateMany refused in a transaction stored a user: %v", err)
	}

	// The same batch, unspoiled, goes in whole.
	good := batch(p.ID)
	must(t, f.Users().CreateMany(f.ctx, good))
	if c, err := f.Users().Count(f.ctx, p.ID); err != nil || c != n+3 {
		t.Fatalf("Count = %d, %v; want %d", c, err, n+3)
	}
	got, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, good[mid].Lookups[0].Key)
	must(t, err)
	same(t, "user by username", got.Sub, good[mid].Sub)
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
	ask = append(ask, storage.Lookup{Kind: storage.LookupEmail, Key: "ann"},
		storage.Lookup{Kind: storage.LookupUsername, Key: "ann\x00"}) // text no database holds
	for i := range 600 { // more than one statement's worth
		ask = append(ask, storage.Lookup{Kind: storage.LookupUsername, Key: fmt.Sprintf("none%04d", i)})
	}
	check := func(how string, got []storage.Lookup, err error) {
		t.Helper()
		must(t, err)
		var keys []string
		for _, l := range got {
			keys = append(keys, l.Kind+":"+l.Key)
		}
		sort.Strings(keys)
		same(t, "taken lookups "+how, keys, []string{"username:ann", "username:bob"})
	}
	got, err := f.Users().Taken(f.ctx, p.ID, ask)
	check("outside a transaction", got, err)
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		got, err := tx.Users().Taken(f.ctx, p.ID, ask)
		check("in a transaction", got, err)
		return nil
	}))
}
