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

// onDeviceStores runs fn on a fresh store of each backend: SQLite always,
// PostgreSQL when COGNATE_TEST_POSTGRES_URL is set. A pool "p" with users
// "u1" and "u2" exists.
func onDeviceStores(t *testing.T, fn func(t *testing.T, st storage.Store)) {
	ctx := context.Background()
	seed := func(t *testing.T, st storage.Store) {
		t0 := time.Unix(1_800_000_000, 0).UTC()
		if err := st.Pools().Create(ctx, storage.Pool{ID: "p", Region: "us-east-1", Name: "p", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, sub := range []string{"u1", "u2"} {
			err := st.Users().Create(ctx, storage.User{PoolID: "p", Sub: sub, Username: sub, Status: "CONFIRMED",
				Enabled: true, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: sub}}, CreatedAt: t0, UpdatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		seed(t, db)
		fn(t, db)
	})
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Log("PostgreSQL: skipped (COGNATE_TEST_POSTGRES_URL not set)")
		return
	}
	t.Run("postgres", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "cognate_dev_" + hex.EncodeToString(b)
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		u, _ := url.Parse(base)
		u.Path = "/" + name
		db, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			db.Close()
			if conn, err := pgx.Connect(ctx, base); err == nil {
				_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				conn.Close(ctx)
			}
		})
		seed(t, db)
		fn(t, db)
	})
}

