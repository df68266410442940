package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/conformance"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
)

// TestConformance runs the storage suite when COGNATE_TEST_POSTGRES_URL
// names a server. It creates a database for the run and gives each test a
// new, empty schema in it (creating a database per test costs a
// checkpoint, a second or more on a busy machine).
func TestConformance(t *testing.T) {
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("COGNATE_TEST_POSTGRES_URL is not set; set it to a PostgreSQL server URL to run the suite on PostgreSQL")
	}
	db := freshDatabase(t, base)
	admin := connect(t, db)
	conformance.Run(t, func(t *testing.T) storage.Store {
		s, err := postgres.Open(t.Context(), freshSchema(t, admin, db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// freshDatabase creates an empty database on the server at base, drops it
// when the test ends, and returns its URL.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	conn := connect(t, base)
	name := "cognate_storage_" + randomHex()
	exec(t, conn, "CREATE DATABASE "+name)
	t.Cleanup(func() { exec(t, conn, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return withURL(t, base, func(u *url.URL) { u.Path = "/" + name })
}

// freshSchema creates an empty schema in the database at dbURL (through
// conn, a connection to it), drops it when the test ends, and returns a
// URL whose connections use it.
func freshSchema(t *testing.T, conn *pgx.Conn, dbURL string) string {
	t.Helper()
	name := "s_" + randomHex()
	exec(t, conn, "CREATE SCHEMA "+name)
	t.Cleanup(func() { exec(t, conn, "DROP SCHEMA "+name+" CASCADE") })
	return withURL(t, dbURL, func(u *url.URL) {
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
	})
}

// connect opens a connection for the test's setup, closed when it ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func withURL(t *testing.T, raw string, change func(u *url.URL)) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	change(u)
	return u.String()
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
