package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("AuthEvents",
		test{"AddList", testAuthEventAddList},
		test{"WithoutUser", testAuthEventWithoutUser},
		test{"DeleteBefore", testAuthEventDeleteBefore},
		test{"Feedback", testAuthEventFeedback},
	)
}

func wantAuthEvent(e storage.AuthEvent) storage.AuthEvent {
	e.CreatedAt = stored(e.CreatedAt)
	e.Feedback.At = stored(e.Feedback.At)
	if len(e.Details) == 0 {
		e.Details = nil
	}
	return e
}

// authEvent records an event of the user at the given time.
func (f *fixture) authEvent(u storage.User, created time.Time) storage.AuthEvent {
	f.t.Helper()
	e := storage.AuthEvent{PoolID: u.PoolID, Sub: u.Sub, ID: fmt.Sprintf("event-%06d", f.next()), Type: "SignIn",
		Response: "Pass", IPAddress: "192.0.2.1", Details: []byte(`{"ChallengeResponses":[]}`), CreatedAt: created}
	must(f.t, f.AuthEvents().Add(f.ctx, e))
	return e
}

// testAuthEventAddList: a user's events come back whole, newest first (by
// id, descending, within one instant), a page at a time, and no other
// user's events with them.
func testAuthEventAddList(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	other := f.user(p.ID, "bob")
	var want []string
	var first storage.AuthEvent
	for i := 0; i < 5; i++ {
		e := f.authEvent(u, at(time.Duration(i/2)*time.Minute)) // pairs share an instant
		if i == 0 {
			first = e
		}
		want = append([]string{e.ID}, want...)
	}
	f.authEvent(other, at(time.Hour))
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.AuthEvent, string, error) {
		return f.AuthEvents().List(ctx, p.ID, u.Sub, pg)
	}, func(e storage.AuthEvent) string { return e.ID })
	checkPaging(t, f.ctx, list, want)
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	_, _, err = f.AuthEvents().List(f.ctx, p.ID, other.Sub, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)

	es, _, err := f.AuthEvents().List(f.ctx, p.ID, u.Sub, storage.Page{})
	must(t, err)
	same(t, "oldest event", es[len(es)-1], wantAuthEvent(first))
	bare := storage.AuthEvent{PoolID: p.ID, Sub: other.Sub, ID: "bare", CreatedAt: at(2 * time.Hour)}
	must(t, f.AuthEvents().Add(f.ctx, bare))
	es, _, err = f.AuthEvents().List(f.ctx, p.ID, other.Sub, storage.Page{Limit: 1})
	must(t, err)
	same(t, "event with empty values", es, []storage.AuthEvent{wantAuthEvent(bare)})
}

func testAuthEventWithoutUser(t *testing.T, f *fixture) {
	p := f.pool()
	err := f.AuthEvents().Add(f.ctx, storage.AuthEvent{PoolID: p.ID, Sub: f.sub(), ID: "e", CreatedAt: at(0)})
	wantErr(t, err, storage.ErrNotFound)
}

// testAuthEventDeleteBefore: DeleteBefore removes older events of every
// user and counts them; deleting a user removes its events.
func testAuthEventDeleteBefore(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	other := f.user(p.ID, "bob")
	f.authEvent(u, at(0))
	f.authEvent(other, at(time.Second))
	kept := f.authEvent(u, at(time.Hour))
	n, err := f.AuthEvents().DeleteBefore(f.ctx, at(time.Minute))
	must(t, err)
	same(t, "deleted", n, 2)
	es, _, err := f.AuthEvents().List(f.ctx, p.ID, u.Sub, storage.Page{})
	must(t, err)
	same(t, "events left", es, []storage.AuthEvent{wantAuthEvent(kept)})
	must(t, f.Users().Delete(f.ctx, p.ID, u.Sub))
	es, _, err = f.AuthEvents().List(f.ctx, p.ID, u.Sub, storage.Page{})
	must(t, err)
	same(t, "events of a deleted user", len(es), 0)
}

// testAuthEventFeedback: SetFeedback records feedback on one event of one
// user, replaces earlier feedback, and fails with ErrNotFound for an event
// the user does not have; events are added with their feedback too.
func testAuthEventFeedback(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	other := f.user(p.ID, "bob")
	e := f.authEvent(u, at(0))
	untouched := f.authEvent(u, at(time.Second))
	bobs := f.authEvent(other, at(0))

	fb := storage.AuthEventFeedback{Value: "Invalid", Provider: "User", At: at(time.Minute + 1234*time.Nanosecond)}
	must(t, f.AuthEvents().SetFeedback(f.ctx, p.ID, u.Sub, e.ID, fb))
	fb = storage.AuthEventFeedback{Value: "Valid", Provider: "Admin", At: at(time.Hour)}
	must(t, f.AuthEvents().SetFeedback(f.ctx, p.ID, u.Sub, e.ID, fb))
	e.Feedback = fb
	es, _, err := f.AuthEvents().List(f.ctx, p.ID, u.Sub, storage.Page{})
	must(t, err)
	same(t, "events after feedback", es, []storage.AuthEvent{wantAuthEvent(untouched), wantAuthEvent(e)})

	wantErr(t, f.AuthEvents().SetFeedback(f.ctx, p.ID, u.Sub, "no-such-event", fb), storage.ErrNotFound)
	wantErr(t, f.AuthEvents().SetFeedback(f.ctx, p.ID, u.Sub, bobs.ID, fb), storage.ErrNotFound)
	wantErr(t, f.AuthEvents().SetFeedback(f.ctx, f.pool().ID, u.Sub, e.ID, fb), storage.ErrNotFound)
	es, _, err = f.AuthEvents().List(f.ctx, p.ID, other.Sub, storage.Page{})
	must(t, err)
	same(t, "another user's event", es, []storage.AuthEvent{wantAuthEvent(bobs)})

	with := storage.AuthEvent{PoolID: p.ID, Sub: other.Sub, ID: "with-feedback", CreatedAt: at(time.Hour),
		Feedback: storage.AuthEventFeedback{Value: "Valid", Provider: "Admin", At: at(2 * time.Hour)}}
	must(t, f.AuthEvents().Add(f.ctx, with))
	es, _, err = f.AuthEvents().List(f.ctx, p.ID, other.Sub, storage.Page{Limit: 1})
	must(t, err)
	same(t, "event added with feedback", es, []storage.AuthEvent{wantAuthEvent(with)})

	cancelled, cancel := context.WithCancel(f.ctx)
	cancel()
	if err := f.AuthEvents().SetFeedback(cancelled, p.ID, u.Sub, untouched.ID, fb); !errors.Is(err, context.Canceled) {
		t.Errorf("SetFeedback with a cancelled context: %v, want an error wrapping context.Canceled", err)
	}
	es, _, err = f.AuthEvents().List(f.ctx, p.ID, u.Sub, storage.Page{Limit: 1})
	must(t, err)
	same(t, "event after a cancelled SetFeedback", es, []storage.AuthEvent{wantAuthEvent(untouched)})
}
