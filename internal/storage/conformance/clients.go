package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Clients",
		test{"CreateGet", testClientCreateGet},
		test{"NoSecret", testClientNoSecret},
		test{"CreateTaken", testClientCreateTaken},
		test{"CreateWithoutPool", testClientCreateWithoutPool},
		test{"GetMissing", testClientGetMissing},
		test{"Update", testClientUpdate},
		test{"UpdateMissing", testClientUpdateMissing},
		test{"Delete", testClientDelete},
		test{"List", testClientList},
	)
}

// wantClient is c as the store reads it back.
func wantClient(c storage.Client) storage.Client {
	c.CreatedAt, c.UpdatedAt = stored(c.CreatedAt), stored(c.UpdatedAt)
	if len(c.SecretSealed) == 0 {
		c.SecretSealed = nil
	}
	if len(c.Config) == 0 {
		c.Config = nil
	}
	return c
}

func testClientCreateGet(t *testing.T, f *fixture) {
	p := f.pool()
	c := f.client(p.ID)
	got, err := f.Clients().Get(f.ctx, c.ID)
	must(t, err)
	same(t, "client", got, wantClient(c))
}

func testClientNoSecret(t *testing.T, f *fixture) {
	p := f.pool()
	for _, b := range [][]byte{nil, {}} {
		c := storage.Client{ID: f.clientID(), PoolID: p.ID, Name: "public", SecretSealed: b, Config: b, CreatedAt: at(0)}
		must(t, f.Clients().Create(f.ctx, c))
		got, err := f.Clients().Get(f.ctx, c.ID)
		must(t, err)
		same(t, "client", got, wantClient(c))
	}
}

// testClientCreateTaken: client ids are unique across pools.
func testClientCreateTaken(t *testing.T, f *fixture) {
	c := f.client(f.pool().ID)
	other := c
	other.PoolID = f.pool().ID
	wantErr(t, f.Clients().Create(f.ctx, other), storage.ErrConflict)
	got, err := f.Clients().Get(f.ctx, c.ID)
	must(t, err)
	same(t, "client after the refused create", got, wantClient(c))
}

func testClientCreateWithoutPool(t *testing.T, f *fixture) {
	c := storage.Client{ID: f.clientID(), PoolID: "us-east-1_missing00", CreatedAt: at(0)}
	wantErr(t, f.Clients().Create(f.ctx, c), storage.ErrNotFound)
	_, err := f.Clients().Get(f.ctx, c.ID)
	wantErr(t, err, storage.ErrNotFound)
}

func testClientGetMissing(t *testing.T, f *fixture) {
	_, err := f.Clients().Get(f.ctx, f.clientID())
	wantErr(t, err, storage.ErrNotFound)
}

// testClientUpdate: Update replaces Name, SecretSealed, Config and
// UpdatedAt, and nothing else.
func testClientUpdate(t *testing.T, f *fixture) {
	p := f.pool()
	c := f.client(p.ID)
	upd := c
	upd.PoolID = f.pool().ID // not updatable
	upd.Name = "renamed"
	upd.SecretSealed = nil // the secret removed
	upd.Config = []byte(`{"flows":["ALLOW_REFRESH_TOKEN_AUTH"]}`)
	upd.CreatedAt = at(time.Hour) // not updatable
	upd.UpdatedAt = at(2 * time.Hour)
	must(t, f.Clients().Update(f.ctx, upd))
	got, err := f.Clients().Get(f.ctx, c.ID)
	must(t, err)
	want := c
	want.Name, want.SecretSealed, want.Config, want.UpdatedAt = upd.Name, nil, upd.Config, upd.UpdatedAt
	same(t, "updated client", got, wantClient(want))
}

func testClientUpdateMissing(t *testing.T, f *fixture) {
	p := f.pool()
	c := storage.Client{ID: f.clientID(), PoolID: p.ID, Name: "x"}
	wantErr(t, f.Clients().Update(f.ctx, c), storage.ErrNotFound)
}

// testClientDelete: deleting a client removes it and its refresh tokens,
// and no other client's.
func testClientDelete(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	gone, kept := f.client(p.ID), f.client(p.ID)
	goneTokens := []storage.RefreshToken{f.token(gone, u), f.token(gone, u)}
	keptToken := f.token(kept, u)

	must(t, f.Clients().Delete(f.ctx, gone.ID))
	_, err := f.Clients().Get(f.ctx, gone.ID)
	wantErr(t, err, storage.ErrNotFound)
	for _, tk := range goneTokens {
		_, err := f.Tokens().Get(f.ctx, tk.ID)
		wantErr(t, err, storage.ErrNotFound)
	}
	if _, err := f.Tokens().Get(f.ctx, keptToken.ID); err != nil {
		t.Fatalf("the other client's token: %v", err)
	}
	if _, err := f.Users().GetBySub(f.ctx, p.ID, u.Sub); err != nil {
		t.Fatalf("the user: %v", err)
	}
	wantErr(t, f.Clients().Delete(f.ctx, gone.ID), storage.ErrNotFound)
}

// testClientList: List gives one pool's clients ordered by id.
func testClientList(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Client, string, error) {
		return f.Clients().List(ctx, p.ID, pg)
	}, func(c storage.Client) string { return c.ID })
	checkPaging(t, f.ctx, list, nil)

	ids := []string{"m0000000000000000000000000", "a0000000000000000000000000", "z0000000000000000000000000", "b0000000000000000000000000"}
	for _, id := range ids {
		must(t, f.Clients().Create(f.ctx, storage.Client{ID: id, PoolID: p.ID, CreatedAt: at(0)}))
	}
	f.client(other.ID)
	checkPaging(t, f.ctx, list, []string{ids[1], ids[3], ids[0], ids[2]})

	items, next, err := f.Clients().List(f.ctx, p.ID, storage.Page{Limit: 1})
	must(t, err)
	got, err := f.Clients().Get(f.ctx, items[0].ID)
	must(t, err)
	same(t, "listed client", items[0], got)
	checkBadTokens(t, f.ctx, list, next)

	none, next, err := f.Clients().List(f.ctx, "us-east-1_missing00", storage.Page{})
	if err != nil || len(none) != 0 || next != "" {
		t.Fatalf("List of a missing pool = %v, %q, %v; want nothing and no error", none, next, err)
	}
}
