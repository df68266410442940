package conformance

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Users",
		test{"CreateGet", testUserCreateGet},
		test{"EmptyValues", testUserEmptyValues},
		test{"Copies", testUserCopies},
		test{"CreateSubPerPool", testUserCreateSubPerPool},
		test{"CreateLookupTaken", testUserCreateLookupTaken},
		test{"LookupScope", testUserLookupScope},
		test{"CountFollowsWrites", testUserCountFollowsWrites},
		test{"CreateWithoutPool", testUserCreateWithoutPool},
		test{"GetMissing", testUserGetMissing},
		test{"GetByLookup", testUserGetByLookup},
		test{"Put", testUserPut},
		test{"PutLookups", testUserPutLookups},
		test{"PutLookupTaken", testUserPutLookupTaken},
		test{"PutMissing", testUserPutMissing},
		test{"PutVersion", testUserPutVersion},
		test{"Delete", testUserDelete},
		test{"List", testUserList},
		test{"Count", testUserCount},
	)
}

// wantUser is u as the store reads it back: times to the microsecond in
// UTC, an empty MFA as nil, Attributes never nil, Lookups nil when empty.
func wantUser(u storage.User) storage.User {
	u.PasswordChangedAt = stored(u.PasswordChangedAt)
	u.CreatedAt, u.UpdatedAt = stored(u.CreatedAt), stored(u.UpdatedAt)
	if len(u.MFA) == 0 {
		u.MFA = nil
	}
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	if len(u.Lookups) == 0 {
		u.Lookups = nil
	}
	return u
}

// fullUser is a user with every field set and lookups in an order that is
// not sorted by kind or key.
func (f *fixture) fullUser(poolID string) storage.User {
	u := f.newUser(poolID, "Bob")
	u.Status = "FORCE_CHANGE_PASSWORD"
	u.Enabled = false
	u.Attributes = map[string]string{"email": "bob@example.com", "phone_number": "+15555550100", "custom:team": "blue", "name": "Bøb ✓"}
	u.SRPSalt, u.SRPVerifier = "0a1b", "2c3d"
	u.MFA = []byte(`{"preferred":"SOFTWARE_TOKEN_MFA"}`)
	u.PasswordChangedAt = at(time.Minute)
	u.UpdatedAt = at(time.Hour)
	u.Lookups = []storage.Lookup{
		{Kind: storage.LookupUsername, Key: "bob"},
		{Kind: storage.LookupPhoneNumber, Key: "+15555550100"},
		{Kind: storage.LookupEmail, Key: "bob@example.com"},
		{Kind: storage.LookupPreferredUsername, Key: "bobby"},
	}
	return u
}

func (f *fixture) getUser(poolID, sub string) storage.User {
	f.t.Helper()
	u, err := f.Users().GetBySub(f.ctx, poolID, sub)
	must(f.t, err)
	return u
}

func testUserCreateGet(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.fullUser(p.ID)
	must(t, f.Users().Create(f.ctx, u))
	same(t, "user", f.getUser(p.ID, u.Sub), wantUser(u))
}

// testUserEmptyValues: nil and empty read back alike: MFA as nil,
// Attributes as an empty map, Lookups as nil.
func testUserEmptyValues(t *testing.T, f *fixture) {
	p := f.pool()
	for i, u := range []storage.User{
		{PoolID: p.ID, Sub: f.sub(), Username: "nil", Status: "UNCONFIRMED"},
		{PoolID: p.ID, Sub: f.sub(), Username: "empty", Status: "UNCONFIRMED",
			Attributes: map[string]string{}, MFA: []byte{}, Lookups: []storage.Lookup{}},
	} {
		must(t, f.Users().Create(f.ctx, u))
		got := f.getUser(p.ID, u.Sub)
		same(t, "user", got, wantUser(u))
		if i == 0 && got.Attributes == nil {
			t.Fatal("Attributes read back nil, want an empty map")
		}
	}
}

