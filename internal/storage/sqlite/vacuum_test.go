package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestDeletedPoolGivesSpaceBack: deleting a pool of 5,000 users shrinks the
// database file (auto_vacuum = INCREMENTAL and ReclaimSpace), and another
// pool's user stays readable. The store is observed and traced, as the
// server's is.
func TestDeletedPoolGivesSpaceBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cognate.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Observe(func(string, time.Duration, error) {})
	db.Trace(func(ctx context.Context, _ string) (context.Context, func(error)) { return ctx, func(error) {} })
	now := time.Now()
	user := func(pool string, i int) storage.User {
		name := fmt.Sprintf("user%05d", i)
		return storage.User{PoolID: pool, Sub: fmt.Sprintf("%s-%08d-0000-4000-8000-000000000000", pool[len(pool)-4:], i),
			Username: name, Status: "CONFIRMED", Enabled: true,
			Attributes: map[string]string{"email": name + "@example.com", "name": "A name of some length " + name},
			Lookups:    []storage.Lookup{{Kind: storage.LookupUsername, Key: name}}, CreatedAt: now, UpdatedAt: now}
	}
	for _, id := range []string{"us-east-1_big1", "us-east-1_kept"} {
		if err := db.Pools().Create(ctx, storage.Pool{ID: id, Name: id, Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Users().Create(ctx, user("us-east-1_kept", 1)); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx storage.Stores) error {
		for i := range 5000 {
			if err := tx.Users().Create(ctx, user("us-east-1_big1", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	full := checkpointedSize(t, path)
	if err := db.Pools().Delete(ctx, "us-east-1_big1"); err != nil {
		t.Fatal(err)
	}
	after := checkpointedSize(t, path)
	if after > full/3 {
		t.Errorf("database file %d bytes with 5,000 users, %d after their pool's deletion; want a third or less", full, after)
	}
	if _, err := db.Users().GetBySub(ctx, "us-east-1_kept", user("us-east-1_kept", 1).Sub); err != nil {
		t.Errorf("the other pool's user: %v", err)
	}
}

// checkpointedSize copies the WAL into the database file and returns the
// file's size. It tries again while the store's own checkpointer holds the
// checkpoint lock (busy, at once: no busy handler waits for that lock).
func checkpointedSize(t *testing.T, path string) int64 {
	t.Helper()
	c, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var busy, log, done int
		if err := c.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &done); err != nil {
			t.Fatalf("checkpoint: %v", err)
		}
		if busy == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("checkpoint: busy for 10 s")
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
