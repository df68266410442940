package conformance

import (
	"errors"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Text",
		test{"Unicode", testTextUnicode},
		test{"BadKeysFindNothing", testTextBadKeysFindNothing},
		test{"BadTextRefused", testTextBadTextRefused},
	)
}

// badStrings are strings that are not storable text: not UTF-8, or with a
// NUL byte. Keys from requests can be anything.
var badStrings = []string{"alice\x00", "\xffalice", "al\xc3ice"}

// testTextUnicode: text is kept byte for byte, whatever its script.
func testTextUnicode(t *testing.T, f *fixture) {
	p := f.pool()
	u := f.newUser(p.ID, "Zoë 😀 ﷽")
	u.Attributes = map[string]string{"name": "Ǆemal \u200b\t\n\"'\\", "custom:empty": ""}
	u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: "zoë 😀 ﷽"}}
	must(t, f.Users().Create(f.ctx, u))
	got, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "zoë 😀 ﷽")
	must(t, err)
	same(t, "user", got, wantUser(u))
}

// testTextBadKeysFindNothing: a read by a key that is not storable text
// finds nothing, in and out of a transaction, and leaves the transaction
// usable.
func testTextBadKeysFindNothing(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	c := f.client(u.PoolID)
	f.code(u, "signup")
	ip := f.identityPool()
	id := f.identity(ip.ID)
	f.devLogin(id, "dev")
	reads := func(s storage.Stores) {
		t.Helper()
		ctx := f.ctx
		for _, bad := range badStrings {
			for i, err := range []error{
				second(s.Pools().Get(ctx, bad)),
				second(s.Clients().Get(ctx, bad)),
				second(s.Users().GetBySub(ctx, u.PoolID, bad)),
				second(s.Users().GetByLookup(ctx, u.PoolID, storage.LookupUsername, bad)),
				second(s.Users().GetByLookup(ctx, bad, storage.LookupUsername, "alice")),
				second(s.Codes().Get(ctx, u.PoolID, u.Sub, bad)),
				second(s.Tokens().GetByOrigin(ctx, bad)),
				second(s.Settings().Get(ctx, bad)),
				second(s.Identities().GetPool(ctx, bad)),
				second(s.Identities().Get(ctx, bad)),
				second(s.Identities().FindLogin(ctx, ip.ID, "login.example", bad)),
			} {
				if !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("read %d by %q: %v, want ErrNotFound", i, bad, err)
				}
				noDriverTypes(t, err)
			}
			cs, _, err := s.Clients().List(ctx, bad, storage.Page{})
			if err != nil || len(cs) != 0 {
				t.Errorf("Clients.List(%q) = %v, %v; want none", bad, cs, err)
			}
			if n, err := s.Users().Count(ctx, bad); err != nil || n != 0 {
				t.Errorf("Users.Count(%q) = %d, %v; want 0", bad, n, err)
			}
			if ls, err := s.Identities().LoginsOfUser(ctx, u.PoolID, bad); err != nil || len(ls) != 0 {
				t.Errorf("LoginsOfUser(%q) = %v, %v; want none", bad, ls, err)
			}
		}
	}
	reads(f)
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		reads(tx)
		return tx.Clients().Update(f.ctx, c)
	}))
}

// testTextBadTextRefused: a write of text that is not storable fails with
// ErrInvalidText and stores nothing, and leaves a transaction usable.
func testTextBadTextRefused(t *testing.T, f *fixture) {
	p := f.pool()
	for _, bad := range badStrings {
		writes := func(s storage.Stores) {
			t.Helper()
			ctx := f.ctx
			badName := p
			badName.Name = bad
			badUsername := f.newUser(p.ID, bad)
			badLookup := f.newUser(p.ID, "bob")
			badLookup.Lookups = append(badLookup.Lookups, storage.Lookup{Kind: storage.LookupEmail, Key: bad})
			badAttribute := f.newUser(p.ID, "carol")
			badAttribute.Attributes["name"] = bad
			badDetail := storage.AuditEvent{ID: "evt-bad", Type: "T", Details: map[string]string{"k": bad}}
			for i, err := range []error{
				s.Pools().Create(ctx, storage.Pool{ID: bad}),
				s.Pools().Update(ctx, badName),
				s.Users().Create(ctx, badUsername),
				s.Users().Create(ctx, badLookup),
				s.Users().Create(ctx, badAttribute),
				s.Audit().Record(ctx, badDetail),
				s.Settings().Put(ctx, bad, []byte("v")),
				second(s.Settings().PutIfAbsent(ctx, bad, []byte("v"))),
			} {
				if !errors.Is(err, storage.ErrInvalidText) {
					t.Errorf("write %d with %q: %v, want ErrInvalidText", i, bad, err)
				}
				noDriverTypes(t, err)
			}
		}
		writes(f)
		must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
			writes(tx)
			return tx.Settings().Put(f.ctx, "after", nil)
		}))
		got, err := f.Pools().Get(f.ctx, p.ID)
		must(t, err)
		same(t, "pool", got, wantPool(p))
		if n, err := f.Users().Count(f.ctx, p.ID); err != nil || n != 0 {
			t.Fatalf("Count = %d, %v; want 0", n, err)
		}
		if es := f.events(storage.AuditFilter{}); len(es) != 0 {
			t.Fatalf("events: %v", es)
		}
	}
}
