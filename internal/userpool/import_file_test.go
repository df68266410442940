package userpool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

// rangedFile is an ImportJobs whose file is data, read as the storage
// contract reads it (conformance tests FileRange on both backends), and
// whose reads fail from the failAt-th one on (never if 0).
type rangedFile struct {
	storage.ImportJobs
	data   []byte
	reads  int
	failAt int
}

var errDisk = errors.New("disk on fire")

func (f *rangedFile) FileRange(_ context.Context, _, _ string, off int64, n int) ([]byte, error) {
	f.reads++
	if f.failAt > 0 && f.reads >= f.failAt {
		return nil, errDisk
	}
	end := min(off+int64(n), int64(len(f.data)))
	if off >= end {
		return nil, nil
	}
	return f.data[off:end], nil
}

// importFile is a file of n rows, the BOM first, rows long enough that
// some straddle the ranges the runner reads.
func importFile(n int) []byte {
	var b strings.Builder
	b.WriteString("\xef\xbb\xbfcognito:username,cognito:mfa_enabled\n")
	for i := range n {
		fmt.Fprintf(&b, "\"user,%07d%s\",false\n", i, strings.Repeat("x", i%50))
	}
	return []byte(b.String())
}

// readImport reads files' data as an import job's file to the end,
// giving check each row with its index. It returns how many rows it read,
// the file's reader (whose err is the store's) and the import's reader.
func readImport(t *testing.T, files *rangedFile, check func(i int, row csvRow)) (int, *fileReader, *importReader) {
	t.Helper()
	src := &fileReader{ctx: context.Background(), jobs: files, poolID: "p", jobID: "j"}
	r, err := (&pool{cfg: &poolConfig{}}).openImport(src)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for row, ok := r.next(); ok; row, ok = r.next() {
		check(count, row)
		count++
	}
	return count, src, r
}

// TestImportFileInRanges: a file of several ranges reads back row by row,
// the quoted commas and the rows across a range's end intact.
func TestImportFileInRanges(t *testing.T) {
	const n = 100_000 // about 6 MiB: two ranges
	files := &rangedFile{data: importFile(n)}
	count, src, _ := readImport(t, files, func(i int, row csvRow) {
		want := fmt.Sprintf("user,%07d%s", i, strings.Repeat("x", i%50))
		if row.err != nil || row.values[colUsername] != want || row.num != int64(i+1) {
			t.Fatalf("row %d: %q (num %d, err %v), want %q", i+1, row.values[colUsername], row.num, row.err, want)
		}
	})
	if count != n || src.err != nil || files.reads < 3 {
		t.Fatalf("read %d rows of %d in %d ranges, err %v", count, n, files.reads, src.err)
	}
}

// TestImportFileReadFails: a file the store fails to read ends the rows
// with the store's error, and no row is reported as unreadable (which
// would count it Failed instead of importing it when the job resumes).
func TestImportFileReadFails(t *testing.T) {
	files := &rangedFile{data: importFile(100_000), failAt: 2}
	count, src, r := readImport(t, files, func(_ int, row csvRow) {
		if row.err != nil {
			t.Fatalf("row %d reported unreadable: %v", row.num, row.err)
		}
	})
	if !errors.Is(src.err, errDisk) || count == 0 || count >= 100_000 {
		t.Fatalf("read %d rows, err %v; want some rows, then the store's error", count, src.err)
	}
	if _, ok := r.next(); ok {
		t.Fatal("a row after the failure")
	}
}
