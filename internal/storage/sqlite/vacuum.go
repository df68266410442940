package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// A new database is made with auto_vacuum = INCREMENTAL, so that the pages
// a deletion frees can go back to the file system: after a pool's
// deletion, ReclaimSpace moves the last pages of the file into the free
// ones and truncates it, in transactions that aim at reclaimTime each. (A
// database made before, with auto_vacuum = NONE, keeps its free pages for
// reuse; SQLite converts it only by a VACUUM: with the server stopped,
// `sqlite3 cognate.db 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM'`.)

// reclaimTime is how long one transaction of ReclaimSpace aims to take, so
// that other writes wait about that long at most; its pages start at 128
// (512 KiB) and shrink or grow (storage.NextBatch), within reclaimMin and
// reclaimMax, as the transactions take longer than reclaimTime or less
// than half of it.
// (Measured at a fixed 1,024 pages: 150 ms a transaction on a busy
// 2-core machine.)
const (
	reclaimTime = 25 * time.Millisecond
	reclaimMin  = 16
	reclaimMax  = 8192
)

// ReclaimSpace gives the database's free pages back to the file system
// until none are left (at once on a database without incremental vacuum,
// which frees none).
func (b *backend) ReclaimSpace(ctx context.Context) error {
	pages := 128
	for {
		began := time.Now()
		n, err := b.incrementalVacuum(ctx, pages)
		if err != nil {
			return fmt.Errorf("sqlite: incremental vacuum: %w", convert(err))
		}
		took := time.Since(began)
		// The moved pages are copied into the database outside the
		// writer, before the next step adds more (see checkpoint.go).
		if err := b.Checkpoint(ctx); err != nil {
			return err
		}
		if n < pages {
			return nil
		}
		pages = storage.NextBatch(pages, took, reclaimTime, reclaimMin, reclaimMax)
	}
}

// incrementalVacuum frees up to pages pages in one transaction and returns
// how many it freed (the pragma returns a row per page).
func (b *backend) incrementalVacuum(ctx context.Context, pages int) (int, error) {
	tx, err := b.write.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("PRAGMA incremental_vacuum(%d)", pages))
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
