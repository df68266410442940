package sqlstore_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func groupNames(gs []storage.Group) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func subs(us []storage.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Sub)
	}
	return out
}

func TestGroups(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st storage.Store) {
		mkPool(t, st, "p1")
		mkPool(t, st, "p2")
		admins := storage.Group{PoolID: "p1", Name: "admins", Description: "the admins",
			RoleARN: "arn:aws:iam::000000000000:role/admin", Precedence: 0, CreatedAt: epoch, UpdatedAt: epoch}
		if err := st.Groups().Create(ctx, admins); err != nil {
			t.Fatal(err)
		}
		if err := st.Groups().Create(ctx, admins); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("duplicate create: %v", err)
		}
		if err := st.Groups().Create(ctx, storage.Group{PoolID: "nope", Name: "x"}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("create in a missing pool: %v", err)
		}
		// The same name in another pool, and names differing in case, are
		// other groups.
		for _, g := range []storage.Group{{PoolID: "p2", Name: "admins"}, {PoolID: "p1", Name: "Admins"},
			{PoolID: "p1", Name: "readers", Precedence: storage.NoPrecedence}} {
			if err := st.Groups().Create(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Groups().Get(ctx, "p1", "admins")
		if err != nil || !reflect.DeepEqual(got, admins) {
			t.Fatalf("get: %+v, %v; want %+v", got, err, admins)
		}
		if g, _ := st.Groups().Get(ctx, "p1", "readers"); g.Precedence != storage.NoPrecedence {
			t.Fatalf("precedence of a group without one: %d", g.Precedence)
		}
		if _, err := st.Groups().Get(ctx, "p1", "ADMINS"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("get by another case: %v", err)
		}

		upd := admins
		upd.Description, upd.RoleARN, upd.Precedence, upd.UpdatedAt = "", "", 7, epoch.Add(time.Hour)
		if err := st.Groups().Update(ctx, upd); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Groups().Get(ctx, "p1", "admins"); !reflect.DeepEqual(got, upd) {
			t.Fatalf("after update %+v, want %+v", got, upd)
		}
		if err := st.Groups().Update(ctx, storage.Group{PoolID: "p1", Name: "ghost"}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}

		// Paging in name order (bytewise: "Admins" < "admins").
		var names []string
		tok := ""
		for i := 0; ; i++ {
			gs, next, err := st.Groups().List(ctx, "p1", storage.Page{Token: tok, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, groupNames(gs)...)
			if next == "" {
				break
			}
			tok = next
		}
		if want := []string{"Admins", "admins", "readers"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("list %v, want %v", names, want)
		}
		if _, _, err := st.Groups().List(ctx, "p1", storage.Page{Token: "garbage!"}); !errors.Is(err, storage.ErrBadPageToken) {
			t.Fatalf("bad token: %v", err)
		}

		if err := st.Groups().Delete(ctx, "p1", "Admins"); err != nil {
			t.Fatal(err)
		}
		if err := st.Groups().Delete(ctx, "p1", "Admins"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

func TestGroupMembers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st storage.Store) {
		mkPool(t, st, "p1")
		for _, name := range []string{"a", "b", "c"} {
			if err := st.Groups().Create(ctx, storage.Group{PoolID: "p1", Name: name, Precedence: storage.NoPrecedence}); err != nil {
				t.Fatal(err)
			}
		}
		for _, sub := range []string{"s1", "s2", "s3"} {
			mkUser(t, st, "p1", sub, "user-"+sub, nil)
		}
		add := func(group, sub string) {
			t.Helper()
			if err := st.Groups().AddMember(ctx, "p1", group, sub); err != nil {
				t.Fatal(err)
			}
		}
		add("a", "s1")
		add("a", "s1") // again: a no-op
		add("a", "s2")
		add("a", "s3")
		add("b", "s1")
		add("c", "s1")
		if err := st.Groups().AddMember(ctx, "p1", "ghost", "s1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("add to a missing group: %v", err)
		}
		if err := st.Groups().AddMember(ctx, "p1", "a", "ghost"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("add a missing user: %v", err)
		}

		gs, err := st.Groups().OfUser(ctx, "p1", "s1")
		if err != nil || !reflect.DeepEqual(groupNames(gs), []string{"a", "b", "c"}) {
			t.Fatalf("groups of s1: %v, %v", groupNames(gs), err)
		}
		var members []string
		tok := ""
		for {
			us, next, err := st.Groups().Members(ctx, "p1", "a", storage.Page{Token: tok, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, subs(us)...)
			if next == "" {
				break
			}
			tok = next
		}
		if !reflect.DeepEqual(members, []string{"s1", "s2", "s3"}) {
			t.Fatalf("members of a: %v", members)
		}
		if us, _, _ := st.Groups().Members(ctx, "p1", "a", storage.Page{}); us[0].Username != "user-s1" {
			t.Fatalf("members are whole users: %+v", us[0])
		}

		if err := st.Groups().RemoveMember(ctx, "p1", "b", "s1"); err != nil {
			t.Fatal(err)
		}
		if err := st.Groups().RemoveMember(ctx, "p1", "b", "s1"); err != nil {
			t.Fatalf("remove twice: %v", err)
		}
		// Deleting a group or a user removes their memberships.
		if err := st.Groups().Delete(ctx, "p1", "c"); err != nil {
			t.Fatal(err)
		}
		if gs, _ := st.Groups().OfUser(ctx, "p1", "s1"); !reflect.DeepEqual(groupNames(gs), []string{"a"}) {
			t.Fatalf("groups of s1 after removals: %v", groupNames(gs))
		}
		if err := st.Users().Delete(ctx, "p1", "s2"); err != nil {
			t.Fatal(err)
		}
		us, _, _ := st.Groups().Members(ctx, "p1", "a", storage.Page{})
		if !reflect.DeepEqual(subs(us), []string{"s1", "s3"}) {
			t.Fatalf("members after a user is deleted: %v", subs(us))
		}
		// A group re-created under the name of a deleted one starts empty.
		if err := st.Groups().Create(ctx, storage.Group{PoolID: "p1", Name: "c", Precedence: 1}); err != nil {
			t.Fatal(err)
		}
		if us, _, _ := st.Groups().Members(ctx, "p1", "c", storage.Page{}); len(us) != 0 {
			t.Fatalf("re-created group has members %v", subs(us))
		}
		// Deleting the pool removes its groups.
		if err := st.Pools().Delete(ctx, "p1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Groups().Get(ctx, "p1", "a"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("group outlived its pool: %v", err)
		}
	})
}

func TestGroupsInTx(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st storage.Store) {
		mkPool(t, st, "p1")
		mkUser(t, st, "p1", "s1", "u1", nil)
		boom := errors.New("boom")
		err := st.InTx(ctx, func(tx storage.Stores) error {
			if err := tx.Groups().Create(ctx, storage.Group{PoolID: "p1", Name: "g"}); err != nil {
				return err
			}
			if err := tx.Groups().AddMember(ctx, "p1", "g", "s1"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := st.Groups().Get(ctx, "p1", "g"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("rolled-back group exists: %v", err)
		}
	})
}

func TestAuthEvents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st storage.Store) {
		mkPool(t, st, "p1")
		mkUser(t, st, "p1", "s1", "u1", nil)
		mkUser(t, st, "p1", "s2", "u2", nil)
		var want []string
		for i := 0; i < 5; i++ {
			e := storage.AuthEvent{PoolID: "p1", Sub: "s1", ID: string(rune('a' + i)), Type: "SignIn",
				Response: "Pass", IPAddress: "192.0.2.1", Details: []byte(`{"x":1}`),
				CreatedAt: epoch.Add(time.Duration(i/2) * time.Minute)} // pairs share a time
			if err := st.AuthEvents().Add(ctx, e); err != nil {
				t.Fatal(err)
			}
			want = append([]string{e.ID}, want...)
		}
		if err := st.AuthEvents().Add(ctx, storage.AuthEvent{PoolID: "p1", Sub: "ghost", ID: "z", CreatedAt: epoch}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("event of a missing user: %v", err)
		}
		var got []string
		tok := ""
		for {
			es, next, err := st.AuthEvents().List(ctx, "p1", "s1", storage.Page{Token: tok, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				got = append(got, e.ID)
			}
			if next == "" {
				break
			}
			tok = next
		}
		// Newest first; events of the same instant by id, descending.
		if want := []string{"e", "d", "c", "b", "a"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("events %v, want %v", got, want)
		}
		es, _, _ := st.AuthEvents().List(ctx, "p1", "s1", storage.Page{Limit: 1})
		if e := es[0]; e.Type != "SignIn" || e.Response != "Pass" || e.IPAddress != "192.0.2.1" ||
			string(e.Details) != `{"x":1}` || !e.CreatedAt.Equal(epoch.Add(2*time.Minute)) {
			t.Fatalf("event read back as %+v", e)
		}
		if es, _, _ := st.AuthEvents().List(ctx, "p1", "s2", storage.Page{}); len(es) != 0 {
			t.Fatalf("another user's events: %v", es)
		}
		n, err := st.AuthEvents().DeleteBefore(ctx, epoch.Add(time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("delete before: %d, %v", n, err)
		}
		if err := st.Users().Delete(ctx, "p1", "s1"); err != nil {
			t.Fatal(err)
		}
		if es, _, _ := st.AuthEvents().List(ctx, "p1", "s1", storage.Page{}); len(es) != 0 {
			t.Fatalf("events outlived their user: %v", es)
		}
	})
}
