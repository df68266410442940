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
	register("Transactions",
		test{"Commit", testTxCommit},
		test{"Rollback", testTxRollback},
		test{"RollbackChanges", testTxRollbackChanges},
		test{"Panic", testTxPanic},
		test{"FailedMethodKeepsTx", testTxFailedMethodKeepsTx},
		test{"ReadsOwnWrites", testTxReadsOwnWrites},
		test{"Isolation", testTxIsolation},
		test{"ErrorTypePassesThrough", testTxErrorTypePassesThrough},
	)
}

var errRollback = errors.New("conformance: roll back")

// txWrites writes one of everything inside tx: a pool with a client, a
// user (with a code and a token) and a key, a setting, an identity pool
// with an identity linked to the user.
func (f *fixture) txWrites(tx storage.Stores) (poolContents, error) {
	var c poolContents
	ctx := f.ctx
	c.pool = storage.Pool{ID: f.poolID(), Region: "us-east-1", CreatedAt: at(0)}
	c.client = storage.Client{ID: f.clientID(), PoolID: c.pool.ID, CreatedAt: at(0)}
	c.user = f.newUser(c.pool.ID, "alice")
	c.code = storage.Code{PoolID: c.pool.ID, Sub: c.user.Sub, Purpose: "signup", Hash: []byte("h"), CreatedAt: at(0)}
	c.token = f.newToken(c.client, c.user)
	c.key = storage.SigningKey{ID: fmt.Sprintf("kid-tx-%d", f.next()), PoolID: c.pool.ID, Use: "id", CreatedAt: at(0)}
	ip := storage.IdentityPool{ID: f.identityID(), CreatedAt: at(0)}
	id := storage.Identity{ID: f.identityID(), PoolID: ip.ID, CreatedAt: at(0)}
	c.login = storage.IdentityLogin{IdentityID: id.ID, IdentityPoolID: ip.ID, Provider: userProvider(c.pool.ID),
		Subject: c.user.Sub, UserPoolID: c.pool.ID, UserSub: c.user.Sub, CreatedAt: at(0)}
	for _, step := range []func() error{
		func() error { return tx.Pools().Create(ctx, c.pool) },
		func() error { return tx.Clients().Create(ctx, c.client) },
		func() error { return tx.Users().Create(ctx, c.user) },
		func() error { return tx.Codes().Put(ctx, c.code) },
		func() error { return tx.Tokens().Create(ctx, c.token) },
		func() error { return tx.Keys().Create(ctx, c.key) },
		func() error { return tx.Settings().Put(ctx, "tx-"+c.pool.ID, []byte("v")) },
		func() error { return tx.Identities().CreatePool(ctx, ip) },
		func() error { return tx.Identities().Create(ctx, id) },
		func() error { return tx.Identities().AddLogin(ctx, c.login) },
	} {
		if err := step(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// absent fails the test if anything txWrites wrote is stored.
func (f *fixture) absent(c poolContents) {
	f.t.Helper()
	ctx := f.ctx
	errs := []error{
		second(f.Pools().Get(ctx, c.pool.ID)),
		second(f.Clients().Get(ctx, c.client.ID)),
		second(f.Users().GetByLookup(ctx, c.pool.ID, storage.LookupUsername, "alice")),
		second(f.Codes().Get(ctx, c.pool.ID, c.user.Sub, "signup")),
		second(f.Tokens().Get(ctx, c.token.ID)),
		second(f.Settings().Get(ctx, "tx-"+c.pool.ID)),
		second(f.Identities().GetPool(ctx, c.login.IdentityPoolID)),
		second(f.Identities().Get(ctx, c.login.IdentityID)),
		second(f.Identities().FindLogin(ctx, c.login.IdentityPoolID, c.login.Provider, c.login.Subject)),
	}
	for i, err := range errs {
		if !errors.Is(err, storage.ErrNotFound) {
			f.t.Fatalf("check %d: %v; want ErrNotFound after the rollback", i, err)
		}
	}
	if ks := f.keys(c.pool.ID); len(ks) != 0 {
		f.t.Fatalf("keys after the rollback: %v", ks)
	}
}

func second[T any](_ T, err error) error { return err }

func testTxCommit(t *testing.T, f *fixture) {
	var c poolContents
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		var err error
		c, err = f.txWrites(tx)
		return err
	}))
	f.present(c)
	if _, err := f.Settings().Get(f.ctx, "tx-"+c.pool.ID); err != nil {
		t.Fatalf("setting: %v", err)
	}
}

