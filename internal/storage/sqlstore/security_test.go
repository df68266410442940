package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// openStores opens a fresh store per backend: SQLite always, PostgreSQL
// when COGNATE_TEST_POSTGRES_URL is set.
func openStores(t *testing.T) map[string]storage.Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]storage.Store{}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	out["sqlite"] = db
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Log("PostgreSQL: skipped (COGNATE_TEST_POSTGRES_URL not set)")
		return out
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cognate_sec_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	u, _ := url.Parse(base)
	u.Path = "/" + name
	pg, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pg.Close()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	out["postgres"] = pg
	return out
}

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// seed creates a pool with one user and returns the pool id and sub.
func seed(t *testing.T, st storage.Store) (string, string) {
	t.Helper()
	ctx := context.Background()
	p := storage.Pool{ID: "us-east-1_sec", Region: "us-east-1", Name: "p", Config: []byte("{}"), CreatedAt: t0, UpdatedAt: t0}
	if err := st.Pools().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	u := storage.User{PoolID: p.ID, Sub: "11111111-2222-3333-4444-555555555555", Username: "u", Status: "CONFIRMED",
		Enabled: true, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "u"}}, CreatedAt: t0, UpdatedAt: t0}
	if err := st.Users().Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	return p.ID, u.Sub
}

func TestSecurityStore(t *testing.T) {
	for name, st := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			poolID, sub := seed(t, st)
			sec := st.Security()

			t.Run("Guard", func(t *testing.T) {
				if _, err := sec.Guard(ctx, poolID, sub); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("absent guard: %v", err)
				}
				g := storage.Guard{PoolID: poolID, Subject: sub, Failures: 6, LockedUntil: t0.Add(2 * time.Second), UpdatedAt: t0}
				if err := sec.PutGuard(ctx, g); err != nil {
					t.Fatal(err)
				}
				got, err := sec.Guard(ctx, poolID, sub)
				if err != nil || got != g {
					t.Fatalf("got %+v, %v; want %+v", got, err, g)
				}
				g.Failures, g.LockedUntil = 7, time.Time{}
				if err := sec.PutGuard(ctx, g); err != nil {
					t.Fatal(err)
				}
				if got, _ := sec.Guard(ctx, poolID, sub); got != g {
					t.Fatalf("replaced: got %+v, want %+v", got, g)
				}
				if err := sec.DeleteGuard(ctx, poolID, sub); err != nil {
					t.Fatal(err)
				}
				if err := sec.DeleteGuard(ctx, poolID, sub); err != nil {
					t.Fatalf("deleting nothing: %v", err)
				}
				if _, err := sec.Guard(ctx, poolID, sub); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("deleted guard: %v", err)
				}
				err = sec.PutGuard(ctx, storage.Guard{PoolID: "us-east-1_none", Subject: "x", UpdatedAt: t0})
				if !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("guard in a missing pool: %v", err)
				}
			})

			t.Run("AddFailure", func(t *testing.T) {
				lock := func(n int) time.Duration {
					if n < 3 {
						return 0
					}
					return time.Duration(n) * time.Second
				}
				for i := 1; i <= 3; i++ {
					g, ok, err := sec.AddFailure(ctx, poolID, "af", t0, lock)
					if err != nil || !ok || g.Failures != i || !g.UpdatedAt.Equal(t0) {
						t.Fatalf("failure %d: %+v %v %v", i, g, ok, err)
					}
					if i < 3 && !g.LockedUntil.IsZero() {
						t.Fatalf("failure %d locked: %+v", i, g)
					}
				}
				// Locked until t0+3s: not counted, state reported.
				g, ok, err := sec.AddFailure(ctx, poolID, "af", t0.Add(time.Second), lock)
				if err != nil || ok || g.Failures != 3 || !g.LockedUntil.Equal(t0.Add(3*time.Second)) {
					t.Fatalf("while locked: %+v %v %v", g, ok, err)
				}
				g, ok, err = sec.AddFailure(ctx, poolID, "af", t0.Add(3*time.Second), lock)
				if err != nil || !ok || g.Failures != 4 || !g.LockedUntil.Equal(t0.Add(7*time.Second)) {
					t.Fatalf("after the lockout: %+v %v %v", g, ok, err)
				}
				if stored, _ := sec.Guard(ctx, poolID, "af"); stored != g {
					t.Fatalf("stored %+v, returned %+v", stored, g)
				}
				// Concurrent attempts on a fresh subject: each is counted once,
				// and none passes the lockout that the third one sets.
				const workers = 8
				var wg sync.WaitGroup
				var mu sync.Mutex
				passed := 0
				for i := 0; i < workers; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, ok, err := sec.AddFailure(ctx, poolID, "burst", t0, lock)
						if err != nil {
							t.Error(err)
						}
						if ok {
							mu.Lock()
							passed++
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				if g, _ := sec.Guard(ctx, poolID, "burst"); passed != 3 || g.Failures != 3 {
					t.Fatalf("burst: %d passed, stored %+v", passed, g)
				}
			})

			t.Run("Hit", func(t *testing.T) {
				for i := 1; i <= 3; i++ {
					n, err := sec.Hit(ctx, poolID, sub, "forgot", t0.Add(time.Duration(i)*time.Minute), time.Hour)
					if err != nil || n != i {
						t.Fatalf("hit %d: %d, %v", i, n, err)
					}
				}
				// Another kind counts apart.
				if n, _ := sec.Hit(ctx, poolID, sub, "verify", t0, time.Hour); n != 1 {
					t.Fatalf("other kind: %d", n)
				}
				// After the window (which began at the first hit), a new one starts.
				if n, _ := sec.Hit(ctx, poolID, sub, "forgot", t0.Add(61*time.Minute+time.Second), time.Hour); n != 1 {
					t.Fatalf("new window: %d", n)
				}
				if n, _ := sec.Hit(ctx, poolID, sub, "forgot", t0.Add(90*time.Minute), time.Hour); n != 2 {
					t.Fatalf("same window: %d", n)
				}
			})

			t.Run("HitConcurrent", func(t *testing.T) {
				const workers = 8
				seen := make(chan int, workers)
				var wg sync.WaitGroup
				for i := 0; i < workers; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						n, err := sec.Hit(ctx, poolID, sub, "race", t0, time.Hour)
						if err != nil {
							t.Error(err)
						}
						seen <- n
					}()
				}
				wg.Wait()
				close(seen)
				got := map[int]bool{}
				for n := range seen {
					got[n] = true
				}
				for i := 1; i <= workers; i++ {
					if !got[i] {
						t.Fatalf("counts %v: %d missing", got, i)
					}
				}
			})

			t.Run("PasswordHistory", func(t *testing.T) {
				for i, h := range []string{"h1", "h2", "h3", "h4"} {
					if err := sec.AddPassword(ctx, poolID, sub, h, t0.Add(time.Duration(i)*time.Second), 3); err != nil {
						t.Fatal(err)
					}
				}
				got, err := sec.Passwords(ctx, poolID, sub, 10)
				if err != nil || len(got) != 3 || got[0] != "h4" || got[2] != "h2" {
					t.Fatalf("history %v, %v", got, err)
				}
				if got, _ := sec.Passwords(ctx, poolID, sub, 1); len(got) != 1 || got[0] != "h4" {
					t.Fatalf("newest one: %v", got)
				}
				if err := sec.AddPassword(ctx, poolID, sub, "h5", t0.Add(time.Minute), 0); err != nil {
					t.Fatal(err)
				}
				if got, _ := sec.Passwords(ctx, poolID, sub, 10); len(got) != 0 {
					t.Fatalf("keep 0 leaves %v", got)
				}
				err = sec.AddPassword(ctx, poolID, "99999999-2222-3333-4444-555555555555", "h", t0, 3)
				if !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("history of a missing user: %v", err)
				}
				// History goes with the user.
				if err := sec.AddPassword(ctx, poolID, sub, "h6", t0, 3); err != nil {
					t.Fatal(err)
				}
			})

			t.Run("DeleteIdle", func(t *testing.T) {
				old := storage.Guard{PoolID: poolID, Subject: "old", Failures: 2, UpdatedAt: t0}
				locked := storage.Guard{PoolID: poolID, Subject: "locked", Failures: 9, LockedUntil: t0.Add(48 * time.Hour), UpdatedAt: t0}
				fresh := storage.Guard{PoolID: poolID, Subject: "fresh", Failures: 1, UpdatedAt: t0.Add(25 * time.Hour)}
				for _, g := range []storage.Guard{old, locked, fresh} {
					if err := sec.PutGuard(ctx, g); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := sec.DeleteIdle(ctx, t0.Add(24*time.Hour)); err != nil {
					t.Fatal(err)
				}
				if _, err := sec.Guard(ctx, poolID, "old"); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("idle guard kept: %v", err)
				}
				for _, s := range []string{"locked", "fresh"} {
					if _, err := sec.Guard(ctx, poolID, s); err != nil {
						t.Fatalf("%s guard: %v", s, err)
					}
				}
				// The windows of the earlier subtests started before t0+24h.
				if n, _ := sec.Hit(ctx, poolID, sub, "verify", t0.Add(30*time.Minute), time.Hour); n != 1 {
					t.Fatalf("window survived DeleteIdle: %d", n)
				}
			})

			t.Run("InTx", func(t *testing.T) {
				err := st.InTx(ctx, func(tx storage.Stores) error {
					if err := tx.Security().PutGuard(ctx, storage.Guard{PoolID: poolID, Subject: "tx", Failures: 1, UpdatedAt: t0}); err != nil {
						return err
					}
					return errors.New("roll back")
				})
				if err == nil {
					t.Fatal("InTx succeeded")
				}
				if _, err := sec.Guard(ctx, poolID, "tx"); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("rolled-back guard: %v", err)
				}
			})

			t.Run("Cascade", func(t *testing.T) {
				if err := st.Users().Delete(ctx, poolID, sub); err != nil {
					t.Fatal(err)
				}
				if got, _ := sec.Passwords(ctx, poolID, sub, 10); len(got) != 0 {
					t.Fatalf("history outlived the user: %v", got)
				}
				if err := st.Pools().Delete(ctx, poolID); err != nil {
					t.Fatal(err)
				}
				if _, err := sec.Guard(ctx, poolID, "fresh"); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("guard outlived the pool: %v", err)
				}
			})
		})
	}
}
