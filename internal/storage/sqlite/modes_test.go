package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestOpenKeepsFilesPrivate checks that the database and its -wal and -shm
// files are readable by their owner only, whatever the umask, when Open
// creates them and when an earlier start left them readable by others.
func TestOpenKeepsFilesPrivate(t *testing.T) {
	old := syscall.Umask(0) // the loosest umask: nothing is taken away
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "cognate.db")
	files := []string{path, path + "-wal", path + "-shm"}
	check := func(when string) {
		t.Helper()
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %s has mode %v, want 0600", when, filepath.Base(f), fi.Mode().Perm())
			}
		}
	}
	write := func(db *sqlite.DB) {
		t.Helper()
		if err := db.Settings().Put(context.Background(), "probe", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}

	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	write(db)
	check("new database")

	for _, f := range files {
		if err := os.Chmod(f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db2, err := sqlite.Open(t.Context(), path) // the first is still open: its -wal and -shm stay
	if err != nil {
		t.Fatal(err)
	}
	write(db2)
	check("database left 0644")
	db2.Close()
	db.Close()
}
