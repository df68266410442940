package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/conformance"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// BenchmarkDeletePoolWhileWriting deletes a pool of COGNATE_DELETE_USERS
// users (100,000 unless set; built as the import builds them) while
// another pool's user is updated in a loop, one write at a time, and
// reports how long those writes waited: issue 15 asks that a deletion
// never hold up another pool's write for more than 100 ms.
//
//	COGNATE_DELETE_USERS=300000 go test -run '^$' -bench DeletePoolWhileWriting -benchtime 1x ./internal/storage/sqlite/
func BenchmarkDeletePoolWhileWriting(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("COGNATE_DELETE_USERS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "cognate.db"))
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for _, id := range []string{"us-east-1_big", "us-east-1_other"} {
			if err := db.Pools().Create(ctx, storage.Pool{ID: id, Name: id, Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
				b.Fatal(err)
			}
		}
		if err := conformance.SpaceUsers(ctx, db, "us-east-1_big", n, conformance.OneVerifier); err != nil {
			b.Fatal(err)
		}
		writer := storage.User{PoolID: "us-east-1_other", Sub: "0b7c3c1e-0000-4000-8000-000000000001", Username: "writer",
			Status: "CONFIRMED", Enabled: true, Attributes: map[string]string{"name": "w"},
			Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "writer"}}, CreatedAt: now, UpdatedAt: now}
		if err := db.Users().Create(ctx, writer); err != nil {
			b.Fatal(err)
		}
		write := func(i int) time.Duration {
			began := time.Now()
			err := db.InTx(ctx, func(tx storage.Stores) error {
				u, err := tx.Users().GetBySub(ctx, writer.PoolID, writer.Sub)
				if err != nil {
					return err
				}
				u.Attributes["name"] = "write " + strconv.Itoa(i)
				return tx.Users().Put(ctx, u)
			})
			if err != nil {
				b.Fatal(err)
			}
			return time.Since(began)
		}
		b.StartTimer()
		done := make(chan error, 1)
		began := time.Now()
		go func() { done <- db.Pools().Delete(ctx, "us-east-1_big") }()
		var waits []time.Duration
		var took time.Duration
	loop:
		for i := 0; ; i++ {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				took = time.Since(began)
				break loop
			default:
			}
			waits = append(waits, write(i))
		}
		b.StopTimer()
		slices.Sort(waits)
		msOf := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(took.Seconds(), "delete-s")
		b.ReportMetric(float64(len(waits)), "writes")
		b.ReportMetric(msOf(waits[len(waits)/2]), "write-p50-ms")
		b.ReportMetric(msOf(waits[len(waits)*99/100]), "write-p99-ms")
		b.ReportMetric(msOf(waits[len(waits)-1]), "write-max-ms")
		db.Close()
		b.StartTimer()
	}
}
