package sqlstore

import (
	"context"
	"fmt"

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

// putFileRange is how much of a file one statement writes on a backend
// that appends blobs (BlobAppender). The driver copies a statement's
// arguments into its buffers, growing them as it goes: a whole file in one
// statement would hold two or three copies of it in the server's memory.
const putFileRange = 8 << 20

// PutFile writes the file in one transaction: whole on SQLite, whose
// driver copies it once, a range per statement where the backend appends
// blobs.
func (s importJobs) PutFile(ctx context.Context, poolID, id string, data []byte) error {
	return wrap("import jobs: put file "+id, s.s.write(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE import_jobs SET file_size = ? WHERE pool_id = ? AND id = ?`, int64(len(data)), poolID, id)
		if err = mustChange(n, err); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM import_files WHERE pool_id = ? AND job_id = ?`, poolID, id); err != nil {
			return err
		}
		first := data
		if _, ok := unwrap(q).(BlobAppender); ok {
			first = data[:min(len(data), putFileRange)]
		}
		if first == nil {
			first = []byte{}
		}
		if _, err := q.Exec(ctx, `INSERT INTO import_files (pool_id, job_id, data) VALUES (?, ?, ?)`, poolID, id, first); err != nil {
			return err
		}
		for rest := data[len(first):]; len(rest) > 0; {
			part := rest[:min(len(rest), putFileRange)]
			if _, err := q.Exec(ctx, `UPDATE import_files SET data = data || ? WHERE pool_id = ? AND job_id = ?`,
				part, poolID, id); err != nil {
				return err
			}
			rest = rest[len(part):]
		}
		return nil
	}))
}

// FileRange reads the range with substr, which counts a blob's bytes from
// 1 in both dialects.
func (s importJobs) FileRange(ctx context.Context, poolID, id string, off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 {
		return nil, fmt.Errorf("import jobs: file %s: range %d+%d", id, off, n)
	}
	var data []byte
	err := s.s.read().QueryRow(ctx, `SELECT substr(data, ?, ?) FROM import_files WHERE pool_id = ? AND job_id = ?`,
		off+1, n, poolID, id).Scan(&data)
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
