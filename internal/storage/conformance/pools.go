package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Pools",
		test{"CreateGet", testPoolCreateGet},
		test{"EmptyConfig", testPoolEmptyConfig},
		test{"CreateTaken", testPoolCreateTaken},
		test{"GetMissing", testPoolGetMissing},
		test{"Update", testPoolUpdate},
		test{"UpdateMissing", testPoolUpdateMissing},
		test{"Delete", testPoolDelete},
		test{"DeleteCascades", testPoolDeleteCascades},
		test{"DeleteMany", testPoolDeleteMany},
		test{"List", testPoolList},
		test{"ListDefaultLimit", testPoolListDefaultLimit},
	)
}

// wantPool is p as the store reads it back.
func wantPool(p storage.Pool) storage.Pool {
	p.CreatedAt, p.UpdatedAt = stored(p.CreatedAt), stored(p.UpdatedAt)
	if len(p.Config) == 0 {
		p.Config = nil
	}
	return p
}

func testPoolCreateGet(t *testing.T, f *fixture) {
	p := f.pool()
	got, err := f.Pools().Get(f.ctx, p.ID)
	must(t, err)
	same(t, "pool", got, wantPool(p))
}

// testPoolEmptyConfig: an empty byte slice reads back as nil, like a nil one.
func testPoolEmptyConfig(t *testing.T, f *fixture) {
	for _, config := range [][]byte{nil, {}} {
		p := storage.Pool{ID: f.poolID(), Region: "eu-west-1", Config: config, CreatedAt: at(0)}
		must(t, f.Pools().Create(f.ctx, p))
		got, err := f.Pools().Get(f.ctx, p.ID)
		must(t, err)
		same(t, "pool", got, wantPool(p))
	}
}

func testPoolCreateTaken(t *testing.T, f *fixture) {
	p := f.pool()
	other := p
	other.Name = "another"
	wantErr(t, f.Pools().Create(f.ctx, other), storage.ErrConflict)
	got, err := f.Pools().Get(f.ctx, p.ID)
	must(t, err)
	same(t, "pool after the refused create", got, wantPool(p))
}

func testPoolGetMissing(t *testing.T, f *fixture) {
	_, err := f.Pools().Get(f.ctx, "us-east-1_missing00")
	wantErr(t, err, storage.ErrNotFound)
}

// testPoolUpdate: Update replaces Name, Config and UpdatedAt, and nothing
// else.
func testPoolUpdate(t *testing.T, f *fixture) {
	p := f.pool()
	upd := p
	upd.Region = "eu-west-1" // not updatable
	upd.Name = "renamed"
	upd.Config = []byte(`{"mfa":"ON"}`)
	upd.CreatedAt = at(time.Hour) // not updatable
	upd.UpdatedAt = at(2 * time.Hour)
	must(t, f.Pools().Update(f.ctx, upd))
	got, err := f.Pools().Get(f.ctx, p.ID)
	must(t, err)
	want := p
	want.Name, want.Config, want.UpdatedAt = upd.Name, upd.Config, upd.UpdatedAt
	same(t, "updated pool", got, wantPool(want))
	updatedAt, err := f.Pools().UpdatedAt(f.ctx, p.ID)
	must(t, err)
	if !updatedAt.Equal(got.UpdatedAt) {
		t.Errorf("UpdatedAt: %v, want Get's %v", updatedAt, got.UpdatedAt)
	}
}

func testPoolUpdateMissing(t *testing.T, f *fixture) {
	wantErr(t, f.Pools().Update(f.ctx, storage.Pool{ID: "us-east-1_missing00", Name: "x"}), storage.ErrNotFound)
	_, err := f.Pools().UpdatedAt(f.ctx, "us-east-1_missing00")
	wantErr(t, err, storage.ErrNotFound)
}

func testPoolDelete(t *testing.T, f *fixture) {
	p := f.pool()
	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err := f.Pools().Get(f.ctx, p.ID)
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.Pools().Delete(f.ctx, p.ID), storage.ErrNotFound)
	must(t, f.Pools().Create(f.ctx, p)) // the id is free again
}

// poolContents is one pool with one of everything in it, for cascade tests.
type poolContents struct {
	pool   storage.Pool
	client storage.Client
	user   storage.User
	code   storage.Code
	token  storage.RefreshToken
	key    storage.SigningKey
	login  storage.IdentityLogin // links user to an identity
}

func (f *fixture) fullPool(id storage.Identity) poolContents {
	f.t.Helper()
	var c poolContents
	c.pool = f.pool()
	c.client = f.client(c.pool.ID)
	c.user = f.user(c.pool.ID, "alice")
	c.code = f.code(c.user, "signup")
	c.token = f.token(c.client, c.user)
	c.key = f.key(c.pool.ID, "id", at(0))
	c.login = f.userLogin(id, c.user)
	return c
}

// present fails the test unless everything in c is still stored.
func (f *fixture) present(c poolContents) {
	f.t.Helper()
	ctx := f.ctx
	if _, err := f.Pools().Get(ctx, c.pool.ID); err != nil {
		f.t.Fatalf("pool %s: %v", c.pool.ID, err)
	}
	if _, err := f.Clients().Get(ctx, c.client.ID); err != nil {
		f.t.Fatalf("client: %v", err)
	}
	if _, err := f.Users().GetByLookup(ctx, c.pool.ID, storage.LookupUsername, "alice"); err != nil {
		f.t.Fatalf("user: %v", err)
	}
	if _, err := f.Codes().Get(ctx, c.pool.ID, c.user.Sub, "signup"); err != nil {
		f.t.Fatalf("code: %v", err)
	}
	if _, err := f.Tokens().Get(ctx, c.token.ID); err != nil {
		f.t.Fatalf("token: %v", err)
	}
	keys, err := f.Keys().List(ctx, c.pool.ID)
	if err != nil || len(keys) != 1 {
		f.t.Fatalf("keys: %v, %v", keys, err)
	}
	l, err := f.Identities().FindLogin(ctx, c.login.IdentityPoolID, c.login.Provider, c.login.Subject)
	must(f.t, err)
	same(f.t, "login", l, wantLogin(c.login))
}

