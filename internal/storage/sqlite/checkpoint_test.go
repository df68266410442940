package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
)

// bigWrite commits about 12 MiB (3,000 pages of 4 KiB, past SQLite's
// default autocheckpoint of 1,000) in one transaction on the writer.
func bigWrite(t *testing.T, b *backend) {
	t.Helper()
	err := b.Tx(context.Background(), sqlstore.Atomic, func(q sqlstore.Querier) error {
		if _, err := q.Exec(context.Background(), `CREATE TABLE IF NOT EXISTS big (b BLOB)`); err != nil {
			return err
		}
		_, err := q.Exec(context.Background(), `INSERT INTO big SELECT randomblob(4000) FROM
			(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x FROM c)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestCommitDoesNotCheckpoint: with the background checkpointer stopped, a
// commit that takes the WAL far past 1,000 pages leaves the database file
// as it was (SQLite's autocheckpoint would have copied the WAL into it
// inside the commit, holding the writer); Checkpoint then copies all of it.
func TestCommitDoesNotCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cognate.db")
	b, err := openBackend(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var auto int
	if err := b.write.db.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
	b.ckpt.stop()
	b.ckpt.done.Wait()
	if err := b.Checkpoint(ctx); err != nil { // the migrations' pages
		t.Fatal(err)
	}
	before := fileSize(t, path)

	bigWrite(t, b)
	if after := fileSize(t, path); after != before {
		t.Fatalf("the commit changed the database file from %d to %d bytes: it checkpointed", before, after)
	}
	if err := b.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if after := fileSize(t, path); after < before+3000*4000 {
		t.Errorf("after Checkpoint the database file has %d bytes, want at least %d", after, before+3000*4000)
	}
	if left, err := b.ckpt.checkpoint(ctx); err != nil || left != 0 {
		t.Errorf("after Checkpoint %d frames are left in the WAL (%v), want 0", left, err)
	}
}

// TestCheckpointerCopiesCommits: the background checkpointer, woken by a
// commit, copies the WAL into the database file without being asked.
func TestCheckpointerCopiesCommits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cognate.db")
	b, err := openBackend(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	before := fileSize(t, path)
	bigWrite(t, b)
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) < before+3000*4000 {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the commit the database file has %d bytes (%d before): nothing checkpointed it",
				fileSize(t, path), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCheckpointerCopiesSingleStatementUpserts: a write made through the
// writer's QueryRow outside a transaction (the upserts that return a
// count: nonces, rate limits, lockout) wakes the checkpointer too. With
// the writer's autocheckpoint off, a stream of such writes alone (a flood
// of refused sign-ins) would otherwise grow the WAL without end.
func TestCheckpointerCopiesSingleStatementUpserts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cognate.db")
	b, err := openBackend(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Writer().Exec(ctx, `CREATE TABLE big (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	if err := b.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * checkpointEvery) // the checkpointer is idle again
	before := fileSize(t, path)
	var n int
	err = b.Writer().QueryRow(ctx, `INSERT INTO big SELECT randomblob(4000) FROM
		(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c)
		RETURNING 1`, 3000).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, path) < before+3000*4000 {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after the upsert the database file has %d bytes (%d before): nothing checkpointed it",
				fileSize(t, path), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
