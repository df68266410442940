package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("ClientDocuments",
		test{"CreateGetFind", testClientDocCreateGetFind},
		test{"CreateTaken", testClientDocCreateTaken},
		test{"CreateWithoutClient", testClientDocCreateWithoutClient},
		test{"List", testClientDocList},
		test{"Update", testClientDocUpdate},
		test{"Delete", testClientDocDelete},
		test{"GoWithClientAndPool", testClientDocCascade},
	)
	register("ProviderLinks",
		test{"CreateGetList", testProviderLinkCreateGetList},
		test{"CreateTaken", testProviderLinkCreateTaken},
		test{"CreateWithoutUser", testProviderLinkCreateWithoutUser},
		test{"Delete", testProviderLinkDelete},
		test{"GoWithUserAndPool", testProviderLinkCascade},
	)
}

// newClientDoc returns a document of the client, not yet stored.
func (f *fixture) newClientDoc(c storage.Client, kind, name string) storage.ClientDocument {
	return storage.ClientDocument{
		PoolID: c.PoolID, ID: fmt.Sprintf("00000000-0000-4000-a000-%012d", f.next()), ClientID: c.ID,
		Kind: kind, Name: name, Body: []byte(`{"Settings":{"a":1}}`), CreatedAt: at(0), UpdatedAt: at(time.Second),
	}
}

func (f *fixture) clientDoc(c storage.Client, kind, name string) storage.ClientDocument {
	f.t.Helper()
	d := f.newClientDoc(c, kind, name)
	must(f.t, f.ClientDocuments().Create(f.ctx, d))
	return d
}

func wantClientDoc(d storage.ClientDocument) storage.ClientDocument {
	d.CreatedAt, d.UpdatedAt = stored(d.CreatedAt), stored(d.UpdatedAt)
	return d
}

func (f *fixture) getClientDoc(poolID, kind, id string) storage.ClientDocument {
	f.t.Helper()
	d, err := f.ClientDocuments().Get(f.ctx, poolID, kind, id)
	must(f.t, err)
	return d
}

func testClientDocCreateGetFind(t *testing.T, f *fixture) {
	p := f.pool()
	c := f.client(p.ID)
	d := f.clientDoc(c, "terms", "terms-of-use")
	same(t, "document", f.getClientDoc(p.ID, "terms", d.ID), wantClientDoc(d))
	got, err := f.ClientDocuments().Find(f.ctx, p.ID, c.ID, "terms", "terms-of-use")
	must(t, err)
	same(t, "found document", got, wantClientDoc(d))
	_, err = f.ClientDocuments().Get(f.ctx, p.ID, "branding", d.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.ClientDocuments().Get(f.ctx, f.pool().ID, "terms", d.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.ClientDocuments().Find(f.ctx, p.ID, c.ID, "terms", "privacy-policy")
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.ClientDocuments().Find(f.ctx, f.pool().ID, c.ID, "terms", "terms-of-use")
	wantErr(t, err, storage.ErrNotFound)
}

// testClientDocCreateTaken: an id is unique in the pool, and a client has
// one document per kind and name.
func testClientDocCreateTaken(t *testing.T, f *fixture) {
	p := f.pool()
	c, c2 := f.client(p.ID), f.client(p.ID)
	d := f.clientDoc(c, "terms", "terms-of-use")
	sameID := f.newClientDoc(c2, "terms", "terms-of-use")
	sameID.ID = d.ID
	wantErr(t, f.ClientDocuments().Create(f.ctx, sameID), storage.ErrConflict)
	wantErr(t, f.ClientDocuments().Create(f.ctx, f.newClientDoc(c, "terms", "terms-of-use")), storage.ErrConflict)
	same(t, "document", f.getClientDoc(p.ID, "terms", d.ID), wantClientDoc(d))
	f.clientDoc(c, "terms", "privacy-policy")
	f.clientDoc(c, "branding", "")
	f.clientDoc(c2, "terms", "terms-of-use")
}

func testClientDocCreateWithoutClient(t *testing.T, f *fixture) {
	p := f.pool()
	wantErr(t, f.ClientDocuments().Create(f.ctx, f.newClientDoc(storage.Client{PoolID: p.ID, ID: f.clientID()}, "branding", "")),
		storage.ErrNotFound)
	other := f.client(f.pool().ID)
	other.PoolID = p.ID
	wantErr(t, f.ClientDocuments().Create(f.ctx, f.newClientDoc(other, "branding", "")), storage.ErrNotFound)
}

// testClientDocList: the pool's documents of one kind, by id.
func testClientDocList(t *testing.T, f *fixture) {
	p := f.pool()
	var want []string
	for range 3 {
		c := f.client(p.ID)
		want = append(want, f.clientDoc(c, "terms", "terms-of-use").ID, f.clientDoc(c, "terms", "privacy-policy").ID)
		f.clientDoc(c, "branding", "")
	}
	f.clientDoc(f.client(f.pool().ID), "terms", "terms-of-use")
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.ClientDocument, string, error) {
		return f.ClientDocuments().List(ctx, p.ID, "terms", pg)
	}, func(d storage.ClientDocument) string { return d.ID })
	checkPaging(t, f.ctx, list, want)
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	brandings := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.ClientDocument, string, error) {
		return f.ClientDocuments().List(ctx, p.ID, "branding", pg)
	}, func(d storage.ClientDocument) string { return d.ID })
	_, _, err = brandings(f.ctx, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)
}