// testPoolDeleteCascades: deleting a pool removes its clients, users (with
// their lookups, codes and tokens) and keys, unlinks its users from their
// identities, and touches nothing of another pool.
func testPoolDeleteCascades(t *testing.T, f *fixture) {
	ip := f.identityPool()
	id := f.identity(ip.ID)
	gone, kept := f.fullPool(id), f.fullPool(id)

	must(t, f.Pools().Delete(f.ctx, gone.pool.ID))

	_, err := f.Clients().Get(f.ctx, gone.client.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Users().GetBySub(f.ctx, gone.pool.ID, gone.user.Sub)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Codes().Get(f.ctx, gone.pool.ID, gone.user.Sub, "signup")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Tokens().Get(f.ctx, gone.token.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Tokens().GetByOrigin(f.ctx, gone.token.OriginJTI)
	wantErr(t, err, storage.ErrNotFound)
	if keys, err := f.Keys().List(f.ctx, gone.pool.ID); err != nil || len(keys) != 0 {
		t.Fatalf("keys of the deleted pool: %v, %v", keys, err)
	}
	l, err := f.Identities().FindLogin(f.ctx, ip.ID, gone.login.Provider, gone.login.Subject)
	must(t, err)
	want := gone.login
	want.UserPoolID, want.UserSub = "", ""
	same(t, "login of the deleted pool's user", l, wantLogin(want))
	if ls, err := f.Identities().LoginsOfUser(f.ctx, gone.pool.ID, gone.user.Sub); err != nil || len(ls) != 0 {
		t.Fatalf("LoginsOfUser of a deleted user = %v, %v; want none", ls, err)
	}

	f.present(kept)

	// Everything the pool held is free again: its id, its client's id, its
	// user's sub and username, its token's id.
	must(t, f.Pools().Create(f.ctx, gone.pool))
	must(t, f.Clients().Create(f.ctx, gone.client))
	must(t, f.Users().Create(f.ctx, gone.user))
	must(t, f.Tokens().Create(f.ctx, gone.token))
}

func testPoolList(t *testing.T, f *fixture) {
	list := keysOf(f.Pools().List, func(p storage.Pool) string { return p.ID })
	checkPaging(t, f.ctx, list, nil)
	for _, id := range []string{"us-east-1_b", "eu-west-1_a", "us-east-1_B", "us-east-1_a", "ap-south-1_z"} {
		must(t, f.Pools().Create(f.ctx, storage.Pool{ID: id, Region: "us-east-1", CreatedAt: at(0)}))
	}
	want := []string{"ap-south-1_z", "eu-west-1_a", "us-east-1_B", "us-east-1_a", "us-east-1_b"} // byte order
	checkPaging(t, f.ctx, list, want)

	items, next, err := f.Pools().List(f.ctx, storage.Page{Limit: 2})
	must(t, err)
	got, err := f.Pools().Get(f.ctx, items[0].ID)
	must(t, err)
	same(t, "listed pool", items[0], got)
	checkBadTokens(t, f.ctx, list, next)
}

// testPoolListDefaultLimit: a Page with no Limit gets pages of 60.
func testPoolListDefaultLimit(t *testing.T, f *fixture) {
	var want []string
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		for i := 0; i < defaultLimit+1; i++ {
			id := fmt.Sprintf("us-east-1_L%08d", i)
			want = append(want, id)
			if err := tx.Pools().Create(f.ctx, storage.Pool{ID: id, CreatedAt: at(0)}); err != nil {
				return err
			}
		}
		return nil
	}))
	first, next, err := f.Pools().List(f.ctx, storage.Page{})
	must(t, err)
	if len(first) != defaultLimit || next == "" {
		t.Fatalf("first page: %d pools, next %q; want %d and a token", len(first), next, defaultLimit)
	}
	rest, next, err := f.Pools().List(f.ctx, storage.Page{Token: next})
	must(t, err)
	if len(rest) != 1 || rest[0].ID != want[defaultLimit] || next != "" {
		t.Fatalf("second page: %v, next %q; want [%s] and no token", rest, next, want[defaultLimit])
	}
}

// testPoolDeleteMany: a pool with more users than one batch of the
// backend's deletion goes whole, and another pool's users stay.
func testPoolDeleteMany(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	keep := f.user(other.ID, "keep")
	const n = 1100
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		for i := range n {
			if err := tx.Users().Create(f.ctx, f.newUser(p.ID, fmt.Sprintf("u%04d", i))); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	must(t, f.Pools().Delete(f.ctx, p.ID))
	if users, _, err := f.Users().List(f.ctx, p.ID, storage.Page{Limit: 10}); err != nil || len(users) != 0 {
		t.Fatalf("users left in the deleted pool: %d, %v", len(users), err)
	}
	_, err = f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "u0001")
	wantErr(t, err, storage.ErrNotFound)
	if _, err := f.Users().GetBySub(f.ctx, other.ID, keep.Sub); err != nil {
		t.Fatalf("the other pool's user: %v", err)
	}
	wantErr(t, f.Pools().Delete(f.ctx, p.ID), storage.ErrNotFound)
}