// testUserCopies: records are values; changing what was given or returned
// changes nothing stored.
func testUserCopies(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.fullUser(p.ID)
	must(t, f.Users().Create(f.ctx, u))
	want := wantUser(f.fullUser(p.ID))
	want.Sub = u.Sub

	u.Attributes["email"] = "changed@example.com"
	u.Lookups[0].Key = "changed"
	u.MFA[0] = 'X'
	got := f.getUser(p.ID, u.Sub)
	same(t, "user after changing the created value", got, want)

	got.Attributes["email"] = "changed@example.com"
	got.Lookups[0].Key = "changed"
	got.MFA[0] = 'X'
	same(t, "user after changing a read value", f.getUser(p.ID, u.Sub), want)
}

// testUserCreateSubPerPool: a sub is unique within its pool; another pool
// may hold the same sub (a Cognito pool copied twice), and each pool's
// user stays its own.
func testUserCreateSubPerPool(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	again := f.newUser(p.ID, "other")
	again.Sub = u.Sub
	wantErr(t, f.Users().Create(f.ctx, again), storage.ErrConflict)
	again.PoolID = f.pool().ID
	must(t, f.Users().Create(f.ctx, again))
	same(t, "user", f.getUser(p.ID, u.Sub), wantUser(u))
	same(t, "other pool's user", f.getUser(again.PoolID, u.Sub), wantUser(again))
	must(t, f.Users().Delete(f.ctx, again.PoolID, u.Sub))
	same(t, "user after the other's deletion", f.getUser(p.ID, u.Sub), wantUser(u))
}

// testUserCreateLookupTaken: Create refuses a lookup another user of the
// pool holds, and stores nothing of the refused user.
func testUserCreateLookupTaken(t *testing.T, f *fixture) {
	p, alice := f.poolUser()
	u := f.newUser(p.ID, "carol")
	u.Lookups = []storage.Lookup{
		{Kind: storage.LookupUsername, Key: "carol"},
		{Kind: storage.LookupEmail, Key: "carol@example.com"},
		{Kind: storage.LookupPreferredUsername, Key: "alice"}, // another kind: free
		{Kind: storage.LookupUsername, Key: "alice"},          // alice's
	}
	wantErr(t, f.Users().Create(f.ctx, u), storage.ErrConflict)
	_, err := f.Users().GetBySub(f.ctx, p.ID, u.Sub)
	wantErr(t, err, storage.ErrNotFound)
	for _, l := range u.Lookups[:3] {
		_, err := f.Users().GetByLookup(f.ctx, p.ID, l.Kind, l.Key)
		wantErr(t, err, storage.ErrNotFound)
	}
	got, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "alice")
	must(t, err)
	same(t, "alice", got, wantUser(alice))
	if n, err := f.Users().Count(f.ctx, p.ID); err != nil || n != 1 {
		t.Fatalf("Count = %d, %v; want 1", n, err)
	}
	u.Lookups = u.Lookups[:3]
	must(t, f.Users().Create(f.ctx, u)) // nothing of the refused create is in the way
}

// testUserLookupScope: lookups are unique per pool and kind only.
func testUserLookupScope(t *testing.T, f *fixture) {
	p, alice := f.poolUser()
	other := f.user(f.pool().ID, "alice") // same username, another pool
	u := f.newUser(p.ID, "x")
	u.Lookups = []storage.Lookup{{Kind: storage.LookupPreferredUsername, Key: "alice"}} // same key, another kind
	must(t, f.Users().Create(f.ctx, u))
	for _, c := range []struct {
		pool, kind string
		want       storage.User
	}{
		{p.ID, storage.LookupUsername, alice},
		{p.ID, storage.LookupPreferredUsername, u},
		{other.PoolID, storage.LookupUsername, other},
	} {
		got, err := f.Users().GetByLookup(f.ctx, c.pool, c.kind, "alice")
		must(t, err)
		same(t, c.kind+" alice in "+c.pool, got, wantUser(c.want))
	}
}

