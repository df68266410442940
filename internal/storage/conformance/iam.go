package conformance

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Roles",
		test{"CreateGet", testRoleCreateGet},
		test{"NamesCaseInsensitive", testRoleNamesCaseInsensitive},
		test{"Update", testRoleUpdate},
		test{"List", testRoleList},
		test{"Policies", testRolePolicies},
		test{"DeleteConflict", testRoleDeleteConflict},
	)
	register("OIDCProviders",
		test{"CRUD", testOIDCProviderCRUD},
	)
}

// newRole returns a role, not yet stored.
func (f *fixture) newRole(name, path string) storage.Role {
	return storage.Role{
		ID: fmt.Sprintf("AROA%017d", f.next()), Name: name, Path: path,
		AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[]}`, Description: "d", MaxSessionDuration: 3600,
		Tags:      []storage.Tag{{Key: "b", Value: "2"}, {Key: "a", Value: ""}},
		CreatedAt: at(0), UpdatedAt: at(time.Second),
	}
}

// role creates a role.
func (f *fixture) role(name, path string) storage.Role {
	f.t.Helper()
	r := f.newRole(name, path)
	must(f.t, f.Roles().Create(f.ctx, r))
	return r
}

func roleStored(r storage.Role) storage.Role {
	r.CreatedAt, r.UpdatedAt = stored(r.CreatedAt), stored(r.UpdatedAt)
	return r
}

// testRoleCreateGet: a role reads back as written.
func testRoleCreateGet(t *testing.T, f *fixture) {
	r := f.role("App", "/svc/")
	got, err := f.Roles().Get(f.ctx, "App")
	must(t, err)
	same(t, "role", got, roleStored(r))
	_, err = f.Roles().Get(f.ctx, "Other")
	wantErr(t, err, storage.ErrNotFound)
	dup := f.newRole("Other", "/")
	dup.ID = r.ID
	wantErr(t, f.Roles().Create(f.ctx, dup), storage.ErrConflict)
}

// testRoleNamesCaseInsensitive: names are unique and found regardless of
// case, and keep the case they were created with.
func testRoleNamesCaseInsensitive(t *testing.T, f *fixture) {
	r := f.role("MixedCase", "/")
	wantErr(t, f.Roles().Create(f.ctx, f.newRole("mixedcase", "/")), storage.ErrConflict)
	got, err := f.Roles().Get(f.ctx, "MIXEDCASE")
	must(t, err)
	same(t, "name", got.Name, r.Name)
}

// testRoleUpdate: Update replaces the mutable fields of the role with the
// id; the name, path and creation time stay.
func testRoleUpdate(t *testing.T, f *fixture) {
	r := f.role("App", "/")
	r.AssumeRolePolicy, r.Description, r.MaxSessionDuration, r.Tags, r.UpdatedAt = "{}", "", 7200, nil, at(time.Hour)
	must(t, f.Roles().Update(f.ctx, r))
	got, err := f.Roles().Get(f.ctx, "App")
	must(t, err)
	same(t, "updated role", got, roleStored(r))
	ghost := f.newRole("Ghost", "/")
	wantErr(t, f.Roles().Update(f.ctx, ghost), storage.ErrNotFound)
}

// testRoleList: roles list by lower-cased name, filtered by path prefix,
// with tokens bound to their listing.
func testRoleList(t *testing.T, f *fixture) {
	for _, n := range []string{"c", "B", "a", "D"} {
		path := "/"
		if n == "c" || n == "D" {
			path = "/svc/x/"
		}
		f.role(n, path)
	}
	list := func(prefix string) lister {
		return keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Role, string, error) {
			return f.Roles().List(ctx, prefix, pg)
		}, func(r storage.Role) string { return r.Name })
	}
	checkPaging(t, f.ctx, list(""), []string{"a", "B", "c", "D"})
	checkPaging(t, f.ctx, list("/svc/"), []string{"c", "D"})
	_, next, err := list("")(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list(""), next)
	_, _, err = list("/svc/")(f.ctx, storage.Page{Token: next, Limit: 1})
	wantErr(t, err, storage.ErrBadPageToken) // another prefix is another listing
}

// testRolePolicies: inline policies are upserted (keeping their creation
// time), listed by name and deleted one by one.
func testRolePolicies(t *testing.T, f *fixture) {
	r := f.role("App", "/")
	other := f.role("Other", "/")
	p := storage.RolePolicy{RoleID: r.ID, Name: "read", Document: `{"v":1}`, CreatedAt: at(0), UpdatedAt: at(0)}
	must(t, f.Roles().PutPolicy(f.ctx, p))
	replaced := p
	replaced.Document, replaced.CreatedAt, replaced.UpdatedAt = `{"v":2}`, at(time.Hour), at(time.Minute)
	must(t, f.Roles().PutPolicy(f.ctx, replaced))
	got, err := f.Roles().GetPolicy(f.ctx, r.ID, "read")
	must(t, err)
	want := replaced
	want.CreatedAt, want.UpdatedAt = stored(p.CreatedAt), stored(replaced.UpdatedAt)
	same(t, "replaced policy", got, want)
	_, err = f.Roles().GetPolicy(f.ctx, other.ID, "read")
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.Roles().PutPolicy(f.ctx, storage.RolePolicy{RoleID: "AROAMISSING", Name: "x", Document: "{}"}), storage.ErrNotFound)

	for _, n := range []string{"c", "a", "b"} {
		must(t, f.Roles().PutPolicy(f.ctx, storage.RolePolicy{RoleID: r.ID, Name: n, Document: "{}", CreatedAt: at(0), UpdatedAt: at(0)}))
	}
	must(t, f.Roles().PutPolicy(f.ctx, storage.RolePolicy{RoleID: other.ID, Name: "zz", Document: "{}", CreatedAt: at(0), UpdatedAt: at(0)}))
	all, err := f.Roles().Policies(f.ctx, r.ID)
	must(t, err)
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	same(t, "policies", strings.Join(names, ","), "a,b,c,read")
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.RolePolicy, string, error) {
		return f.Roles().ListPolicies(ctx, r.ID, pg)
	}, func(p storage.RolePolicy) string { return p.Name })
	checkPaging(t, f.ctx, list, []string{"a", "b", "c", "read"})
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	_, _, err = f.Roles().ListPolicies(f.ctx, other.ID, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)

	must(t, f.Roles().DeletePolicy(f.ctx, r.ID, "read"))
	wantErr(t, f.Roles().DeletePolicy(f.ctx, r.ID, "read"), storage.ErrNotFound)
}

// testRoleDeleteConflict: a role with inline policies cannot be deleted;
// without them it can, once.
func testRoleDeleteConflict(t *testing.T, f *fixture) {
	r := f.role("App", "/")
	must(t, f.Roles().PutPolicy(f.ctx, storage.RolePolicy{RoleID: r.ID, Name: "p", Document: "{}", CreatedAt: at(0), UpdatedAt: at(0)}))
	wantErr(t, f.Roles().Delete(f.ctx, r.ID), storage.ErrConflict)
	_, err := f.Roles().Get(f.ctx, "App")
	must(t, err)
	must(t, f.Roles().DeletePolicy(f.ctx, r.ID, "p"))
	must(t, f.Roles().Delete(f.ctx, r.ID))
	wantErr(t, f.Roles().Delete(f.ctx, r.ID), storage.ErrNotFound)
	_, err = f.Roles().Get(f.ctx, "App")
	wantErr(t, err, storage.ErrNotFound)
	// The name is free again.
	f.role("app", "/")
}

// testOIDCProviderCRUD: providers are keyed by URL; lists keep their order.
func testOIDCProviderCRUD(t *testing.T, f *fixture) {
	ps := f.OIDCProviders()
	p := storage.OIDCProvider{URL: "issuer.example/tenant", ClientIDs: []string{"b", "a"},
		Thumbprints: []string{strings.Repeat("0", 40)}, CreatedAt: at(0), UpdatedAt: at(0)}
	must(t, ps.Create(f.ctx, p))
	wantErr(t, ps.Create(f.ctx, p), storage.ErrConflict)
	got, err := ps.Get(f.ctx, p.URL)
	must(t, err)
	want := p
	want.CreatedAt, want.UpdatedAt = stored(p.CreatedAt), stored(p.UpdatedAt)
	same(t, "provider", got, want)

	p.ClientIDs, p.Tags, p.UpdatedAt = nil, []storage.Tag{{Key: "k", Value: "v"}}, at(time.Hour)
	must(t, ps.Update(f.ctx, p))
	must(t, ps.Create(f.ctx, storage.OIDCProvider{URL: "a.example", CreatedAt: at(0), UpdatedAt: at(0)}))
	list, err := ps.List(f.ctx)
	must(t, err)
	want = p
	want.CreatedAt, want.UpdatedAt = stored(p.CreatedAt), stored(p.UpdatedAt)
	if len(list) != 2 || list[0].URL != "a.example" {
		t.Fatalf("List = %+v", list)
	}
	same(t, "listed provider", list[1], want)

	must(t, ps.Delete(f.ctx, p.URL))
	_, err = ps.Get(f.ctx, p.URL)
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, ps.Update(f.ctx, p), storage.ErrNotFound)
	wantErr(t, ps.Delete(f.ctx, p.URL), storage.ErrNotFound)
}
