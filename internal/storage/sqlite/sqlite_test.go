package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/conformance"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestConformance runs the storage suite on a new database file per test.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) storage.Store {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "cognate.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
