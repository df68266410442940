package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// newBackend opens a new database, closed at the test's end, and returns
// it and its path.
func newBackend(t *testing.T) (*backend, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cognate.db")
	b, err := openBackend(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, path
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
	b, path := newBackend(t)
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
	b, path := newBackend(t)
	before := fileSize(t, path)
	bigWrite(t, b)
	waitForCheckpoint(t, path, before+3000*4000, 10*time.Second)
}

// waitForCheckpoint waits until the database file at path has at least
// size bytes: until a checkpoint copied a large commit into it.
func waitForCheckpoint(t *testing.T, path string, size int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for fileSize(t, path) < size {
		if time.Now().After(deadline) {
			t.Fatalf("%v after the commit the database file has %d bytes, not %d: nothing checkpointed it",
				within, fileSize(t, path), size)
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
	b, path := newBackend(t)
	if _, err := b.Writer().Exec(ctx, `CREATE TABLE big (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	if err := b.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * checkpointEvery) // the checkpointer is idle again
	before := fileSize(t, path)
	var n int
	err := b.Writer().QueryRow(ctx, `INSERT INTO big SELECT randomblob(4000) FROM
		(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c)
		RETURNING 1`, 3000).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	waitForCheckpoint(t, path, before+3000*4000, 5*time.Second)
}

// TestCheckpointFailuresAreReported: a background checkpoint that fails
// is told to OnBackgroundError, once, and not again at every commit
// while the failures go on.
func TestCheckpointFailuresAreReported(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	failures := make(chan error, 10)
	db.OnBackgroundError(func(err error) { failures <- err })
	if err := db.ckpt.db.Close(); err != nil { // every checkpoint fails from now on
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := db.ckpt.writer.ExecContext(ctx, `CREATE TABLE t`+strconv.Itoa(i)+` (x)`); err != nil {
			t.Fatal(err)
		}
		db.ckpt.committed()
		time.Sleep(2 * checkpointEvery)
	}
	select {
	case err := <-failures:
		if !strings.Contains(err.Error(), "checkpoint") {
			t.Errorf("reported %v", err)
		}
	default:
		t.Fatal("no failure was reported")
	}
	if len(failures) != 0 {
		t.Errorf("%d more failures reported within a minute", len(failures))
	}
}
