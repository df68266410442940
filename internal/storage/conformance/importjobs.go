package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("ImportJobs",
		test{"CreateGetUpdate", testImportJobCreateGetUpdate},
		test{"CreateTakenOrOrphan", testImportJobCreateTaken},
		test{"UpdateStale", testImportJobUpdateStale},
		test{"UpdateConcurrent", testImportJobUpdateConcurrent},
		test{"List", testImportJobList},
		test{"Active", testImportJobActive},
		test{"File", testImportJobFile},
		test{"Failures", testImportJobFailures},
		test{"GoWithPool", testImportJobCascade},
	)
}

// newImportJob returns a job of the pool, not yet stored.
func (f *fixture) newImportJob(poolID string) storage.ImportJob {
	return storage.ImportJob{
		PoolID: poolID, ID: fmt.Sprintf("import-%06d", f.next()), Name: "users", RoleARN: "arn:aws:iam::1:role/logs",
		Status: "Created", UploadHash: bytes.Repeat([]byte{7}, 32), UploadExpiresAt: at(time.Hour), CreatedAt: at(0),
	}
}

func (f *fixture) importJob(poolID string) storage.ImportJob {
	f.t.Helper()
	j := f.newImportJob(poolID)
	must(f.t, f.ImportJobs().Create(f.ctx, j))
	j.Version = 1
	return j
}

func wantImportJob(j storage.ImportJob) storage.ImportJob {
	j.UploadExpiresAt, j.CreatedAt = stored(j.UploadExpiresAt), stored(j.CreatedAt)
	j.StartedAt, j.CompletedAt = stored(j.StartedAt), stored(j.CompletedAt)
	return j
}

func (f *fixture) getImportJob(poolID, id string) storage.ImportJob {
	f.t.Helper()
	j, err := f.ImportJobs().Get(f.ctx, poolID, id)
	must(f.t, err)
	return j
}

// testImportJobCreateGetUpdate: a job reads back as created, and Update
// changes what it names and counts the version.
func testImportJobCreateGetUpdate(t *testing.T, f *fixture) {
	p := f.pool()
	j := f.importJob(p.ID)
	same(t, "created", f.getImportJob(p.ID, j.ID), wantImportJob(j))
	j.Status, j.NextRow, j.Imported, j.Skipped, j.Failed = "InProgress", 1000, 990, 4, 6
	j.Message, j.StartedAt, j.CompletedAt = "Import Job Completed Successfully.", at(time.Minute), at(time.Hour)
	must(t, f.ImportJobs().Update(f.ctx, j))
	j.Version = 2
	same(t, "updated", f.getImportJob(p.ID, j.ID), wantImportJob(j))
	_, err := f.ImportJobs().Get(f.ctx, p.ID, "import-missing")
	wantErr(t, err, storage.ErrNotFound)
}

func testImportJobCreateTaken(t *testing.T, f *fixture) {
	p := f.pool()
	j := f.importJob(p.ID)
	wantErr(t, f.ImportJobs().Create(f.ctx, j), storage.ErrConflict)
	orphan := f.newImportJob("us-east-1_missing")
	wantErr(t, f.ImportJobs().Create(f.ctx, orphan), storage.ErrNotFound)
}

// testImportJobUpdateStale: an update of a job read before another write
// is refused, and changes nothing; a missing job is ErrNotFound.
func testImportJobUpdateStale(t *testing.T, f *fixture) {
	p := f.pool()
	j := f.importJob(p.ID)
	first := j
	first.Status = "Pending"
	must(t, f.ImportJobs().Update(f.ctx, first))
	j.Status = "Stopped"
	wantErr(t, f.ImportJobs().Update(f.ctx, j), storage.ErrStale)
	if got := f.getImportJob(p.ID, j.ID); got.Status != "Pending" || got.Version != 2 {
		t.Fatalf("after a stale update: %s version %d, want Pending version 2", got.Status, got.Version)
	}
	j.ID = "import-missing"
	wantErr(t, f.ImportJobs().Update(f.ctx, j), storage.ErrNotFound)
}

