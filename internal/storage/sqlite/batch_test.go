package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func event(id string) storage.AuditEvent {
	return storage.AuditEvent{ID: id, Time: time.Now(), Type: "CredentialsIssued", IdentityID: "us-east-1:" + id}
}

// holdWriter keeps the single writer busy in a transaction until the
// returned function is called, so that writes made meanwhile queue up and
// commit as one group.
func holdWriter(t *testing.T, db *sqlite.DB) (release func()) {
	t.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := db.InTx(context.Background(), func(tx storage.Stores) error {
			close(held)
			<-done
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}()
	<-held
	return func() { close(done); wg.Wait() }
}

func auditIDs(t *testing.T, db *sqlite.DB) map[string]bool {
	t.Helper()
	events, _, err := db.Audit().List(context.Background(), storage.AuditFilter{}, storage.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range events {
		ids[e.ID] = true
	}
	return ids
}

// TestGroupCommitIsolatesStatements checks that writes committed together
// keep their own outcomes: a conflicting insert fails alone, the others in
// its group are all stored.
func TestGroupCommitIsolatesStatements(t *testing.T) {
	db := openDB(t)
	if err := db.Audit().Record(t.Context(), event("taken")); err != nil {
		t.Fatal(err)
	}
	release := holdWriter(t, db)
	const n = 48
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("e%02d", i)
			if i%8 == 0 {
				id = "taken"
			}
			errs[i] = db.Audit().Record(context.Background(), event(id))
		}()
	}
	time.Sleep(100 * time.Millisecond) // let them queue behind the transaction
	release()
	wg.Wait()
	ids := auditIDs(t, db)
	for i, err := range errs {
		if i%8 == 0 {
			if !errors.Is(err, storage.ErrConflict) {
				t.Errorf("write %d of a taken id: %v, want ErrConflict", i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if id := fmt.Sprintf("e%02d", i); !ids[id] {
			t.Errorf("event %s was not stored", id)
		}
	}
	if len(ids) != 1+n-n/8 {
		t.Errorf("%d events stored, want %d", len(ids), 1+n-n/8)
	}
}

// TestGroupCommitCancelled checks that a write whose context ends while it
// waits for the writer fails at once with the context's error and writes
// nothing, and that the writes queued with it still commit.
func TestGroupCommitCancelled(t *testing.T) {
	db := openDB(t)
	release := holdWriter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- db.Audit().Record(ctx, event("cancelled")) }()
	time.Sleep(50 * time.Millisecond) // the first write now leads, waiting for the writer
	second := make(chan error, 1)
	go func() { second <- db.Audit().Record(context.Background(), event("kept")) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-first:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled write: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled write still waits for the writer")
	}
	release()
	if err := <-second; err != nil {
		t.Fatalf("write queued behind a cancelled one: %v", err)
	}
	ids := auditIDs(t, db)
	if ids["cancelled"] || !ids["kept"] {
		t.Fatalf("stored %v, want only kept", ids)
	}
}
