package userpool

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyReleaseStopsRenewing: once release returns, the claim's
// renewer has stopped: no renewal lands after the release and holds the
// lease again (another node would wait a whole lease to take the change
// over), and none runs on a store being closed.
func TestRekeyReleaseStopsRenewing(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 1)
		s.rekeyLease = 3 * time.Millisecond // a renewal every millisecond
		for i := range 200 {
			_, _, release, err := s.claimRekey(ctx, rekeyPool)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(i%4) * time.Millisecond / 2)
			release()
			if _, ok, err := db.Leases().Take(ctx, rekeyLeaseName(rekeyPool), "other", s.now(), time.Millisecond); err != nil || !ok {
				t.Fatalf("claim %d: the lease is held after its release (%v)", i, err)
			}
			if err := db.Leases().Release(ctx, rekeyLeaseName(rekeyPool), "other"); err != nil {
				t.Fatal(err)
			}
		}
	})
}