// testImportJobUpdateConcurrent: of concurrent updates of one version,
// exactly one succeeds.
func testImportJobUpdateConcurrent(t *testing.T, f *fixture) {
	p := f.pool()
	j := f.importJob(p.ID)
	errs := together(workers, func(i int) error {
		w := j
		w.NextRow = int64(i + 1)
		return f.ImportJobs().Update(f.ctx, w)
	})
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			wantErr(t, err, storage.ErrStale)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent updates of one version succeeded, want 1", ok)
	}
}

func testImportJobList(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	var want []string
	for range 5 {
		want = append(want, f.importJob(p.ID).ID)
	}
	f.importJob(other.ID)
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.ImportJob, string, error) {
		return f.ImportJobs().List(ctx, p.ID, pg)
	}, func(j storage.ImportJob) string { return j.ID })
	checkPaging(t, f.ctx, list, want)
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
}

// testImportJobActive: jobs waiting or running, of every pool, oldest
// first; no others.
func testImportJobActive(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	var want []string
	for i, status := range []string{"Created", "Pending", "InProgress", "Stopping", "Stopped", "Succeeded", "Failed", "Expired"} {
		pool := p.ID
		if i%2 == 1 {
			pool = other.ID
		}
		j := f.newImportJob(pool)
		j.Status, j.CreatedAt = status, at(time.Duration(i)*time.Second)
		must(t, f.ImportJobs().Create(f.ctx, j))
		if status == "Pending" || status == "InProgress" || status == "Stopping" {
			want = append(want, j.ID)
		}
	}
	got, err := f.ImportJobs().Active(f.ctx, 10)
	must(t, err)
	var ids []string
	for _, j := range got {
		ids = append(ids, j.ID)
	}
	same(t, "active jobs", ids, want)
	got, err = f.ImportJobs().Active(f.ctx, 2)
	must(t, err)
	if len(got) != 2 || got[0].ID != want[0] {
		t.Fatalf("Active(2) = %d jobs, want the 2 oldest", len(got))
	}
}

// testImportJobFile: a file reads back byte for byte (a NUL byte and
// invalid UTF-8 included), whole or in ranges counted in bytes, and a
// second put replaces it.
func testImportJobFile(t *testing.T, f *fixture) {
	p := f.pool()
	j := f.importJob(p.ID)
	_, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, 0, 10)
	wantErr(t, err, storage.ErrNotFound)
	data := append([]byte("cognito:username,email\nann,ann@example.com\n\u00e9"), 0, 0xff)
	f.putFile(t, p.ID, j.ID, data)
	got, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, 0, 1<<20)
	must(t, err)
	if !bytes.Equal(got, data) {
		t.Fatalf("FileRange(0, 1 MiB) = %q, want %q", got, data)
	}
	for _, n := range []int{1, 2, 3, 7} {
		var joined []byte
		for off := int64(0); ; off += int64(n) {
			part, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, off, n)
			must(t, err)
			if len(part) > n {
				t.Fatalf("FileRange(%d, %d) = %d bytes", off, n, len(part))
			}
			if len(part) == 0 {
				break
			}
			joined = append(joined, part...)
		}
		if !bytes.Equal(joined, data) {
			t.Fatalf("in ranges of %d: %q, want %q", n, joined, data)
		}
	}
	// A file larger than a backend writes in one statement.
	big := make([]byte, 17<<20+3)
	for i := range big {
		big[i] = byte(i % 251)
	}
	f.putFile(t, p.ID, j.ID, big)
	var joined []byte
	for off := int64(0); ; off += 4 << 20 {
		part, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, off, 4<<20)
		must(t, err)
		if len(part) == 0 {
			break
		}
		joined = append(joined, part...)
	}
	if !bytes.Equal(joined, big) {
		t.Fatalf("a file of %d bytes read back as %d bytes, or changed", len(big), len(joined))
	}
	if g := f.getImportJob(p.ID, j.ID); g.FileSize != int64(len(big)) {
		t.Fatalf("FileSize = %d, want %d", g.FileSize, len(big))
	}
	// A range across a chunk boundary, wherever the backend puts one.
	for _, off := range []int64{4<<20 - 5, 8<<20 - 1, 17 << 20} {
		part, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, off, 10)
		must(t, err)
		if !bytes.Equal(part, big[off:min(off+10, int64(len(big)))]) {
			t.Fatalf("FileRange(%d, 10) = %v, want %v", off, part, big[off:min(off+10, int64(len(big)))])
		}
	}
	// A put whose reader fails leaves the earlier file whole.
	_, err = f.ImportJobs().PutFile(f.ctx, p.ID, j.ID, io.MultiReader(bytes.NewReader(big[:9<<20]), iotest.ErrReader(errBroken)))
	if !errors.Is(err, errBroken) {
		t.Fatalf("PutFile of a failing reader: %v, want %v", err, errBroken)
	}
	if part, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, 17<<20, 10); err != nil || len(part) != 3 {
		t.Fatalf("after a failed put: FileRange = %d bytes, %v; want the earlier file's last 3", len(part), err)
	}
	if g := f.getImportJob(p.ID, j.ID); g.FileSize != int64(len(big)) {
		t.Fatalf("after a failed put: FileSize = %d, want %d", g.FileSize, len(big))
	}
	f.putFile(t, p.ID, j.ID, []byte("x"))
	if got, _ := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, 0, 10); string(got) != "x" {
		t.Fatalf("after a second put: %q", got)
	}
	if g := f.getImportJob(p.ID, j.ID); g.FileSize != 1 {
		t.Fatalf("FileSize = %d, want 1", g.FileSize)
	}
	f.putFile(t, p.ID, j.ID, nil)
	if got, err := f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, 0, 10); err != nil || len(got) != 0 {
		t.Fatalf("an empty file: FileRange = %q, %v; want no bytes, no error", got, err)
	}
	_, err = f.ImportJobs().PutFile(f.ctx, p.ID, "import-missing", bytes.NewReader(data))
	wantErr(t, err, storage.ErrNotFound)
}