func testUserCreateWithoutPool(t *testing.T, f *fixture) {
	u := f.newUser("us-east-1_missing00", "dave")
	wantErr(t, f.Users().Create(f.ctx, u), storage.ErrNotFound)
}

func testUserGetMissing(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	_, err := f.Users().GetBySub(f.ctx, p.ID, f.sub())
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Users().GetBySub(f.ctx, f.pool().ID, u.Sub) // the right sub in another pool
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "nobody")
	wantErr(t, err, storage.ErrNotFound)
}

// testUserGetByLookup: every lookup finds its user; keys match exactly
// (normalising them is the domain's job).
func testUserGetByLookup(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.fullUser(p.ID)
	must(t, f.Users().Create(f.ctx, u))
	f.user(p.ID, "alice")
	for _, l := range u.Lookups {
		got, err := f.Users().GetByLookup(f.ctx, p.ID, l.Kind, l.Key)
		must(t, err)
		same(t, "user by "+l.Kind, got, wantUser(u))
	}
	_, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "BOB")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Users().GetByLookup(f.ctx, p.ID, storage.LookupEmail, "bob") // a key of another kind
	wantErr(t, err, storage.ErrNotFound)
}

// testUserPut: Put replaces every field of the user.
func testUserPut(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.fullUser(p.ID)
	must(t, f.Users().Create(f.ctx, u))
	upd := f.newUser(p.ID, "Bob")
	upd.Sub = u.Sub
	upd.Status = "RESET_REQUIRED"
	upd.Attributes = map[string]string{"email": "new@example.com"}
	upd.PasswordHash = ""
	upd.PasswordChangedAt = time.Time{}
	upd.UpdatedAt = at(3 * time.Hour)
	must(t, f.Users().Put(f.ctx, upd))
	same(t, "user after Put", f.getUser(p.ID, u.Sub), wantUser(upd))
}

// testUserPutLookups: Put changes, adds and removes lookups; the keys it
// drops are free for others, and the order given is the order read back.
func testUserPutLookups(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.fullUser(p.ID) // username bob, phone, email bob@, preferred bobby
	must(t, f.Users().Create(f.ctx, u))
	u.Lookups = []storage.Lookup{
		{Kind: storage.LookupEmail, Key: "robert@example.com"},      // changed
		{Kind: storage.LookupUsername, Key: "bob"},                  // kept, moved
		{Kind: storage.LookupPhoneNumber, Key: "+15555550100"},      // kept
		{Kind: storage.LookupPreferredUsername, Key: "bob@example"}, // changed
	}
	must(t, f.Users().Put(f.ctx, u))
	same(t, "user", f.getUser(p.ID, u.Sub), wantUser(u))
	for _, l := range u.Lookups {
		got, err := f.Users().GetByLookup(f.ctx, p.ID, l.Kind, l.Key)
		must(t, err)
		same(t, "user by "+l.Kind, got, wantUser(u))
	}
	for _, l := range []storage.Lookup{{Kind: storage.LookupEmail, Key: "bob@example.com"}, {Kind: storage.LookupPreferredUsername, Key: "bobby"}} {
		_, err := f.Users().GetByLookup(f.ctx, p.ID, l.Kind, l.Key)
		wantErr(t, err, storage.ErrNotFound)
	}

	// A dropped key is free for another user.
	other := f.newUser(p.ID, "robert")
	other.Lookups = append(other.Lookups, storage.Lookup{Kind: storage.LookupEmail, Key: "bob@example.com"})
	must(t, f.Users().Create(f.ctx, other))

	// Removing every lookup but one, then adding one back.
	u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: "bob"}}
	must(t, f.Users().Put(f.ctx, u))
	u.Lookups = append(u.Lookups, storage.Lookup{Kind: storage.LookupPhoneNumber, Key: "+15555550199"})
	must(t, f.Users().Put(f.ctx, u))
	same(t, "user", f.getUser(p.ID, u.Sub), wantUser(u))
	_, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupPhoneNumber, "+15555550100")
	wantErr(t, err, storage.ErrNotFound)
	got, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupPhoneNumber, "+15555550199")
	must(t, err)
	same(t, "user by the new phone", got, wantUser(u))
}

