package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Groups",
		test{"CreateGet", testGroupCreateGet},
		test{"CreateTaken", testGroupCreateTaken},
		test{"CreateWithoutPool", testGroupCreateWithoutPool},
		test{"Update", testGroupUpdate},
		test{"Delete", testGroupDelete},
		test{"List", testGroupList},
		test{"Members", testGroupMembers},
		test{"MembersMissing", testGroupMembersMissing},
		test{"Cascades", testGroupCascades},
		test{"RolledBack", testGroupRolledBack},
		test{"Canceled", testGroupCanceled},
	)
}

// wantGroup is g as the store reads it back.
func wantGroup(g storage.Group) storage.Group {
	g.CreatedAt, g.UpdatedAt = stored(g.CreatedAt), stored(g.UpdatedAt)
	return g
}

// group creates a group in the pool.
func (f *fixture) group(poolID, name string, precedence int) storage.Group {
	f.t.Helper()
	g := storage.Group{PoolID: poolID, Name: name, Description: "the " + name, RoleARN: "arn:aws:iam::000000000000:role/" + name,
		Precedence: precedence, CreatedAt: at(0), UpdatedAt: at(time.Second)}
	must(f.t, f.Groups().Create(f.ctx, g))
	return g
}

func (f *fixture) getGroup(poolID, name string) storage.Group {
	f.t.Helper()
	g, err := f.Groups().Get(f.ctx, poolID, name)
	must(f.t, err)
	return g
}

func groupNames(gs []storage.Group) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func testGroupCreateGet(t *testing.T, f *fixture) {
	p := f.pool()
	g := f.group(p.ID, "admins", 0)
	same(t, "group", f.getGroup(p.ID, "admins"), wantGroup(g))
	bare := storage.Group{PoolID: p.ID, Name: "Bøb ✓/x", Precedence: storage.NoPrecedence, CreatedAt: at(0)}
	must(t, f.Groups().Create(f.ctx, bare))
	same(t, "group without description, role or precedence", f.getGroup(p.ID, bare.Name), wantGroup(bare))
	_, err := f.Groups().Get(f.ctx, p.ID, "ADMINS")
	wantErr(t, err, storage.ErrNotFound) // names are case-sensitive
	_, err = f.Groups().Get(f.ctx, f.pool().ID, "admins")
	wantErr(t, err, storage.ErrNotFound) // and per pool
}

func testGroupCreateTaken(t *testing.T, f *fixture) {
	p := f.pool()
	g := f.group(p.ID, "admins", 1)
	g.Description = "other"
	wantErr(t, f.Groups().Create(f.ctx, g), storage.ErrConflict)
	same(t, "group", f.getGroup(p.ID, "admins").Description, "the admins")
}

func testGroupCreateWithoutPool(t *testing.T, f *fixture) {
	wantErr(t, f.Groups().Create(f.ctx, storage.Group{PoolID: f.poolID(), Name: "x"}), storage.ErrNotFound)
}

func testGroupUpdate(t *testing.T, f *fixture) {
	p := f.pool()
	g := f.group(p.ID, "admins", 1)
	g.Description, g.RoleARN, g.Precedence, g.UpdatedAt = "", "", storage.NoPrecedence, at(time.Hour)
	must(t, f.Groups().Update(f.ctx, g))
	same(t, "updated group", f.getGroup(p.ID, "admins"), wantGroup(g))
	g.CreatedAt = at(time.Hour) // Update keeps CreatedAt
	g.Precedence = 7
	must(t, f.Groups().Update(f.ctx, g))
	got := f.getGroup(p.ID, "admins")
	same(t, "created at", got.CreatedAt, stored(at(0)))
	same(t, "precedence", got.Precedence, 7)
	wantErr(t, f.Groups().Update(f.ctx, storage.Group{PoolID: p.ID, Name: "ghosts"}), storage.ErrNotFound)
}

