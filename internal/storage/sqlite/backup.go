package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database at path to out, which
// must not exist, while servers go on reading and writing it: VACUUM INTO
// reads the database in one read transaction (WAL lets writers go on
// meanwhile), so the copy holds every transaction committed before it
// began and none committed after. out is created readable by its owner
// only and fsynced. The copy is a complete database: it needs no WAL file.
func Backup(ctx context.Context, path, out string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	f, err := os.OpenFile(out, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	f.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(out)
		}
	}()
	db, err := sql.Open("sqlite", fmt.Sprintf("%s?_busy_timeout=%d", path, busyTimeoutMS))
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("sqlite: backup: %w", convert(err))
	}
	if err := syncFile(out); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	done = true
	return nil
}

// Restore replaces the database at path with the backup from (made by
// Backup), after checking that it is a sound Cognate database. No process
// may have path open: the server must be stopped. The old database's WAL
// and shared-memory files are removed first, so none of its transactions
// is applied to the restored file, and the backup is copied beside path,
// fsynced and renamed over it, so that path is always one whole database.
func Restore(ctx context.Context, from, path string) error {
	if err := checkBackup(ctx, from); err != nil {
		return err
	}
	tmp := path + ".restore"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	for _, name := range []string{path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("sqlite: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// checkBackup opens from read-only and checks its integrity and that it
// has Cognate's schema.
func checkBackup(ctx context.Context, from string) error {
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+from+"?mode=ro")
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil || check != "ok" {
		return fmt.Errorf("sqlite: restore: %s is not a sound SQLite database (%v %s)", from, convert(err), check)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("sqlite: restore: %s is not a Cognate database", from)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, privateMode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs directories
	return nil
}
