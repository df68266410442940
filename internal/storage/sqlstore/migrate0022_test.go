package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

// oldFile is a job's file stored whole in import_files before 0022.
var oldFile = bytes.Repeat([]byte("ann,ann@example.com\n"), 1000)

// before0022 is a job whose file is stored whole, the blob literal
// fileLit (the dialects spell it apart).
func before0022(fileLit string) []string {
	return []string{
		`INSERT INTO pools (id, region, name, created_at, updated_at) VALUES ('us-east-1_old', 'us-east-1', 'old', 0, 0)`,
		fmt.Sprintf(`INSERT INTO import_jobs (pool_id, id, name, role_arn, status, upload_hash, upload_expires_at, file_size,
			next_row, imported, skipped, failed, message, created_at, started_at, completed_at, version)
			VALUES ('us-east-1_old', 'import-old', 'old', 'arn', 'Created', %s, 0, %d, 0, 0, 0, 0, '', 0, 0, 0, 1)`,
			fileLit, len(oldFile)),
		`INSERT INTO import_files (pool_id, job_id, data) VALUES ('us-east-1_old', 'import-old', ` + fileLit + `)`,
	}
}

// check0022: the file stored before 0022 reads back in ranges, and a new
// put replaces it with chunks.
func check0022(t *testing.T, st storage.Store) {
	t.Helper()
	ctx := context.Background()
	var got []byte
	for off := int64(0); ; off += 7000 {
		part, err := st.ImportJobs().FileRange(ctx, "us-east-1_old", "import-old", off, 7000)
		if err != nil {
			t.Fatal(err)
		}
		if len(part) == 0 {
			break
		}
		got = append(got, part...)
	}
	if !bytes.Equal(got, oldFile) {
		t.Fatalf("the file put before 0022 read back as %d bytes, or changed", len(got))
	}
	if _, err := st.ImportJobs().PutFile(ctx, "us-east-1_old", "import-old", bytes.NewReader([]byte("new"))); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ImportJobs().FileRange(ctx, "us-east-1_old", "import-old", 0, 100); err != nil || string(got) != "new" {
		t.Fatalf("after a new put: %q, %v", got, err)
	}
}

// TestMigration0022SQLite: a job's file stored whole before 0022 stays
// readable.
func TestMigration0022SQLite(t *testing.T) {
	st, _ := openOldSQLite(t, 21, before0022(fmt.Sprintf("X'%x'", oldFile))...)
	check0022(t, st)
}

// TestMigration0022Postgres: the same on PostgreSQL.
func TestMigration0022Postgres(t *testing.T) {
	st, _ := openOldPostgres(t, "m0022", 21, before0022(fmt.Sprintf(`'\x%x'::bytea`, oldFile))...)
	check0022(t, st)
}