// testTxRollback: when fn fails, InTx returns its error and nothing fn
// wrote is stored; the ids it used are free.
func testTxRollback(t *testing.T, f *fixture) {
	var c poolContents
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		var err error
		if c, err = f.txWrites(tx); err != nil {
			return err
		}
		return errRollback
	})
	wantErr(t, err, errRollback)
	f.absent(c)
	must(t, f.Pools().Create(f.ctx, c.pool))
	must(t, f.Users().Create(f.ctx, c.user))
}

// testTxRollbackChanges: a rollback undoes updates and deletes too.
func testTxRollbackChanges(t *testing.T, f *fixture) {
	ip := f.identityPool()
	c := f.fullPool(f.identity(ip.ID))
	err := f.InTx(f.ctx, func(tx storage.Stores) error {
		ctx := f.ctx
		renamed := c.pool
		renamed.Name = "renamed"
		u := c.user
		u.Lookups = []storage.Lookup{{Kind: storage.LookupUsername, Key: "renamed"}}
		for _, step := range []func() error{
			func() error { return tx.Pools().Update(ctx, renamed) },
			func() error { return tx.Users().Put(ctx, u) },
			func() error { return tx.Tokens().Revoke(ctx, c.token.ID, at(time.Hour)) },
			func() error { return tx.Keys().Retire(ctx, c.key.ID, at(time.Hour)) },
			func() error { _, err := tx.Codes().AddAttempt(ctx, c.pool.ID, c.user.Sub, "signup"); return err },
			func() error { return tx.Identities().RemoveLogin(ctx, ip.ID, c.login.Provider, c.login.Subject) },
			func() error { return tx.Users().Delete(ctx, c.pool.ID, c.user.Sub) },
			func() error { return tx.Pools().Delete(ctx, c.pool.ID) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return errRollback
	})
	wantErr(t, err, errRollback)
	f.present(c)
	got, err := f.Pools().Get(f.ctx, c.pool.ID)
	must(t, err)
	same(t, "pool", got, wantPool(c.pool))
	same(t, "user", f.getUser(c.pool.ID, c.user.Sub), wantUser(c.user))
	same(t, "token", f.getToken(c.token.ID), wantToken(c.token))
	same(t, "keys", f.keys(c.pool.ID), wantKeys(c.key))
	same(t, "code", f.getCode(c.user, "signup"), wantCode(c.code))
}

// testTxPanic: a panic in fn rolls the transaction back and reaches the
// caller, and the store stays usable (an HTTP server recovers handler
// panics and carries on).
func testTxPanic(t *testing.T, f *fixture) {
	var c poolContents
	func() {
		defer func() {
			if r := recover(); r != errRollback {
				t.Fatalf("recovered %v, want the panic of fn", r)
			}
		}()
		_ = f.InTx(f.ctx, func(tx storage.Stores) error {
			var err error
			if c, err = f.txWrites(tx); err != nil {
				t.Errorf("writes: %v", err)
			}
			panic(errRollback)
		})
	}()
	// A transaction left open would hold the writer (SQLite) or the rows
	// fn wrote (PostgreSQL): writing them again would wait forever.
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	f.ctx = ctx
	f.absent(c)
	must(t, f.Pools().Create(ctx, c.pool))
	must(t, f.Users().Create(ctx, c.user))
	must(t, f.InTx(ctx, func(tx storage.Stores) error { return tx.Settings().Put(ctx, "after", nil) }))
}

// testTxFailedMethodKeepsTx: a method that fails inside InTx changes
// nothing and leaves the transaction usable; what fn does after it
// commits.
func testTxFailedMethodKeepsTx(t *testing.T, f *fixture) {
	p, alice := f.poolUser()
	bob := f.user(p.ID, "bob")
	carol := f.newUser(p.ID, "carol")
	var c poolContents
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		ctx := f.ctx
		taken := bob
		taken.Status = "DISABLED"
		taken.Lookups = []storage.Lookup{{Kind: storage.LookupEmail, Key: "bob@new"}, {Kind: storage.LookupUsername, Key: "alice"}}
		dup := carol
		dup.Lookups = append(dup.Lookups, alice.Lookups...)
		for _, fail := range []struct {
			err  error
			want error
		}{
			{tx.Users().Put(ctx, taken), storage.ErrConflict}, // several statements, the last one fails
			{tx.Users().Create(ctx, dup), storage.ErrConflict},
			{tx.Pools().Create(ctx, p), storage.ErrConflict},
			{tx.Clients().Create(ctx, storage.Client{ID: f.clientID(), PoolID: "us-east-1_missing00"}), storage.ErrNotFound},
			{tx.Codes().Delete(ctx, p.ID, bob.Sub, "signup"), storage.ErrNotFound},
			{second(tx.Codes().AddAttempt(ctx, p.ID, bob.Sub, "signup")), storage.ErrNotFound},
			{tx.Users().Delete(ctx, p.ID, f.sub()), storage.ErrNotFound},
		} {
			wantErr(t, fail.err, fail.want)
		}
		if err := tx.Users().Create(ctx, carol); err != nil {
			return err
		}
		var err error
		c, err = f.txWrites(tx)
		return err
	}))
	same(t, "bob", f.getUser(p.ID, bob.Sub), wantUser(bob))
	if _, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupEmail, "bob@new"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the refused Put's lookup: %v; want ErrNotFound", err)
	}
	same(t, "carol", f.getUser(p.ID, carol.Sub), wantUser(carol))
	f.present(c)
}