// testUserPutLookupTaken: Put refuses a lookup another user holds and
// changes nothing of the user.
func testUserPutLookupTaken(t *testing.T, f *fixture) {
	p, alice := f.poolUser()
	u := f.fullUser(p.ID)
	must(t, f.Users().Create(f.ctx, u))
	upd := u
	upd.Status = "CONFIRMED"
	upd.Lookups = []storage.Lookup{
		{Kind: storage.LookupUsername, Key: "bob"},
		{Kind: storage.LookupEmail, Key: "new@example.com"},
		{Kind: storage.LookupPreferredUsername, Key: "alice"},
		{Kind: storage.LookupUsername, Key: "alice"}, // alice's
	}
	wantErr(t, f.Users().Put(f.ctx, upd), storage.ErrConflict)
	same(t, "user after the refused Put", f.getUser(p.ID, u.Sub), wantUser(u))
	for _, l := range u.Lookups {
		got, err := f.Users().GetByLookup(f.ctx, p.ID, l.Kind, l.Key)
		must(t, err)
		same(t, "user by "+l.Kind, got, wantUser(u))
	}
	_, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupEmail, "new@example.com")
	wantErr(t, err, storage.ErrNotFound)
	got, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "alice")
	must(t, err)
	same(t, "alice", got, wantUser(alice))
}

func testUserPutMissing(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	wantErr(t, f.Users().Put(f.ctx, f.newUser(p.ID, "ghost")), storage.ErrNotFound)
	moved := u
	moved.PoolID = f.pool().ID // the sub exists, but in another pool
	wantErr(t, f.Users().Put(f.ctx, moved), storage.ErrNotFound)
	_, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "ghost")
	wantErr(t, err, storage.ErrNotFound)
}

// testUserDelete: Delete removes the user with its lookups, codes and
// refresh tokens, and unlinks it from identities, keeping the logins; the
// pool's other users keep theirs.
func testUserDelete(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	other := f.user(p.ID, "other")
	c := f.client(p.ID)
	ip := f.identityPool()
	id := f.identity(ip.ID)
	login, otherLogin := f.userLogin(id, u), f.userLogin(f.identity(ip.ID), other)
	f.code(u, "signup")
	f.code(other, "signup")
	tk, otherToken := f.token(c, u), f.token(c, other)

	must(t, f.Users().Delete(f.ctx, p.ID, u.Sub))

	_, err := f.Users().GetBySub(f.ctx, p.ID, u.Sub)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "alice")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Codes().Get(f.ctx, p.ID, u.Sub, "signup")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.Tokens().Get(f.ctx, tk.ID)
	wantErr(t, err, storage.ErrNotFound)
	got, err := f.Identities().FindLogin(f.ctx, ip.ID, login.Provider, login.Subject)
	must(t, err)
	login.UserPoolID, login.UserSub = "", ""
	same(t, "the deleted user's login", got, wantLogin(login))
	if ls, err := f.Identities().LoginsOfUser(f.ctx, p.ID, u.Sub); err != nil || len(ls) != 0 {
		t.Fatalf("LoginsOfUser after Delete = %v, %v; want none", ls, err)
	}
	if _, err := f.Identities().Get(f.ctx, id.ID); err != nil {
		t.Fatalf("the identity: %v", err)
	}

	if _, err := f.Codes().Get(f.ctx, p.ID, other.Sub, "signup"); err != nil {
		t.Fatalf("the other user's code: %v", err)
	}
	if _, err := f.Tokens().Get(f.ctx, otherToken.ID); err != nil {
		t.Fatalf("the other user's token: %v", err)
	}
	ls, err := f.Identities().LoginsOfUser(f.ctx, p.ID, other.Sub)
	must(t, err)
	same(t, "the other user's logins", ls, []storage.IdentityLogin{wantLogin(otherLogin)})

	wantErr(t, f.Users().Delete(f.ctx, p.ID, u.Sub), storage.ErrNotFound)
	must(t, f.Users().Create(f.ctx, u)) // the sub and username are free again
}

