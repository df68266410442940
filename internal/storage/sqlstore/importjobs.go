package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cognate-dev/cognate/internal/storage"
)

// importJobs implements storage.ImportJobs.
type importJobs struct{ s scope }

const importJobCols = `pool_id, id, name, role_arn, status, upload_hash, upload_expires_at, file_size, next_row,
	imported, skipped, failed, message, created_at, started_at, completed_at, version`

func scanImportJob(r Row) (storage.ImportJob, error) {
	var j storage.ImportJob
	var expires, created, started, completed int64
	err := r.Scan(&j.PoolID, &j.ID, &j.Name, &j.RoleARN, &j.Status, &j.UploadHash, &expires, &j.FileSize, &j.NextRow,
		&j.Imported, &j.Skipped, &j.Failed, &j.Message, &created, &started, &completed, &j.Version)
	if err != nil {
		return storage.ImportJob{}, err
	}
	j.UploadHash = blob(j.UploadHash)
	j.UploadExpiresAt, j.CreatedAt = fromMicros(expires), fromMicros(created)
	j.StartedAt, j.CompletedAt = fromMicros(started), fromMicros(completed)
	return j, nil
}

func (s importJobs) Create(ctx context.Context, j storage.ImportJob) error {
	_, err := s.s.exec(ctx, `INSERT INTO import_jobs (`+importJobCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		j.PoolID, j.ID, j.Name, j.RoleARN, j.Status, blob(j.UploadHash), micros(j.UploadExpiresAt), j.NextRow,
		j.Imported, j.Skipped, j.Failed, j.Message, micros(j.CreatedAt), micros(j.StartedAt), micros(j.CompletedAt))
	return wrap("import jobs: create "+j.ID, err)
}

func (s importJobs) Get(ctx context.Context, poolID, id string) (storage.ImportJob, error) {
	j, err := scanImportJob(s.s.read().QueryRow(ctx, `SELECT `+importJobCols+` FROM import_jobs
		WHERE pool_id = ? AND id = ?`, poolID, id))
	return j, wrap("import jobs: get "+id, err)
}

func (s importJobs) List(ctx context.Context, poolID string, pg storage.Page) ([]storage.ImportJob, string, error) {
	l := listing{kind: "import-jobs", scope: poolID}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("import jobs: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+importJobCols+` FROM import_jobs
		WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`, poolID, after[0], n+1)
	items, err := collect(rows, err, scanImportJob)
	if err != nil {
		return nil, "", wrap("import jobs: list", err)
	}
	items, next := page(items, n, l, func(j storage.ImportJob) []string { return []string{j.ID} })
	return items, next, nil
}

// Update writes only while the stored version is j.Version; when no row
// changes, a read tells a missing job from a stale one.
func (s importJobs) Update(ctx context.Context, j storage.ImportJob) error {
	n, err := s.s.exec(ctx, `UPDATE import_jobs SET status = ?, next_row = ?, imported = ?, skipped = ?, failed = ?,
		message = ?, started_at = ?, completed_at = ?, version = version + 1
		WHERE pool_id = ? AND id = ? AND version = ?`,
		j.Status, j.NextRow, j.Imported, j.Skipped, j.Failed, j.Message, micros(j.StartedAt), micros(j.CompletedAt),
		j.PoolID, j.ID, j.Version)
	if err != nil {
		return wrap("import jobs: update "+j.ID, err)
	}
	if n == 1 {
		return nil
	}
	if _, err := s.Get(ctx, j.PoolID, j.ID); err != nil {
		return err
	}
	return fmt.Errorf("import jobs: update %s: %w", j.ID, storage.ErrStale)
}

func (s importJobs) Active(ctx context.Context, max int) ([]storage.ImportJob, error) {
	rows, err := s.s.read().Query(ctx, `SELECT `+importJobCols+` FROM import_jobs
		WHERE status IN ('Pending', 'InProgress', 'Stopping') ORDER BY created_at, pool_id, id LIMIT ?`, max)
	items, err := collect(rows, err, scanImportJob)
	return items, wrap("import jobs: active", err)
}

// fileChunk is the size of every chunk of a file but its last. FileRange
// finds a byte's chunk by dividing by it, so changing it needs a migration
// of the stored chunks.
const fileChunk = 4 << 20

// PutFile streams r into chunks in one transaction, so that a failed read
// leaves the earlier file, if any, in place. It holds one chunk at a time.
// An empty file is one empty chunk, which tells it from no file.
func (s importJobs) PutFile(ctx context.Context, poolID, id string, r io.Reader) (int64, error) {
	var size int64
	err := s.s.write(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE import_jobs SET file_size = 0 WHERE pool_id = ? AND id = ?`, poolID, id)
		if err = mustChange(n, err); err != nil {
			return err
		}
		for _, table := range []string{"import_files", "import_file_chunks"} {
			if _, err := q.Exec(ctx, `DELETE FROM `+table+` WHERE pool_id = ? AND job_id = ?`, poolID, id); err != nil {
				return err
			}
		}
		buf := make([]byte, fileChunk)
		for seq := int64(0); ; seq++ {
			n, err := io.ReadFull(r, buf)
			if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
				return err
			}
			if n == 0 && seq > 0 {
				break
			}
			if _, err := q.Exec(ctx, `INSERT INTO import_file_chunks (pool_id, job_id, seq, data) VALUES (?, ?, ?, ?)`,
				poolID, id, seq, buf[:n]); err != nil {
				return err
			}
			size += int64(n)
			if n < fileChunk {
				break
			}
		}
		_, err = q.Exec(ctx, `UPDATE import_jobs SET file_size = ? WHERE pool_id = ? AND id = ?`, size, poolID, id)
		return err
	})
	if err != nil {
		return 0, wrap("import jobs: put file "+id, err)
	}
	return size, nil
}