var errBroken = errors.New("conformance: broken upload")

// putFile puts data as the job's file and checks the size PutFile returns.
func (f *fixture) putFile(t *testing.T, poolID, id string, data []byte) {
	t.Helper()
	n, err := f.ImportJobs().PutFile(f.ctx, poolID, id, bytes.NewReader(data))
	must(t, err)
	if n != int64(len(data)) {
		t.Fatalf("PutFile of %d bytes returned %d", len(data), n)
	}
}

func testImportJobFailures(t *testing.T, f *fixture) {
	p := f.pool()
	j, other := f.importJob(p.ID), f.importJob(p.ID)
	var fs []storage.ImportFailure
	var want []string
	for _, row := range []int64{12, 3, 7, 100, 1} {
		fs = append(fs, storage.ImportFailure{PoolID: p.ID, JobID: j.ID, Row: row, Username: "u", Reason: "bad"})
	}
	for _, row := range []int64{1, 3, 7, 12, 100} {
		want = append(want, fmt.Sprint(row))
	}
	must(t, f.ImportJobs().AddFailures(f.ctx, fs))
	must(t, f.ImportJobs().AddFailures(f.ctx, []storage.ImportFailure{{PoolID: p.ID, JobID: other.ID, Row: 5, Reason: "x"}}))
	wantErr(t, f.ImportJobs().AddFailures(f.ctx, fs[:1]), storage.ErrConflict)
	wantErr(t, f.ImportJobs().AddFailures(f.ctx, []storage.ImportFailure{{PoolID: p.ID, JobID: "import-missing", Row: 1}}), storage.ErrNotFound)
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.ImportFailure, string, error) {
		return f.ImportJobs().Failures(ctx, p.ID, j.ID, pg)
	}, func(x storage.ImportFailure) string { return fmt.Sprint(x.Row) })
	checkPaging(t, f.ctx, list, want)
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
}

// testImportJobCascade: a pool's jobs, files and failures go with it.
func testImportJobCascade(t *testing.T, f *fixture) {
	p := f.pool()
	j := f.importJob(p.ID)
	f.putFile(t, p.ID, j.ID, []byte("data"))
	must(t, f.ImportJobs().AddFailures(f.ctx, []storage.ImportFailure{{PoolID: p.ID, JobID: j.ID, Row: 1, Reason: "x"}}))
	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err := f.ImportJobs().Get(f.ctx, p.ID, j.ID)
	wantErr(t, err, storage.ErrNotFound)
	_, err = f.ImportJobs().FileRange(f.ctx, p.ID, j.ID, 0, 10)
	wantErr(t, err, storage.ErrNotFound)
	got, _, err := f.ImportJobs().Failures(f.ctx, p.ID, j.ID, storage.Page{})
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("%d failures outlived their pool", len(got))
	}
}
