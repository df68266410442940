package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Identities",
		test{"PoolCreateGet", testIdentityPoolCreateGet},
		test{"PoolCreateTaken", testIdentityPoolCreateTaken},
		test{"PoolUpdate", testIdentityPoolUpdate},
		test{"PoolDelete", testIdentityPoolDelete},
		test{"ListPools", testIdentityListPools},
		test{"CreateGet", testIdentityCreateGet},
		test{"CreateTaken", testIdentityCreateTaken},
		test{"Update", testIdentityUpdate},
		test{"Touch", testIdentityTouch},
		test{"Delete", testIdentityDelete},
		test{"List", testIdentityList},
		test{"AddLogin", testIdentityAddLogin},
		test{"AddLoginTaken", testIdentityAddLoginTaken},
		test{"AddLoginWithoutIdentity", testIdentityAddLoginWithoutIdentity},
		test{"RemoveLogin", testIdentityRemoveLogin},
		test{"LoginsOfUser", testIdentityLoginsOfUser},
	)
}

// wantIdentityPool is p as the store reads it back.
func wantIdentityPool(p storage.IdentityPool) storage.IdentityPool {
	p.CreatedAt, p.UpdatedAt = stored(p.CreatedAt), stored(p.UpdatedAt)
	if len(p.Config) == 0 {
		p.Config = nil
	}
	return p
}

// wantIdentity is id as the store reads it back.
func wantIdentity(id storage.Identity) storage.Identity {
	id.LinkedAt, id.CreatedAt, id.UpdatedAt = stored(id.LinkedAt), stored(id.CreatedAt), stored(id.UpdatedAt)
	return id
}

// wantLogin is l as the store reads it back.
func wantLogin(l storage.IdentityLogin) storage.IdentityLogin {
	l.CreatedAt = stored(l.CreatedAt)
	return l
}

func wantLogins(ls ...storage.IdentityLogin) []storage.IdentityLogin {
	out := make([]storage.IdentityLogin, len(ls))
	for i, l := range ls {
		out[i] = wantLogin(l)
	}
	return out
}

func testIdentityPoolCreateGet(t *testing.T, f *fixture) {
	p := f.identityPool()
	got, err := f.Identities().GetPool(f.ctx, p.ID)
	must(t, err)
	same(t, "identity pool", got, wantIdentityPool(p))

	empty := storage.IdentityPool{ID: f.identityID(), Region: "eu-west-1", Config: []byte{}, CreatedAt: at(0)}
	must(t, f.Identities().CreatePool(f.ctx, empty))
	got, err = f.Identities().GetPool(f.ctx, empty.ID)
	must(t, err)
	same(t, "identity pool", got, wantIdentityPool(empty))

	_, err = f.Identities().GetPool(f.ctx, f.identityID())
	wantErr(t, err, storage.ErrNotFound)
}

func testIdentityPoolCreateTaken(t *testing.T, f *fixture) {
	p := f.identityPool()
	again := p
	again.Name = "again"
	wantErr(t, f.Identities().CreatePool(f.ctx, again), storage.ErrConflict)
	got, err := f.Identities().GetPool(f.ctx, p.ID)
	must(t, err)
	same(t, "identity pool", got, wantIdentityPool(p))
}

// testIdentityPoolUpdate: UpdatePool replaces Name, Config and UpdatedAt.
func testIdentityPoolUpdate(t *testing.T, f *fixture) {
	p := f.identityPool()
	upd := p
	upd.Region, upd.CreatedAt = "eu-west-1", at(time.Hour) // not updatable
	upd.Name, upd.Config, upd.UpdatedAt = "renamed", []byte(`{"unauth":true}`), at(2*time.Hour)
	must(t, f.Identities().UpdatePool(f.ctx, upd))
	got, err := f.Identities().GetPool(f.ctx, p.ID)
	must(t, err)
	want := p
	want.Name, want.Config, want.UpdatedAt = upd.Name, upd.Config, upd.UpdatedAt
	same(t, "updated identity pool", got, wantIdentityPool(want))
	missing := storage.IdentityPool{ID: f.identityID(), Name: "x"}
	wantErr(t, f.Identities().UpdatePool(f.ctx, missing), storage.ErrNotFound)
}