func testClientDocUpdate(t *testing.T, f *fixture) {
	p := f.pool()
	c := f.client(p.ID)
	d := f.clientDoc(c, "terms", "terms-of-use")
	privacy := f.clientDoc(c, "terms", "privacy-policy")
	d.Name, d.Body, d.UpdatedAt = "other", []byte(`{"b":2}`), at(time.Hour)
	d.CreatedAt, d.ClientID = at(time.Minute), "ignored"
	must(t, f.ClientDocuments().Update(f.ctx, d))
	want := d
	want.CreatedAt, want.ClientID = at(0), c.ID
	same(t, "updated document", f.getClientDoc(p.ID, "terms", d.ID), wantClientDoc(want))
	privacy.Name = "other"
	wantErr(t, f.ClientDocuments().Update(f.ctx, privacy), storage.ErrConflict)
	missing := f.newClientDoc(c, "terms", "x")
	wantErr(t, f.ClientDocuments().Update(f.ctx, missing), storage.ErrNotFound)
	wrongKind := d
	wrongKind.Kind = "branding"
	wantErr(t, f.ClientDocuments().Update(f.ctx, wrongKind), storage.ErrNotFound)
}

func testClientDocDelete(t *testing.T, f *fixture) {
	p := f.pool()
	c := f.client(p.ID)
	d := f.clientDoc(c, "branding", "")
	wantErr(t, f.ClientDocuments().Delete(f.ctx, p.ID, "terms", d.ID), storage.ErrNotFound)
	must(t, f.ClientDocuments().Delete(f.ctx, p.ID, "branding", d.ID))
	_, err := f.ClientDocuments().Get(f.ctx, p.ID, "branding", d.ID)
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.ClientDocuments().Delete(f.ctx, p.ID, "branding", d.ID), storage.ErrNotFound)
	f.clientDoc(c, "branding", "")
}

// testClientDocCascade: documents go with their client and its pool.
func testClientDocCascade(t *testing.T, f *fixture) {
	p := f.pool()
	c, kept := f.client(p.ID), f.client(p.ID)
	d := f.clientDoc(c, "branding", "")
	k := f.clientDoc(kept, "branding", "")
	must(t, f.Clients().Delete(f.ctx, c.ID))
	_, err := f.ClientDocuments().Get(f.ctx, p.ID, "branding", d.ID)
	wantErr(t, err, storage.ErrNotFound)
	same(t, "another client's document", f.getClientDoc(p.ID, "branding", k.ID), wantClientDoc(k))
	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err = f.ClientDocuments().Get(f.ctx, p.ID, "branding", k.ID)
	wantErr(t, err, storage.ErrNotFound)
}

func (f *fixture) newProviderLink(u storage.User, provider string) storage.ProviderLink {
	return storage.ProviderLink{
		PoolID: u.PoolID, ProviderName: provider, Subject: fmt.Sprintf("subject-%d", f.next()),
		AttributeName: "Cognito_Subject", Sub: u.Sub, CreatedAt: at(time.Minute),
	}
}

