package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Context",
		test{"Canceled", testContextCanceled},
		test{"DeadlineExceeded", testContextDeadlineExceeded},
		test{"CanceledInTx", testContextCanceledInTx},
	)
}

// calls is one call of each kind of method a store has (single reads,
// listings, single-statement writes, multi-statement writes, writes that
// return rows, transactions), each made with ctx.
func (f *fixture) calls(ctx context.Context) map[string]func() error {
	p, u := f.poolUser()
	c := f.client(p.ID)
	f.code(u, "signup")
	ip := f.identityPool()
	id := f.identity(ip.ID)
	return map[string]func() error{
		"Pools.Get":         func() error { return second(f.Pools().Get(ctx, p.ID)) },
		"Pools.UpdatedAt":   func() error { return second(f.Pools().UpdatedAt(ctx, p.ID)) },
		"Pools.Create":      func() error { return f.Pools().Create(ctx, storage.Pool{ID: "us-east-1_ctx000000"}) },
		"Pools.Delete":      func() error { return f.Pools().Delete(ctx, p.ID) },
		"Pools.List":        func() error { _, _, err := f.Pools().List(ctx, storage.Page{}); return err },
		"Clients.Get":       func() error { return second(f.Clients().Get(ctx, c.ID)) },
		"Users.Create":      func() error { return f.Users().Create(ctx, f.newUser(p.ID, "ctx")) },
		"Users.Put":         func() error { return f.Users().Put(ctx, u) },
		"Users.GetByLookup": func() error { return second(f.Users().GetByLookup(ctx, p.ID, storage.LookupUsername, "alice")) },
		"Users.GetByLookup (not text)": func() error {
			return second(f.Users().GetByLookup(ctx, p.ID, storage.LookupUsername, "\xff"))
		},
		"Users.Create (not text)": func() error { return f.Users().Create(ctx, f.newUser(p.ID, "\x00")) },
		"Users.List":              func() error { _, _, err := f.Users().List(ctx, p.ID, storage.Page{}); return err },
		"Users.Count":             func() error { return second(f.Users().Count(ctx, p.ID)) },
		"Codes.AddAttempt":        func() error { return second(f.Codes().AddAttempt(ctx, p.ID, u.Sub, "signup")) },
		"Tokens.Create":           func() error { return f.Tokens().Create(ctx, f.newToken(c, u)) },
		"Tokens.RevokeUser":       func() error { return second(f.Tokens().RevokeUser(ctx, p.ID, u.Sub, at(0))) },
		"Keys.List":               func() error { return second(f.Keys().List(ctx, p.ID)) },
		"Settings.Get":            func() error { return second(f.Settings().Get(ctx, "x")) },
		"Settings.PutIfAbsent":    func() error { return second(f.Settings().PutIfAbsent(ctx, "x", []byte("v"))) },
		"Identities.AddLogin": func() error {
			return f.Identities().AddLogin(ctx, storage.IdentityLogin{IdentityID: id.ID, IdentityPoolID: ip.ID, Provider: "p", Subject: "s"})
		},
		"Identities.LoginsOfUser": func() error {
			return second(f.Identities().LoginsOfUser(ctx, p.ID, u.Sub))
		},
		"InTx": func() error {
			return f.InTx(ctx, func(tx storage.Stores) error { return tx.Settings().Put(ctx, "x", nil) })
		},
	}
}

// testContextCanceled: every method called with a cancelled context fails
// with an error wrapping context.Canceled, and writes nothing.
func testContextCanceled(t *testing.T, f *fixture) {
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	for name, call := range f.calls(ctx) {
		err := call()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want an error wrapping context.Canceled", name, err)
		}
		noDriverTypes(t, err)
	}
	f.nothingWritten()
}

// testContextDeadlineExceeded: a context past its deadline fails the same
// way, with context.DeadlineExceeded.
func testContextDeadlineExceeded(t *testing.T, f *fixture) {
	ctx, cancel := context.WithDeadline(f.ctx, time.Now().Add(-time.Second))
	defer cancel()
	for name, call := range f.calls(ctx) {
		err := call()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v, want an error wrapping context.DeadlineExceeded", name, err)
		}
		noDriverTypes(t, err)
	}
	f.nothingWritten()
}

// nothingWritten checks that none of the writes in calls happened.
func (f *fixture) nothingWritten() {
	f.t.Helper()
	if _, err := f.Pools().Get(f.ctx, "us-east-1_ctx000000"); !errors.Is(err, storage.ErrNotFound) {
		f.t.Errorf("pool created with a done context: %v", err)
	}
	if _, err := f.Settings().Get(f.ctx, "x"); !errors.Is(err, storage.ErrNotFound) {
		f.t.Errorf("setting written with a done context: %v", err)
	}
	ps, _, err := f.Pools().List(f.ctx, storage.Page{})
	if err != nil || len(ps) != 1 {
		f.t.Errorf("pools: %v, %v; want the fixture's pool, not deleted", ps, err)
	}
}

// testContextCanceledInTx: when ctx is cancelled while fn runs, InTx fails
// with context.Canceled and commits nothing, whether fn notices or not.
func testContextCanceledInTx(t *testing.T, f *fixture) {
	for _, fnReturns := range []string{"nil", "the error"} {
		ctx, cancel := context.WithCancel(f.ctx)
		err := f.InTx(ctx, func(tx storage.Stores) error {
			if err := tx.Settings().Put(ctx, "written", []byte("v")); err != nil {
				return err
			}
			cancel()
			err := tx.Settings().Put(ctx, "after", []byte("v"))
			if fnReturns == "nil" {
				return nil
			}
			return err
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("fn returns %s: InTx = %v, want an error wrapping context.Canceled", fnReturns, err)
		}
		noDriverTypes(t, err)
		for _, name := range []string{"written", "after"} {
			if _, err := f.Settings().Get(f.ctx, name); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("fn returns %s: %q: %v, want ErrNotFound (nothing committed)", fnReturns, name, err)
			}
		}
	}
}
