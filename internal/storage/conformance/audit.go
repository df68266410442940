package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Audit",
		test{"RecordList", testAuditRecordList},
		test{"RecordTaken", testAuditRecordTaken},
		test{"Filter", testAuditFilter},
		test{"Paging", testAuditPaging},
	)
}

// wantEvent is e as the store reads it back.
func wantEvent(e storage.AuditEvent) storage.AuditEvent {
	e.Time = stored(e.Time)
	if len(e.Details) == 0 {
		e.Details = nil
	}
	return e
}

// event makes an audit event of the identity at the given time.
func (f *fixture) event(id storage.Identity, u storage.User, when time.Time) storage.AuditEvent {
	f.t.Helper()
	e := storage.AuditEvent{
		ID: fmt.Sprintf("evt-%06d", f.next()), Time: when, Type: "CredentialsIssued",
		IdentityID: id.ID, IdentityPoolID: id.PoolID, UserPoolID: u.PoolID, Username: u.Username, UserSub: u.Sub,
		RoleARN: "arn:aws:iam::000000000000:role/auth", Details: map[string]string{"provider": userProvider(u.PoolID)},
	}
	must(f.t, f.Audit().Record(f.ctx, e))
	return e
}

func (f *fixture) events(filter storage.AuditFilter) []storage.AuditEvent {
	f.t.Helper()
	es, next, err := f.Audit().List(f.ctx, filter, storage.Page{})
	must(f.t, err)
	if next != "" {
		f.t.Fatalf("a short listing has the next token %q", next)
	}
	return es
}

func wantEvents(es ...storage.AuditEvent) []storage.AuditEvent {
	if len(es) == 0 {
		return nil
	}
	out := make([]storage.AuditEvent, len(es))
	for i, e := range es {
		out[i] = wantEvent(e)
	}
	return out
}

// testAuditRecordList: events read back whole, newest first, ties by id
// (newest first too).
func testAuditRecordList(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	id := f.identity(f.identityPool().ID)
	if es := f.events(storage.AuditFilter{}); len(es) != 0 {
		t.Fatalf("events of a new store: %v", es)
	}
	older := f.event(id, u, at(0))
	tieA := f.event(id, u, at(time.Minute))
	tieB := f.event(id, u, at(time.Minute))
	guest := storage.AuditEvent{ID: "evt-guest", Time: at(-time.Hour), Type: "IdentityCreated",
		IdentityID: id.ID, IdentityPoolID: id.PoolID, Details: map[string]string{}}
	must(t, f.Audit().Record(f.ctx, guest))
	same(t, "events", f.events(storage.AuditFilter{}), wantEvents(tieB, tieA, older, guest))
}

func testAuditRecordTaken(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	id := f.identity(f.identityPool().ID)
	e := f.event(id, u, at(0))
	again := e
	again.Type = "Other"
	wantErr(t, f.Audit().Record(f.ctx, again), storage.ErrConflict)
	same(t, "events", f.events(storage.AuditFilter{}), wantEvents(e))
}

// testAuditFilter: every field of the filter narrows the listing; From and
// To are inclusive.
func testAuditFilter(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	other := f.user(p.ID, "other")
	ip := f.identityPool()
	id, id2 := f.identity(ip.ID), f.identity(ip.ID)
	e1 := f.event(id, u, at(0))
	e2 := f.event(id, u, at(time.Hour))
	e3 := f.event(id2, other, at(2*time.Hour))
	e4 := f.event(id2, u, at(3*time.Hour))
	for _, c := range []struct {
		name   string
		filter storage.AuditFilter
		want   []storage.AuditEvent
	}{
		{"identity", storage.AuditFilter{IdentityID: id.ID}, wantEvents(e2, e1)},
		{"user", storage.AuditFilter{UserPoolID: p.ID, UserSub: u.Sub}, wantEvents(e4, e2, e1)},
		{"pool", storage.AuditFilter{UserPoolID: p.ID}, wantEvents(e4, e3, e2, e1)},
		{"identity and user", storage.AuditFilter{IdentityID: id2.ID, UserSub: u.Sub}, wantEvents(e4)},
		{"from", storage.AuditFilter{From: at(time.Hour)}, wantEvents(e4, e3, e2)},
		{"to", storage.AuditFilter{To: at(2 * time.Hour)}, wantEvents(e3, e2, e1)},
		{"from and to", storage.AuditFilter{From: at(time.Hour), To: at(time.Hour)}, wantEvents(e2)},
		{"no match", storage.AuditFilter{UserPoolID: f.pool().ID}, wantEvents()},
		{"type", storage.AuditFilter{Type: "CredentialsIssued", IdentityID: id.ID}, wantEvents(e2, e1)},
		{"other type", storage.AuditFilter{Type: "LoginLinked"}, wantEvents()},
	} {
		if got := f.events(c.filter); len(got) > 0 || len(c.want) > 0 {
			same(t, c.name, got, c.want)
		}
	}
}

// testAuditPaging: the listing pages like any other, and its tokens are
// bound to the filter they were issued for.
func testAuditPaging(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	ip := f.identityPool()
	id, id2 := f.identity(ip.ID), f.identity(ip.ID)
	var want []string
	for i := 0; i < 5; i++ {
		e := f.event(id, u, at(time.Duration(i%3)*time.Minute)) // times tie
		want = append(want, e.ID)
	}
	f.event(id2, u, at(0))
	order := []string{want[2], want[4], want[1], want[3], want[0]} // newest first, ties by id descending
	filter := storage.AuditFilter{IdentityID: id.ID}
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.AuditEvent, string, error) {
		return f.Audit().List(ctx, filter, pg)
	}, func(e storage.AuditEvent) string { return e.ID })
	checkPaging(t, f.ctx, list, order)
	_, next, err := f.Audit().List(f.ctx, filter, storage.Page{Limit: 2})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	for _, other := range []storage.AuditFilter{{}, {IdentityID: id2.ID}, {IdentityID: id.ID, From: at(0)}} {
		_, _, err := f.Audit().List(f.ctx, other, storage.Page{Token: next})
		wantErr(t, err, storage.ErrBadPageToken)
	}
}