func testGroupDelete(t *testing.T, f *fixture) {
	p := f.pool()
	f.group(p.ID, "admins", 1)
	must(t, f.Groups().Delete(f.ctx, p.ID, "admins"))
	_, err := f.Groups().Get(f.ctx, p.ID, "admins")
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.Groups().Delete(f.ctx, p.ID, "admins"), storage.ErrNotFound)
}

func testGroupList(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	for _, name := range []string{"b", "a", "B", "c", "é"} {
		f.group(p.ID, name, 1)
	}
	f.group(other.ID, "a", 1)
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Group, string, error) {
		return f.Groups().List(ctx, p.ID, pg)
	}, func(g storage.Group) string { return g.Name })
	checkPaging(t, f.ctx, list, []string{"B", "a", "b", "c", "é"}) // bytewise order
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	gs, _, err := f.Groups().List(f.ctx, f.pool().ID, storage.Page{})
	must(t, err)
	same(t, "groups of an empty pool", len(gs), 0)
}

func testGroupMembers(t *testing.T, f *fixture) {
	p := f.pool()
	a, b := f.group(p.ID, "a", 2), f.group(p.ID, "b", 1)
	f.group(p.ID, "c", 3)
	alice, bob, carol := f.user(p.ID, "alice"), f.user(p.ID, "bob"), f.user(p.ID, "carol")
	for _, m := range [][2]string{{"a", alice.Sub}, {"a", bob.Sub}, {"a", carol.Sub}, {"b", alice.Sub}, {"a", alice.Sub}} {
		must(t, f.Groups().AddMember(f.ctx, p.ID, m[0], m[1])) // the repeat is a no-op
	}
	gs, err := f.Groups().OfUser(f.ctx, p.ID, alice.Sub)
	must(t, err)
	same(t, "groups of alice", gs, []storage.Group{wantGroup(a), wantGroup(b)})
	gs, err = f.Groups().OfUser(f.ctx, p.ID, f.sub())
	must(t, err)
	same(t, "groups of nobody", len(gs), 0)

	subs := []string{alice.Sub, bob.Sub, carol.Sub}
	members := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
		return f.Groups().Members(ctx, p.ID, "a", pg)
	}, func(u storage.User) string { return u.Sub })
	checkPaging(t, f.ctx, members, subs)
	_, next, err := members(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, members, next)
	us, _, err := f.Groups().Members(f.ctx, p.ID, "b", storage.Page{})
	must(t, err)
	same(t, "members of b", us, []storage.User{wantUser(alice)})

	must(t, f.Groups().RemoveMember(f.ctx, p.ID, "a", bob.Sub))
	must(t, f.Groups().RemoveMember(f.ctx, p.ID, "a", bob.Sub)) // not a member: a no-op
	must(t, f.Groups().RemoveMember(f.ctx, p.ID, "ghosts", bob.Sub))
	checkPaging(t, f.ctx, members, []string{alice.Sub, carol.Sub})
}

func testGroupMembersMissing(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	f.group(p.ID, "a", 1)
	wantErr(t, f.Groups().AddMember(f.ctx, p.ID, "ghosts", u.Sub), storage.ErrNotFound)
	wantErr(t, f.Groups().AddMember(f.ctx, p.ID, "a", f.sub()), storage.ErrNotFound)
	wantErr(t, f.Groups().AddMember(f.ctx, f.pool().ID, "a", u.Sub), storage.ErrNotFound)
	us, next, err := f.Groups().Members(f.ctx, p.ID, "ghosts", storage.Page{})
	must(t, err)
	same(t, "members of a missing group", len(us), 0)
	same(t, "next token", next, "")
}

