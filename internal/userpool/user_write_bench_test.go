package userpool

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// BenchmarkUserWrite is one change of an existing user (updateUser, as
// sign-in and every admin update write users) in a pool of 1,000, on
// SQLite and, when COGNATE_TEST_POSTGRES_URL is set, PostgreSQL.
// Run: go test ./internal/userpool -run '^$' -bench UserWrite -benchmem
func BenchmarkUserWrite(b *testing.B) {
	ctx := context.Background()
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "cognate.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchUserWrite(b, db)
	})
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		return
	}
	b.Run("postgres", func(b *testing.B) {
		db, err := postgres.Open(ctx, newPostgresDB(b, base))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchUserWrite(b, db)
	})
}

func benchUserWrite(b *testing.B, db storage.Store) {
	ctx := context.Background()
	s := rekeyFixture(b, db, 1000)
	s.cache.ttl = cacheTTL
	p, err := s.loadPool(ctx, rekeyPool)
	if err != nil {
		b.Fatal(err)
	}
	sub := rawUser(500, "").Sub
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		_, err := s.updateUser(ctx, p, sub, func(_ storage.Stores, u *storage.User) error {
			u.Enabled = i%2 == 0
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