// testUserList: List gives one pool's users ordered by the key of their
// username lookup (bytewise), then by sub.
func testUserList(t *testing.T, f *fixture) {
	p := f.pool()
	f.user(f.pool().ID, "in-another-pool")
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
		return f.Users().List(ctx, p.ID, pg)
	}, func(u storage.User) string { return u.Username })
	checkPaging(t, f.ctx, list, nil)

	for _, name := range []string{"mallory", "Zed", "alice", "émile", "_x", "bob"} {
		u := f.newUser(p.ID, name)
		u.Lookups = []storage.Lookup{{Kind: storage.LookupEmail, Key: name + "@example.com"}, {Kind: storage.LookupUsername, Key: name}}
		must(t, f.Users().Create(f.ctx, u))
	}
	// Two users without a username lookup sort first, by sub.
	noName2 := f.newUser(p.ID, "no-name-2")
	noName2.Sub = "ffffffff-0000-4000-8000-000000000000"
	noName2.Lookups = nil
	noName1 := f.newUser(p.ID, "no-name-1")
	noName1.Sub = "00000000-0000-4000-8000-ffffffffffff"
	noName1.Lookups = []storage.Lookup{{Kind: storage.LookupEmail, Key: "x@example.com"}}
	must(t, f.Users().Create(f.ctx, noName2))
	must(t, f.Users().Create(f.ctx, noName1))
	// A user with two username lookups (as while a pool is re-keyed) is
	// listed once, by the first, and found by the one ListedBy names.
	rekeyed := f.newUser(p.ID, "Rekeyed")
	rekeyed.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: "Rekeyed"}, {Kind: storage.LookupUsername, Key: "rekeyed"}}
	must(t, f.Users().Create(f.ctx, rekeyed))
	lower := func(u *storage.User) string { return strings.ToLower(u.Username) }
	want := []string{"no-name-1", "no-name-2", "Rekeyed", "Zed", "_x", "alice", "bob", "mallory", "émile"}
	checkPaging(t, f.ctx, list, want)
	for _, c := range []struct {
		f    storage.UserFilter
		want []string
	}{
		{storage.UserFilter{Key: storage.SearchUsername, Value: "Rekeyed"}, subsOf(rekeyed)},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "rekeyed"}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "rek", Prefix: true}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "R", Prefix: true}, subsOf(rekeyed)},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "rekeyed", ListedBy: lower}, subsOf(rekeyed)},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "Rekeyed", ListedBy: lower}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "rek", Prefix: true, ListedBy: lower}, subsOf(rekeyed)},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "Rek", Prefix: true, ListedBy: lower}, nil},
		{storage.UserFilter{Key: storage.SearchUsername, Value: ""}, subsOf(noName1, noName2)},
		{storage.UserFilter{Key: storage.SearchUsername, Value: "", Prefix: true}, f.search(p.ID, storage.UserFilter{Key: storage.SearchStatus, Value: "CONFIRMED"}, 60)},
	} {
		if got := f.search(p.ID, c.f, 1); !slices.Equal(got, c.want) {
			t.Errorf("search %+v: %v, want %v", c.f, got, c.want)
		}
	}

	items, next, err := f.Users().List(f.ctx, p.ID, storage.Page{Limit: 3})
	must(t, err)
	same(t, "listed user", items[2], f.getUser(p.ID, items[2].Sub))
	checkBadTokens(t, f.ctx, list, next)

	// Put moves a user whose username key changes.
	alice, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "alice")
	must(t, err)
	alice.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: "zz-alice"}}
	must(t, f.Users().Put(f.ctx, alice))
	checkPaging(t, f.ctx, list, []string{"no-name-1", "no-name-2", "Rekeyed", "Zed", "_x", "bob", "mallory", "alice", "émile"})
}

