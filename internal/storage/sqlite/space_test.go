package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/conformance"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestSpacePerUser reports the bytes a user costs (file pages per table
// and index, from dbstat) with COGNATE_SPACE_USERS users, without and with
// a password. It measures; it asserts nothing but that the users fit.
//
//	COGNATE_SPACE_USERS=100000 go test -count=1 -run TestSpacePerUser -v ./internal/storage/sqlite/
func TestSpacePerUser(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("COGNATE_SPACE_USERS"))
	if n <= 0 {
		t.Skip("COGNATE_SPACE_USERS is not set")
	}
	for _, c := range []struct {
		name string
		pw   conformance.SpacePassword
	}{{"NoPassword", conformance.NoPassword}, {"OneVerifier", conformance.OneVerifier}, {"TwoVerifiersText", conformance.TwoVerifiersText}} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cognate.db")
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			if err := db.Pools().Create(t.Context(), storage.Pool{ID: "us-east-1_space", Name: "space", Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			empty := fileSize(t, path)
			if err := conformance.SpaceUsers(t.Context(), db, "us-east-1_space", n, c.pw); err != nil {
				t.Fatal(err)
			}
			db.Close()
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				t.Fatal(err)
			}
			rows, err := raw.Query(`SELECT name, SUM(pgsize) FROM dbstat GROUP BY name HAVING SUM(pgsize) > 65536 ORDER BY 2 DESC`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var name string
				var size int64
				if err := rows.Scan(&name, &size); err != nil {
					t.Fatal(err)
				}
				t.Logf("%-28s %5d B/user", name, size/int64(n))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			t.Logf("file: %d B/user (%d users)", (fileSize(t, path)-empty)/int64(n), n)
		})
	}
}

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
