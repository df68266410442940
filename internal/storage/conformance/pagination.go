package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Pagination",
		test{"ForeignTokens", testPaginationForeignTokens},
	)
}

// testPaginationForeignTokens: a page token resumes only the listing that
// issued it. Given to another kind of listing, or to the same kind of
// listing in another pool, it is refused with ErrBadPageToken, never read
// as a position in a listing it does not belong to.
func testPaginationForeignTokens(t *testing.T, f *fixture) {
	listings := map[string]lister{
		"pools":          keysOf(f.Pools().List, func(p storage.Pool) string { return p.ID }),
		"identity pools": keysOf(f.Identities().ListPools, func(p storage.IdentityPool) string { return p.ID }),
	}
	for _, name := range []string{"A", "B"} {
		p := f.pool()
		f.client(p.ID)
		f.client(p.ID)
		f.user(p.ID, "alice")
		f.user(p.ID, "bob")
		ip := f.identityPool()
		f.identity(ip.ID)
		listings["clients "+name] = keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Client, string, error) {
			return f.Clients().List(ctx, p.ID, pg)
		}, func(c storage.Client) string { return c.ID })
		listings["users "+name] = keysOf(func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
			return f.Users().List(ctx, p.ID, pg)
		}, func(u storage.User) string { return u.Sub })
		id := f.identity(ip.ID)
		_, u := f.poolUser()
		f.event(id, u, at(0))
		f.event(id, u, at(0))
		listings["audit "+name] = keysOf(func(ctx context.Context, pg storage.Page) ([]storage.AuditEvent, string, error) {
			return f.Audit().List(ctx, storage.AuditFilter{IdentityID: id.ID}, pg)
		}, func(e storage.AuditEvent) string { return e.ID })
		listings["identities "+name] = keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Identity, string, error) {
			return f.Identities().List(ctx, ip.ID, pg)
		}, func(id storage.Identity) string { return id.ID })
	}

	tokens := map[string]string{}
	for name, list := range listings {
		_, next, err := list(f.ctx, storage.Page{Limit: 1})
		must(t, err)
		if next == "" {
			t.Fatalf("%s: no next token after 1 of 2 items", name)
		}
		tokens[name] = next
	}
	for name, list := range listings {
		for from, tok := range tokens {
			if from == name {
				continue
			}
			keys, _, err := list(f.ctx, storage.Page{Token: tok, Limit: 10})
			if !errors.Is(err, storage.ErrBadPageToken) {
				t.Errorf("%s given a token of %s: %v, %v; want an error wrapping ErrBadPageToken", name, from, keys, err)
			}
			noDriverTypes(t, err)
		}
	}
}
