package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// outboxDir is the development outbox, inside the data directory.
const outboxDir = "outbox"

// restrictDataDir makes an existing data directory, and the outbox in it,
// accessible by their owner only (0700), and the messages in the outbox
// readable by their owner only (0600): the directory holds the database,
// the master key and messages with codes, and may have been created 0755
// by hand or by an older Cognate. It creates nothing. The database files
// are the storage backend's (sqlite.Open restricts them); the master key
// file is refused by secret.LoadKeyRing unless it is private already.
func restrictDataDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := restrict(dir, 0o700); err != nil || !isDir(dir) {
		return err
	}
	outbox := filepath.Join(dir, outboxDir)
	if err := restrict(outbox, 0o700); err != nil || !isDir(outbox) {
		return err
	}
	entries, err := os.ReadDir(outbox)
	if err != nil {
		return fmt.Errorf("app: outbox: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := restrict(filepath.Join(outbox, e.Name()), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// restrict gives path the mode perm when it exists with another one.
func restrict(path string, perm fs.FileMode) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("app: data directory: %w", err)
	}
	if fi.Mode().Perm() == perm {
		return nil
	}
	if err := os.Chmod(path, perm); err != nil {
		return fmt.Errorf("app: restricting %s to its owner: %w", path, err)
	}
	return nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
