package sqlstore_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgSchema gives the test a schema of its own in the database
// COGNATE_TEST_POSTGRES_URL names (the test is skipped without it),
// dropped when the test ends: a connection whose search_path is that
// schema, and the URL that opens a store in it.
func pgSchema(t *testing.T, prefix string) (*pgx.Conn, string) {
	t.Helper()
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("COGNATE_TEST_POSTGRES_URL is not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	t.Cleanup(func() {
		_, _ = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		conn.Close(ctx)
	})
	for _, stmt := range []string{"CREATE SCHEMA " + schema, "SET search_path TO " + schema} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return conn, u.String()
}
