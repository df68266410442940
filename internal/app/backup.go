package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// errPostgresBackup answers backup and restore for PostgreSQL, which has
// its own tools.
var errPostgresBackup = errors.New("PostgreSQL is backed up with pg_dump and restored with pg_restore (see the README); " +
	"backup and restore are for the SQLite database of a --data-dir")

// Backup writes a consistent snapshot of the SQLite database in cfg's data
// directory to out (a new file, mode 0600) while a server may be serving
// from it. The master key is not in it: keep the key apart (the data
// directory's master.key, or COGNATE_MASTER_KEY); the snapshot's secrets
// open only with it.
func Backup(ctx context.Context, cfg config.Config, out string) error {
	if cfg.DatabaseURL != "" {
		return errPostgresBackup
	}
	if err := checkExisting(cfg); err != nil {
		return err
	}
	return sqlite.Backup(ctx, filepath.Join(cfg.DataDir, sqliteFile), out)
}

// Restore makes the backup from the SQLite database of cfg's data
// directory (created if missing), replacing the one there. The server must
// be stopped; it needs the master key the backup was made under.
func Restore(ctx context.Context, cfg config.Config, from string) error {
	if cfg.DatabaseURL != "" {
		return errPostgresBackup
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("app: data directory: %w", err)
	}
	if err := restrictDataDir(cfg.DataDir); err != nil {
		return err
	}
	return sqlite.Restore(ctx, from, filepath.Join(cfg.DataDir, sqliteFile))
}