func testUserCount(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	for i, want := range []int{0, 1, 2} {
		if i > 0 {
			f.user(p.ID, string(rune('a'+i)))
		}
		if n, err := f.Users().Count(f.ctx, p.ID); err != nil || n != want {
			t.Fatalf("Count = %d, %v; want %d", n, err, want)
		}
	}
	if n, err := f.Users().Count(f.ctx, other.ID); err != nil || n != 0 {
		t.Fatalf("Count of another pool = %d, %v; want 0", n, err)
	}
}

// testUserPutVersion: reads carry the version (1 after Create, one more per
// Put); a Put of a user read before another write is ErrStale and changes
// nothing; Version 0 writes whatever the stored version; a stale Put of a
// deleted user is ErrNotFound.
func testUserPutVersion(t *testing.T, f *fixture) {
	p := f.pool()
	first := f.getUser(p.ID, f.user(p.ID, "ada").Sub)
	if first.Version != 1 {
		t.Fatalf("version after Create %d, want 1", first.Version)
	}
	second := first

	first.Attributes = map[string]string{"email": "one@example.com"}
	must(t, f.Users().Put(f.ctx, first))
	if got := f.getUser(p.ID, first.Sub); got.Version != 2 {
		t.Fatalf("version after Put %d, want 2", got.Version)
	}
	second.Enabled = false
	wantErr(t, f.Users().Put(f.ctx, second), storage.ErrStale)
	got := f.getUser(p.ID, first.Sub)
	if !got.Enabled || got.Attributes["email"] != "one@example.com" || got.Version != 2 {
		t.Fatalf("a stale Put changed the user: %+v", got)
	}

	got.Enabled = false
	must(t, f.Users().Put(f.ctx, got)) // read again, then written: fine
	blind := got
	blind.Version = 0
	blind.Status = "RESET_REQUIRED"
	must(t, f.Users().Put(f.ctx, blind))
	if got := f.getUser(p.ID, first.Sub); got.Version != 4 || got.Status != "RESET_REQUIRED" || got.Enabled {
		t.Fatalf("after an unversioned Put: %+v", got)
	}

	must(t, f.Users().Delete(f.ctx, p.ID, first.Sub))
	wantErr(t, f.Users().Put(f.ctx, second), storage.ErrNotFound)
}

// testUserCountFollowsWrites: Count follows creates and deletes, per
// pool, and not creates that fail or transactions that roll back.
func testUserCountFollowsWrites(t *testing.T, f *fixture) {
	p := f.pool()
	other := f.pool()
	count := func(pool string, want int) {
		t.Helper()
		if n, err := f.Users().Count(f.ctx, pool); err != nil || n != want {
			t.Fatalf("Count = %d, %v; want %d", n, err, want)
		}
	}
	a, b := f.user(p.ID, "a"), f.user(p.ID, "b")
	f.user(other.ID, "a")
	count(p.ID, 2)
	count(other.ID, 1)
	dup := f.newUser(p.ID, "a")
	wantErr(t, f.Users().Create(f.ctx, dup), storage.ErrConflict)
	count(p.ID, 2)
	rollback := errors.New("roll back")
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		must(t, tx.Users().Create(f.ctx, f.newUser(p.ID, "c")))
		must(t, tx.Users().Delete(f.ctx, p.ID, a.Sub))
		return rollback
	})
	wantErr(t, err, rollback)
	count(p.ID, 2)
	must(t, f.Users().Delete(f.ctx, p.ID, b.Sub))
	count(p.ID, 1)
	count(other.ID, 1)
}