func TestDevices(t *testing.T) {
	onDeviceStores(t, func(t *testing.T, st storage.Store) {
		ctx := context.Background()
		t0 := time.Unix(1_800_000_100, 0).UTC()
		d := storage.Device{PoolID: "p", Sub: "u1", Key: "us-east-1_b", GroupKey: "-g", Name: "phone",
			Salt: []byte{1, 2}, VerifierSealed: []byte{3, 4}, Status: "not_remembered", CreatedAt: t0, UpdatedAt: t0}
		if err := st.Devices().Create(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := st.Devices().Create(ctx, d); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("duplicate key: %v, want ErrConflict", err)
		}
		ghost := d
		ghost.Key, ghost.Sub = "us-east-1_z", "nobody"
		if err := st.Devices().Create(ctx, ghost); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("device of a missing user: %v, want ErrNotFound", err)
		}
		for _, k := range []string{"us-east-1_a", "us-east-1_c"} {
			e := d
			e.Key = k
			if err := st.Devices().Create(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		other := d
		other.Key, other.Sub = "us-east-1_d", "u2"
		if err := st.Devices().Create(ctx, other); err != nil {
			t.Fatal(err)
		}

		got, err := st.Devices().Get(ctx, "p", "us-east-1_b")
		if err != nil {
			t.Fatal(err)
		}
		if got.GroupKey != "-g" || string(got.Salt) != "\x01\x02" || string(got.VerifierSealed) != "\x03\x04" ||
			got.Status != "not_remembered" || !got.CreatedAt.Equal(t0) || !got.LastAuthenticatedAt.IsZero() {
			t.Fatalf("got %+v", got)
		}
		got.Status, got.Name, got.LastIP, got.LastAuthenticatedAt = "remembered", "laptop", "192.0.2.1", t0.Add(time.Hour)
		if err := st.Devices().Update(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := st.Devices().Get(ctx, "p", "us-east-1_b")
		if again.Status != "remembered" || again.Name != "laptop" || again.LastIP != "192.0.2.1" ||
			!again.LastAuthenticatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after update %+v", again)
		}

		page1, next, err := st.Devices().List(ctx, "p", "u1", storage.Page{Limit: 2})
		if err != nil || len(page1) != 2 || next == "" || page1[0].Key != "us-east-1_a" || page1[1].Key != "us-east-1_b" {
			t.Fatalf("page 1: %v %q %v", page1, next, err)
		}
		page2, next, err := st.Devices().List(ctx, "p", "u1", storage.Page{Token: next, Limit: 2})
		if err != nil || len(page2) != 1 || next != "" || page2[0].Key != "us-east-1_c" {
			t.Fatalf("page 2: %v %q %v", page2, next, err)
		}

		if err := st.Devices().Delete(ctx, "p", "us-east-1_a"); err != nil {
			t.Fatal(err)
		}
		if err := st.Devices().Delete(ctx, "p", "us-east-1_a"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if err := st.Devices().Update(ctx, storage.Device{PoolID: "p", Key: "us-east-1_a"}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("update of a missing device: %v", err)
		}
		// A user's devices go with the user.
		if err := st.Users().Delete(ctx, "p", "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Devices().Get(ctx, "p", "us-east-1_b"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("device of a deleted user: %v", err)
		}
		if _, err := st.Devices().Get(ctx, "p", "us-east-1_d"); err != nil {
			t.Fatalf("another user's device: %v", err)
		}
		// And with the pool.
		if err := st.Pools().Delete(ctx, "p"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Devices().Get(ctx, "p", "us-east-1_d"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("device of a deleted pool: %v", err)
		}
	})
}

func TestNonces(t *testing.T) {
	onDeviceStores(t, func(t *testing.T, st storage.Store) {
		ctx := context.Background()
		t0 := time.Unix(1_800_000_000, 0).UTC()
		if n, err := st.Nonces().Uses(ctx, []byte("a")); err != nil || n != 0 {
			t.Fatalf("unused: %d %v", n, err)
		}
		for want := 1; want <= 3; want++ {
			if n, err := st.Nonces().Use(ctx, []byte("a"), t0.Add(time.Minute)); err != nil || n != want {
				t.Fatalf("use %d: %d %v", want, n, err)
			}
		}
		if n, err := st.Nonces().Uses(ctx, []byte("a")); err != nil || n != 3 {
			t.Fatalf("uses: %d %v", n, err)
		}
		// Concurrent uses each see a distinct count.
		const workers = 8
		seen := make(chan int, workers)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := st.Nonces().Use(ctx, []byte("b"), t0.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				seen <- n
			}()
		}
		wg.Wait()
		close(seen)
		counts := map[int]bool{}
		for n := range seen {
			counts[n] = true
		}
		if len(counts) != workers {
			t.Fatalf("concurrent counts %v, want %d distinct", counts, workers)
		}
		// A later use moves the expiry later, never earlier.
		if _, err := st.Nonces().Use(ctx, []byte("c"), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Nonces().Use(ctx, []byte("c"), t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		n, err := st.Nonces().DeleteExpired(ctx, t0.Add(2*time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("delete expired: %d %v, want a and b", n, err)
		}
		if n, _ := st.Nonces().Uses(ctx, []byte("c")); n != 2 {
			t.Fatalf("c: %d uses, want 2 (it expires in an hour)", n)
		}
		if n, _ := st.Nonces().Uses(ctx, []byte("a")); n != 0 {
			t.Fatalf("a after expiry: %d uses", n)
		}
	})
}

func TestRefreshTokenRotate(t *testing.T) {
	onDeviceStores(t, func(t *testing.T, st storage.Store) {
		ctx := context.Background()
		t0 := time.Unix(1_800_000_000, 0).UTC()
		if err := st.Clients().Create(ctx, storage.Client{ID: "c", PoolID: "p", Name: "c", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		tok := storage.RefreshToken{ID: []byte("t1"), PoolID: "p", ClientID: "c", Sub: "u1", OriginJTI: "o",
			FamilyID: "f", AuthTime: t0, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := st.Tokens().Create(ctx, tok); err != nil {
			t.Fatal(err)
		}
		const workers = 6
		won := make(chan bool, workers)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.Tokens().Rotate(ctx, []byte("t1"), t0.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				won <- ok
			}()
		}
		wg.Wait()
		close(won)
		winners := 0
		for ok := range won {
			if ok {
				winners++
			}
		}
		if winners != 1 {
			t.Fatalf("%d callers rotated the token, want exactly 1", winners)
		}
		got, err := st.Tokens().Get(ctx, []byte("t1"))
		if err != nil || !got.RotatedAt.Equal(t0.Add(time.Minute)) || !got.RevokedAt.IsZero() {
			t.Fatalf("after rotation: %+v %v", got, err)
		}
		if _, err := st.Tokens().Rotate(ctx, []byte("nope"), t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("rotate a missing token: %v", err)
		}
	})
}