func (f *fixture) providerLink(u storage.User, provider string) storage.ProviderLink {
	f.t.Helper()
	l := f.newProviderLink(u, provider)
	must(f.t, f.ProviderLinks().Create(f.ctx, l))
	return l
}

func wantLink(l storage.ProviderLink) storage.ProviderLink {
	l.CreatedAt = stored(l.CreatedAt)
	return l
}

func testProviderLinkCreateGetList(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	google := f.providerLink(u, "Google")
	saml := f.newProviderLink(u, "Corp SAML")
	saml.AttributeName = "email"
	must(t, f.ProviderLinks().Create(f.ctx, saml))
	f.providerLink(f.user(p.ID, "bob"), "Google")
	got, err := f.ProviderLinks().Get(f.ctx, p.ID, "Google", google.Subject)
	must(t, err)
	same(t, "link", got, wantLink(google))
	links, err := f.ProviderLinks().ListByUser(f.ctx, p.ID, u.Sub)
	must(t, err)
	same(t, "links", links, []storage.ProviderLink{wantLink(saml), wantLink(google)})
	none, err := f.ProviderLinks().ListByUser(f.ctx, p.ID, f.sub())
	must(t, err)
	if len(none) != 0 {
		t.Errorf("links of a user without any: %v", none)
	}
	_, err = f.ProviderLinks().Get(f.ctx, p.ID, "Facebook", google.Subject)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.ProviderLinks().Get(f.ctx, f.pool().ID, "Google", google.Subject)
	wantErr(t, err, storage.ErrNotFound)
}

// testProviderLinkCreateTaken: an identity links to one user of a pool;
// another pool may link it too.
func testProviderLinkCreateTaken(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	l := f.providerLink(u, "Google")
	again := f.newProviderLink(f.user(p.ID, "bob"), "Google")
	again.Subject = l.Subject
	wantErr(t, f.ProviderLinks().Create(f.ctx, again), storage.ErrConflict)
	got, err := f.ProviderLinks().Get(f.ctx, p.ID, "Google", l.Subject)
	must(t, err)
	same(t, "link", got, wantLink(l))
	_, elsewhere := f.poolUser()
	moved := f.newProviderLink(elsewhere, "Google")
	moved.Subject = l.Subject
	must(t, f.ProviderLinks().Create(f.ctx, moved))
}

func testProviderLinkCreateWithoutUser(t *testing.T, f *fixture) {
	p := f.pool()
	l := f.newProviderLink(storage.User{PoolID: p.ID, Sub: f.sub()}, "Google")
	wantErr(t, f.ProviderLinks().Create(f.ctx, l), storage.ErrNotFound)
}

func testProviderLinkDelete(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	l := f.providerLink(u, "Google")
	wantErr(t, f.ProviderLinks().Delete(f.ctx, p.ID, "Facebook", l.Subject), storage.ErrNotFound)
	must(t, f.ProviderLinks().Delete(f.ctx, p.ID, "Google", l.Subject))
	_, err := f.ProviderLinks().Get(f.ctx, p.ID, "Google", l.Subject)
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.ProviderLinks().Delete(f.ctx, p.ID, "Google", l.Subject), storage.ErrNotFound)
	must(t, f.ProviderLinks().Create(f.ctx, l))
}

// testProviderLinkCascade: links go with their user and its pool, and the
// identity can then be linked again.
func testProviderLinkCascade(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	bob := f.user(p.ID, "bob")
	l := f.providerLink(u, "Google")
	kept := f.providerLink(bob, "Google")
	must(t, f.Users().Delete(f.ctx, p.ID, u.Sub))
	_, err := f.ProviderLinks().Get(f.ctx, p.ID, "Google", l.Subject)
	wantErr(t, err, storage.ErrNotFound)
	relinked := l
	relinked.Sub = bob.Sub
	must(t, f.ProviderLinks().Create(f.ctx, relinked))
	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err = f.ProviderLinks().Get(f.ctx, p.ID, "Google", kept.Subject)
	wantErr(t, err, storage.ErrNotFound)
}