// testGroupCascades: deleting a user or a group removes their
// memberships; a group or user made again under the old name starts with
// none; deleting the pool removes its groups.
func testGroupCascades(t *testing.T, f *fixture) {
	p := f.pool()
	f.group(p.ID, "a", 1)
	f.group(p.ID, "b", 1)
	alice, bob := f.user(p.ID, "alice"), f.user(p.ID, "bob")
	for _, m := range [][2]string{{"a", alice.Sub}, {"b", alice.Sub}, {"a", bob.Sub}} {
		must(t, f.Groups().AddMember(f.ctx, p.ID, m[0], m[1]))
	}
	must(t, f.Users().Delete(f.ctx, p.ID, bob.Sub))
	us, _, err := f.Groups().Members(f.ctx, p.ID, "a", storage.Page{})
	must(t, err)
	same(t, "members after a user is deleted", len(us), 1)
	must(t, f.Groups().Delete(f.ctx, p.ID, "b"))
	gs, err := f.Groups().OfUser(f.ctx, p.ID, alice.Sub)
	must(t, err)
	same(t, "groups after a group is deleted", groupNames(gs), []string{"a"})
	f.group(p.ID, "b", 1)
	us, _, err = f.Groups().Members(f.ctx, p.ID, "b", storage.Page{})
	must(t, err)
	same(t, "members of a group made again", len(us), 0)

	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err = f.Groups().Get(f.ctx, p.ID, "a")
	wantErr(t, err, storage.ErrNotFound)
	gs, err = f.Groups().OfUser(f.ctx, p.ID, alice.Sub)
	must(t, err)
	same(t, "groups of a deleted pool's user", len(gs), 0)
}

func testGroupRolledBack(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	boom := errors.New("boom")
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		if err := tx.Groups().Create(f.ctx, storage.Group{PoolID: p.ID, Name: "g"}); err != nil {
			return err
		}
		if err := tx.Groups().AddMember(f.ctx, p.ID, "g", u.Sub); err != nil {
			return err
		}
		gs, err := tx.Groups().OfUser(f.ctx, p.ID, u.Sub)
		if err != nil || len(gs) != 1 {
			t.Errorf("inside the transaction: %v, %v", gs, err)
		}
		return boom
	})
	wantErr(t, err, boom)
	_, err = f.Groups().Get(f.ctx, p.ID, "g")
	wantErr(t, err, storage.ErrNotFound)
}

// testGroupCanceled: the Groups and AuthEvents methods called with a
// cancelled context fail with context.Canceled and write nothing.
func testGroupCanceled(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	f.group(p.ID, "a", 1)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	for name, call := range map[string]func() error{
		"Groups.Create":    func() error { return f.Groups().Create(ctx, storage.Group{PoolID: p.ID, Name: "b"}) },
		"Groups.Get":       func() error { _, err := f.Groups().Get(ctx, p.ID, "a"); return err },
		"Groups.List":      func() error { _, _, err := f.Groups().List(ctx, p.ID, storage.Page{}); return err },
		"Groups.AddMember": func() error { return f.Groups().AddMember(ctx, p.ID, "a", u.Sub) },
		"Groups.Members":   func() error { _, _, err := f.Groups().Members(ctx, p.ID, "a", storage.Page{}); return err },
		"Groups.OfUser":    func() error { _, err := f.Groups().OfUser(ctx, p.ID, u.Sub); return err },
		"Users.Search": func() error {
			_, _, err := f.Users().Search(ctx, p.ID, storage.UserFilter{Key: "email", Value: "a"}, storage.Page{})
			return err
		},
		"AuthEvents.Add":      func() error { return f.AuthEvents().Add(ctx, storage.AuthEvent{PoolID: p.ID, Sub: u.Sub, ID: "e"}) },
		"AuthEvents.List":     func() error { _, _, err := f.AuthEvents().List(ctx, p.ID, u.Sub, storage.Page{}); return err },
		"AuthEvents.DeleteBy": func() error { _, err := f.AuthEvents().DeleteBefore(ctx, at(0)); return err },
	} {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want an error wrapping context.Canceled", name, err)
		}
	}
	gs, err := f.Groups().OfUser(f.ctx, p.ID, u.Sub)
	must(t, err)
	same(t, "memberships after cancelled calls", len(gs), 0)
	es, _, err := f.AuthEvents().List(f.ctx, p.ID, u.Sub, storage.Page{})
	must(t, err)
	same(t, "events after cancelled calls", len(es), 0)
}