// testIdentityPoolDelete: DeletePool removes the pool with its identities
// and their logins, and nothing of another pool.
func testIdentityPoolDelete(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	gone, kept := f.identityPool(), f.identityPool()
	goneID, keptID := f.identity(gone.ID), f.identity(kept.ID)
	goneLogin, keptLogin := f.userLogin(goneID, u), f.userLogin(keptID, u)
	goneDev := f.devLogin(goneID, "dev-1")

	must(t, f.Identities().DeletePool(f.ctx, gone.ID))
	_, err := f.Identities().GetPool(f.ctx, gone.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Identities().Get(f.ctx, goneID.ID)
	wantErr(t, err, storage.ErrNotFound)
	for _, l := range []storage.IdentityLogin{goneLogin, goneDev} {
		_, err = f.Identities().FindLogin(f.ctx, gone.ID, l.Provider, l.Subject)
		wantErr(t, err, storage.ErrNotFound)
	}
	ls, err := f.Identities().LoginsOfUser(f.ctx, u.PoolID, u.Sub)
	must(t, err)
	same(t, "the user's logins", ls, wantLogins(keptLogin))
	if _, err := f.Identities().Get(f.ctx, keptID.ID); err != nil {
		t.Fatalf("identity of the other pool: %v", err)
	}
	if _, err := f.Users().GetBySub(f.ctx, u.PoolID, u.Sub); err != nil {
		t.Fatalf("the user: %v", err)
	}
	wantErr(t, f.Identities().DeletePool(f.ctx, gone.ID), storage.ErrNotFound)
	must(t, f.Identities().CreatePool(f.ctx, gone)) // the id is free again
}

func testIdentityListPools(t *testing.T, f *fixture) {
	list := keysOf(f.Identities().ListPools, func(p storage.IdentityPool) string { return p.ID })
	checkPaging(t, f.ctx, list, nil)
	ids := []string{"us-east-1:c", "eu-west-1:z", "us-east-1:a", "us-east-1:B"}
	for _, id := range ids {
		must(t, f.Identities().CreatePool(f.ctx, storage.IdentityPool{ID: id, CreatedAt: at(0)}))
	}
	checkPaging(t, f.ctx, list, []string{"eu-west-1:z", "us-east-1:B", "us-east-1:a", "us-east-1:c"})
	items, next, err := f.Identities().ListPools(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	got, err := f.Identities().GetPool(f.ctx, items[0].ID)
	must(t, err)
	same(t, "listed identity pool", items[0], got)
	checkBadTokens(t, f.ctx, list, next)
}

func testIdentityCreateGet(t *testing.T, f *fixture) {
	p := f.identityPool()
	id := storage.Identity{ID: f.identityID(), PoolID: p.ID, LinkedAt: at(time.Second), MergedInto: "us-east-1:other",
		CreatedAt: at(0), UpdatedAt: at(time.Minute)}
	must(t, f.Identities().Create(f.ctx, id))
	got, err := f.Identities().Get(f.ctx, id.ID)
	must(t, err)
	same(t, "identity", got, wantIdentity(id))
	_, err = f.Identities().Get(f.ctx, f.identityID())
	wantErr(t, err, storage.ErrNotFound)
	noPool := storage.Identity{ID: f.identityID(), PoolID: f.identityID(), CreatedAt: at(0)}
	wantErr(t, f.Identities().Create(f.ctx, noPool), storage.ErrNotFound)
}

// testIdentityCreateTaken: identity ids are unique across identity pools.
func testIdentityCreateTaken(t *testing.T, f *fixture) {
	id := f.identity(f.identityPool().ID)
	again := id
	again.PoolID = f.identityPool().ID
	wantErr(t, f.Identities().Create(f.ctx, again), storage.ErrConflict)
	got, err := f.Identities().Get(f.ctx, id.ID)
	must(t, err)
	same(t, "identity", got, wantIdentity(id))
}

// testIdentityUpdate: Update replaces LinkedAt, MergedInto and UpdatedAt,
// and nothing else.
func testIdentityUpdate(t *testing.T, f *fixture) {
	p := f.identityPool()
	id := f.identity(p.ID)
	upd := id
	upd.PoolID = f.identityPool().ID // not updatable
	upd.CreatedAt = at(time.Hour)    // not updatable
	upd.LinkedAt = at(time.Minute)
	upd.MergedInto = f.identity(p.ID).ID
	upd.UpdatedAt = at(2 * time.Hour)
	must(t, f.Identities().Update(f.ctx, upd))
	got, err := f.Identities().Get(f.ctx, id.ID)
	must(t, err)
	want := id
	want.LinkedAt, want.MergedInto, want.UpdatedAt = upd.LinkedAt, upd.MergedInto, upd.UpdatedAt
	same(t, "updated identity", got, wantIdentity(want))

	want.LinkedAt, want.MergedInto = time.Time{}, "" // and back
	must(t, f.Identities().Update(f.ctx, want))
	got, err = f.Identities().Get(f.ctx, id.ID)
	must(t, err)
	same(t, "updated identity", got, wantIdentity(want))
	wantErr(t, f.Identities().Update(f.ctx, storage.Identity{ID: f.identityID()}), storage.ErrNotFound)
}

func testIdentityTouch(t *testing.T, f *fixture) {
	id := f.identity(f.identityPool().ID)
	must(t, f.Identities().Touch(f.ctx, id.ID, at(time.Hour)))
	got, err := f.Identities().Get(f.ctx, id.ID)
	must(t, err)
	id.UpdatedAt = at(time.Hour)
	same(t, "touched identity", got, wantIdentity(id))
	wantErr(t, f.Identities().Touch(f.ctx, f.identityID(), at(0)), storage.ErrNotFound)
}

// testIdentityDelete: Delete removes the identity and its logins only.
func testIdentityDelete(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	p := f.identityPool()
	gone, kept := f.identity(p.ID), f.identity(p.ID)
	goneLogin := f.userLogin(gone, u)
	f.devLogin(gone, "dev-1")
	keptLogin := f.devLogin(kept, "dev-2")

	must(t, f.Identities().Delete(f.ctx, gone.ID))
	_, err := f.Identities().Get(f.ctx, gone.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Identities().FindLogin(f.ctx, p.ID, goneLogin.Provider, goneLogin.Subject)
	wantErr(t, err, storage.ErrNotFound)
	if ls, err := f.Identities().Logins(f.ctx, gone.ID); err != nil || len(ls) != 0 {
		t.Fatalf("Logins of a deleted identity = %v, %v; want none", ls, err)
	}
	if ls, err := f.Identities().LoginsOfUser(f.ctx, u.PoolID, u.Sub); err != nil || len(ls) != 0 {
		t.Fatalf("LoginsOfUser = %v, %v; want none", ls, err)
	}
	ls, err := f.Identities().Logins(f.ctx, kept.ID)
	must(t, err)
	same(t, "the other identity's logins", ls, wantLogins(keptLogin))
	wantErr(t, f.Identities().Delete(f.ctx, gone.ID), storage.ErrNotFound)
	f.devLogin(kept, "dev-1") // the deleted identity's login is free again
}

// testIdentityList: List gives one pool's identities ordered by id.
func testIdentityList(t *testing.T, f *fixture) {
	p := f.identityPool()
	f.identity(f.identityPool().ID)
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Identity, string, error) {
		return f.Identities().List(ctx, p.ID, pg)
	}, func(id storage.Identity) string { return id.ID })
	checkPaging(t, f.ctx, list, nil)
	for _, id := range []string{"us-east-1:m", "us-east-1:A", "us-east-1:z", "us-east-1:a"} {
		must(t, f.Identities().Create(f.ctx, storage.Identity{ID: id, PoolID: p.ID, CreatedAt: at(0)}))
	}
	checkPaging(t, f.ctx, list, []string{"us-east-1:A", "us-east-1:a", "us-east-1:m", "us-east-1:z"})
	items, next, err := f.Identities().List(f.ctx, p.ID, storage.Page{Limit: 2})
	must(t, err)
	got, err := f.Identities().Get(f.ctx, items[1].ID)
	must(t, err)
	same(t, "listed identity", items[1], got)
	checkBadTokens(t, f.ctx, list, next)
}

// testIdentityAddLogin: logins read back whole; Logins lists an identity's
// logins by provider, then subject.
func testIdentityAddLogin(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	p := f.identityPool()
	id, other := f.identity(p.ID), f.identity(p.ID)
	if ls, err := f.Identities().Logins(f.ctx, id.ID); err != nil || len(ls) != 0 {
		t.Fatalf("Logins of a new identity = %v, %v; want none", ls, err)
	}
	devB := f.devLogin(id, "b")
	user := f.userLogin(id, u)
	devA := f.devLogin(id, "a")
	f.devLogin(other, "c")
	got, err := f.Identities().FindLogin(f.ctx, p.ID, user.Provider, user.Subject)
	must(t, err)
	same(t, "user login", got, wantLogin(user))
	got, err = f.Identities().FindLogin(f.ctx, p.ID, devB.Provider, "b")
	must(t, err)
	same(t, "developer login", got, wantLogin(devB))
	ls, err := f.Identities().Logins(f.ctx, id.ID)
	must(t, err)
	same(t, "logins", ls, wantLogins(user, devA, devB)) // "cognito-idp..." < "login.example"

	_, err = f.Identities().FindLogin(f.ctx, p.ID, devB.Provider, "B")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Identities().FindLogin(f.ctx, f.identityPool().ID, devB.Provider, "b")
	wantErr(t, err, storage.ErrNotFound)
}

// testIdentityAddLoginTaken: a login belongs to one identity of an
// identity pool; another identity pool may link the same login.
func testIdentityAddLoginTaken(t *testing.T, f *fixture) {
	p := f.identityPool()
	id, other := f.identity(p.ID), f.identity(p.ID)
	l := f.devLogin(id, "sub-1")
	again := l
	wantErr(t, f.Identities().AddLogin(f.ctx, again), storage.ErrConflict)
	again.IdentityID = other.ID
	wantErr(t, f.Identities().AddLogin(f.ctx, again), storage.ErrConflict)
	got, err := f.Identities().FindLogin(f.ctx, p.ID, l.Provider, l.Subject)
	must(t, err)
	same(t, "login", got, wantLogin(l))

	elsewhere := f.identity(f.identityPool().ID)
	f.devLogin(elsewhere, "sub-1")
}

// testIdentityAddLoginWithoutIdentity: AddLogin needs the identity to
// exist in the login's identity pool.
func testIdentityAddLoginWithoutIdentity(t *testing.T, f *fixture) {
	p, q := f.identityPool(), f.identityPool()
	inQ := f.identity(q.ID)
	for _, l := range []storage.IdentityLogin{
		{IdentityID: f.identityID(), IdentityPoolID: p.ID, Provider: "login.example", Subject: "x"},
		{IdentityID: inQ.ID, IdentityPoolID: p.ID, Provider: "login.example", Subject: "x"},
	} {
		wantErr(t, f.Identities().AddLogin(f.ctx, l), storage.ErrNotFound)
	}
	_, err := f.Identities().FindLogin(f.ctx, p.ID, "login.example", "x")
	wantErr(t, err, storage.ErrNotFound)
}

func testIdentityRemoveLogin(t *testing.T, f *fixture) {
	p := f.identityPool()
	id := f.identity(p.ID)
	l, kept := f.devLogin(id, "a"), f.devLogin(id, "b")
	must(t, f.Identities().RemoveLogin(f.ctx, p.ID, l.Provider, l.Subject))
	_, err := f.Identities().FindLogin(f.ctx, p.ID, l.Provider, l.Subject)
	wantErr(t, err, storage.ErrNotFound)
	ls, err := f.Identities().Logins(f.ctx, id.ID)
	must(t, err)
	same(t, "logins", ls, wantLogins(kept))
	wantErr(t, f.Identities().RemoveLogin(f.ctx, p.ID, l.Provider, l.Subject), storage.ErrNotFound)
	if _, err := f.Identities().Get(f.ctx, id.ID); err != nil {
		t.Fatalf("the identity: %v", err)
	}
}

// testIdentityLoginsOfUser: LoginsOfUser finds a user's logins in every
// identity pool, ordered by identity pool, provider and subject; the empty
// user names no one.
func testIdentityLoginsOfUser(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	other := f.user(u.PoolID, "other")
	p2, p1 := f.identityPool(), f.identityPool() // p2.ID < p1.ID
	in2 := f.userLogin(f.identity(p2.ID), u)
	in1 := f.userLogin(f.identity(p1.ID), u)
	f.userLogin(f.identity(p1.ID), other)
	f.devLogin(f.identity(p1.ID), "dev")

	ls, err := f.Identities().LoginsOfUser(f.ctx, u.PoolID, u.Sub)
	must(t, err)
	same(t, "logins of the user", ls, wantLogins(in2, in1))
	for _, c := range [][2]string{{"", ""}, {u.PoolID, ""}, {"", u.Sub}, {f.pool().ID, u.Sub}} {
		ls, err := f.Identities().LoginsOfUser(f.ctx, c[0], c[1])
		if err != nil || len(ls) != 0 {
			t.Fatalf("LoginsOfUser(%q, %q) = %v, %v; want none", c[0], c[1], ls, err)
		}
	}
}
