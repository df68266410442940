package sqlite

import (
	"context"
	"fmt"
)

// A new database is made with auto_vacuum = INCREMENTAL, so that the pages
// a deletion frees can go back to the file system: after a pool's
// deletion, ReclaimSpace moves the last pages of the file into the free
// ones and truncates it, reclaimPages at a time. (A database made before,
// with auto_vacuum = NONE, keeps its free pages for reuse; SQLite converts
// it only by a VACUUM: with the server stopped,
// `sqlite3 cognate.db 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM'`.)

// reclaimPages is how many free pages one transaction of ReclaimSpace gives
// back: 4 MiB of 4 KiB pages, a few milliseconds of writing, so that other
// writes wait for one such transaction at most.
const reclaimPages = 1024

// ReclaimSpace gives the database's free pages back to the file system,
// reclaimPages per transaction, until none are left (at once on a database
// without incremental vacuum, which frees none).
func (b *backend) ReclaimSpace(ctx context.Context) error {
	for {
		n, err := b.incrementalVacuum(ctx)
		if err != nil {
			return fmt.Errorf("sqlite: incremental vacuum: %w", convert(err))
		}
		if n < reclaimPages {
			return nil
		}
	}
}

// incrementalVacuum frees up to reclaimPages pages in one transaction and
// returns how many it freed (the pragma returns a row per page).
func (b *backend) incrementalVacuum(ctx context.Context) (int, error) {
	tx, err := b.write.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("PRAGMA incremental_vacuum(%d)", reclaimPages))
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}