// testTxReadsOwnWrites: inside InTx every read sees what fn wrote before.
func testTxReadsOwnWrites(t *testing.T, f *fixture) {
	p, alice := f.poolUser()
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		ctx := f.ctx
		c, err := f.txWrites(tx)
		if err != nil {
			return err
		}
		checks := []error{
			second(tx.Pools().Get(ctx, c.pool.ID)),
			second(tx.Clients().Get(ctx, c.client.ID)),
			second(tx.Users().GetByLookup(ctx, c.pool.ID, storage.LookupUsername, "alice")),
			second(tx.Codes().Get(ctx, c.pool.ID, c.user.Sub, "signup")),
			second(tx.Tokens().GetByOrigin(ctx, c.token.OriginJTI)),
			second(tx.Settings().Get(ctx, "tx-"+c.pool.ID)),
			second(tx.Identities().FindLogin(ctx, c.login.IdentityPoolID, c.login.Provider, c.login.Subject)),
		}
		for i, err := range checks {
			if err != nil {
				t.Errorf("read %d inside the transaction: %v", i, err)
			}
		}
		if ks, err := tx.Keys().List(ctx, c.pool.ID); err != nil || len(ks) != 1 {
			t.Errorf("keys inside the transaction: %v, %v", ks, err)
		}
		if ls, err := tx.Identities().LoginsOfUser(ctx, c.pool.ID, c.user.Sub); err != nil || len(ls) != 1 {
			t.Errorf("LoginsOfUser inside the transaction: %v, %v", ls, err)
		}
		if cs, _, err := tx.Clients().List(ctx, c.pool.ID, storage.Page{}); err != nil || len(cs) != 1 {
			t.Errorf("clients inside the transaction: %v, %v", cs, err)
		}

		if err := tx.Users().Delete(ctx, p.ID, alice.Sub); err != nil {
			return err
		}
		if _, err := tx.Users().GetBySub(ctx, p.ID, alice.Sub); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a user deleted inside the transaction: %v", err)
		}
		if n, err := tx.Users().Count(ctx, p.ID); err != nil || n != 0 {
			t.Errorf("Count inside the transaction = %d, %v; want 0", n, err)
		}
		return nil
	}))
}

// testTxIsolation: until InTx commits, its writes are invisible outside.
func testTxIsolation(t *testing.T, f *fixture) {
	p := f.pool()
	var c poolContents
	must(t, f.InTx(f.ctx, func(tx storage.Stores) error {
		renamed := p
		renamed.Name = "renamed"
		if err := tx.Pools().Update(f.ctx, renamed); err != nil {
			return err
		}
		var err error
		if c, err = f.txWrites(tx); err != nil {
			return err
		}
		f.absent(c) // reads outside the transaction (not writes: see Store.InTx)
		got, err := f.Pools().Get(f.ctx, p.ID)
		if err != nil {
			return err
		}
		same(t, "pool read outside the transaction", got, wantPool(p))
		return nil
	}))
	f.present(c)
}

type txError struct{ code int }

func (e *txError) Error() string { return fmt.Sprintf("tx error %d", e.code) }

// testTxErrorTypePassesThrough: InTx returns fn's error so that callers
// can inspect it with errors.As.
func testTxErrorTypePassesThrough(t *testing.T, f *fixture) {
	err := f.InTx(f.ctx, func(tx storage.Stores) error { return &txError{code: 7} })
	var te *txError
	if !errors.As(err, &te) || te.code != 7 {
		t.Fatalf("InTx = %v, want fn's *txError", err)
	}
}
