package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

var ctx = context.Background()

// forEachBackend runs fn as a subtest on a fresh store of each backend:
// SQLite always, PostgreSQL when COGNATE_TEST_POSTGRES_URL is set.
func forEachBackend(t *testing.T, fn func(t *testing.T, st storage.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t, filepath.Join(t.TempDir(), "db.sqlite"))) })
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Log("PostgreSQL: skipped (COGNATE_TEST_POSTGRES_URL not set)")
		return
	}
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(ctx, freshDatabase(t, base))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db)
	})
}

func openSQLite(t *testing.T, path string) storage.Store {
	t.Helper()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// freshDatabase creates an empty PostgreSQL database for one test and
// drops it afterwards.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cognate_store_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// mkPool creates a pool.
func mkPool(t *testing.T, st storage.Stores, id string) {
	t.Helper()
	if err := st.Pools().Create(ctx, storage.Pool{ID: id, Region: "us-east-1", Name: id, Config: []byte("{}"),
		CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
		t.Fatal(err)
	}
}

// mkUser creates a confirmed, enabled user whose username key is username.
func mkUser(t *testing.T, st storage.Stores, poolID, sub, username string, attrs map[string]string) storage.User {
	t.Helper()
	u := storage.User{PoolID: poolID, Sub: sub, Username: username, Status: "CONFIRMED", Enabled: true,
		Attributes: attrs, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: username}},
		CreatedAt: epoch, UpdatedAt: epoch}
	if err := st.Users().Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}
