package postgres_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/conformance"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
)

// TestSpacePerUser reports the bytes a user costs (pg_relation_size of
// each table and index, after VACUUM) with COGNATE_SPACE_USERS users,
// without and with a password. It measures; it asserts nothing but that
// the users fit.
//
//	COGNATE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres COGNATE_SPACE_USERS=100000 \
//	  go test -count=1 -run TestSpacePerUser -v ./internal/storage/postgres/
func TestSpacePerUser(t *testing.T) {
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	n, _ := strconv.Atoi(os.Getenv("COGNATE_SPACE_USERS"))
	if base == "" || n <= 0 {
		t.Skip("COGNATE_TEST_POSTGRES_URL or COGNATE_SPACE_USERS is not set")
	}
	for _, c := range []struct {
		name string
		pw   conformance.SpacePassword
	}{{"NoPassword", conformance.NoPassword}, {"OneVerifier", conformance.OneVerifier}, {"TwoVerifiersText", conformance.TwoVerifiersText}} {
		t.Run(c.name, func(t *testing.T) {
			url := freshDatabase(t, base)
			db, err := postgres.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			now := time.Now()
			if err := db.Pools().Create(t.Context(), storage.Pool{ID: "us-east-1_space", Name: "space", Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := conformance.SpaceUsers(t.Context(), db, "us-east-1_space", n, c.pw); err != nil {
				t.Fatal(err)
			}
			conn := connect(t, url)
			exec(t, conn, "VACUUM ANALYZE")
			rows, err := conn.Query(t.Context(), `SELECT c.relname, pg_relation_size(c.oid)
				FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
				WHERE s.nspname = current_schema() AND pg_relation_size(c.oid) > 65536 ORDER BY 2 DESC`)
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			for rows.Next() {
				var name string
				var size int64
				if err := rows.Scan(&name, &size); err != nil {
					t.Fatal(err)
				}
				total += size
				t.Logf("%-28s %5d B/user", name, size/int64(n))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			var toast int64
			if err := conn.QueryRow(t.Context(), `SELECT COALESCE(SUM(pg_total_relation_size(c.oid) - pg_relation_size(c.oid) - pg_indexes_size(c.oid)), 0)
				FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
				WHERE s.nspname = current_schema() AND c.relkind = 'r'`).Scan(&toast); err != nil {
				t.Fatal(err)
			}
			t.Logf("toast and maps: %d B/user; total: %d B/user (%d users)", toast/int64(n), (total+toast)/int64(n), n)
		})
	}
}