// FileRange reads only the chunks that hold the range: one or two for a
// range of up to a chunk. A file put before migration 0022 has no chunks
// and is read from import_files.
func (s importJobs) FileRange(ctx context.Context, poolID, id string, off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 {
		return nil, fmt.Errorf("import jobs: file %s: range %d+%d", id, off, n)
	}
	first, last := off/fileChunk, (off+int64(max(n, 1))-1)/fileChunk
	rows, err := s.s.read().Query(ctx, `SELECT seq, data FROM import_file_chunks
		WHERE pool_id = ? AND job_id = ? AND seq BETWEEN ? AND ? ORDER BY seq`, poolID, id, first, last)
	if err != nil {
		return nil, wrap("import jobs: file "+id, err)
	}
	defer rows.Close()
	out, found := make([]byte, 0, n), false
	for rows.Next() {
		var seq int64
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			return nil, wrap("import jobs: file "+id, err)
		}
		found = true
		from := max(off-seq*fileChunk, 0)
		if from < int64(len(data)) {
			out = append(out, data[from:min(int64(len(data)), from+int64(n-len(out)))]...)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("import jobs: file "+id, err)
	}
	if found {
		return out, nil
	}
	return s.chunkless(ctx, poolID, id, off, n)
}

// chunkless reads a range of a file that has no chunks: one put before
// migration 0022 (substr counts a blob's bytes from 1 in both dialects),
// or a range past the end of a file (no rows), or no file (ErrNotFound).
func (s importJobs) chunkless(ctx context.Context, poolID, id string, off int64, n int) ([]byte, error) {
	var data []byte
	err := s.s.read().QueryRow(ctx, `SELECT substr(data, ?, ?) FROM import_files WHERE pool_id = ? AND job_id = ?`,
		off+1, n, poolID, id).Scan(&data)
	if errors.Is(err, storage.ErrNotFound) {
		var one int
		err = s.s.read().QueryRow(ctx, `SELECT 1 FROM import_file_chunks WHERE pool_id = ? AND job_id = ? LIMIT 1`,
			poolID, id).Scan(&one)
		data = []byte{}
	}
	return data, wrap("import jobs: file "+id, err)
}

func (s importJobs) AddFailures(ctx context.Context, fs []storage.ImportFailure) error {
	for _, f := range fs {
		_, err := s.s.exec(ctx, `INSERT INTO import_failures (pool_id, job_id, row_num, username, reason)
			VALUES (?, ?, ?, ?, ?)`, f.PoolID, f.JobID, f.Row, f.Username, f.Reason)
		if err != nil {
			return wrap(fmt.Sprintf("import jobs: failure of row %d", f.Row), err)
		}
	}
	return nil
}

func (s importJobs) Failures(ctx context.Context, poolID, id string, pg storage.Page) ([]storage.ImportFailure, string, error) {
	l := listing{kind: "import-failures", scope: poolID + "\x00" + id}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("import jobs: failures", err)
	}
	var from int64
	if after[0] != "" {
		if _, err := fmt.Sscan(after[0], &from); err != nil {
			return nil, "", wrap("import jobs: failures", storage.ErrBadPageToken)
		}
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT pool_id, job_id, row_num, username, reason FROM import_failures
		WHERE pool_id = ? AND job_id = ? AND row_num > ? ORDER BY row_num LIMIT ?`, poolID, id, from, n+1)
	items, err := collect(rows, err, func(r Row) (storage.ImportFailure, error) {
		var f storage.ImportFailure
		err := r.Scan(&f.PoolID, &f.JobID, &f.Row, &f.Username, &f.Reason)
		return f, err
	})
	if err != nil {
		return nil, "", wrap("import jobs: failures", err)
	}
	items, next := page(items, n, l, func(f storage.ImportFailure) []string { return []string{fmt.Sprint(f.Row)} })
	return items, next, nil
}
