package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/benchcpu"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// benchDB is a database with one pool, client, user and refresh token.
func benchDB(b *testing.B) (*sqlite.DB, storage.User) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "cognate.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Now()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(db.Pools().Create(ctx, storage.Pool{ID: "us-east-1_bench", Name: "bench", Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}))
	must(db.Clients().Create(ctx, storage.Client{ID: "client", PoolID: "us-east-1_bench", Name: "c", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}))
	u := storage.User{PoolID: "us-east-1_bench", Sub: "0b7c3c1e-0000-4000-8000-000000000001", Username: "bench", Status: "CONFIRMED", Enabled: true,
		Attributes: map[string]string{"email": "bench@example.com", "email_verified": "true"},
		Lookups:    []storage.Lookup{{Kind: storage.LookupUsername, Key: "bench"}}, CreatedAt: now, UpdatedAt: now}
	must(db.Users().Create(ctx, u))
	must(db.Tokens().Create(ctx, storage.RefreshToken{ID: []byte("token-hash-0000000000000000000000"), PoolID: u.PoolID, ClientID: "client",
		Sub: u.Sub, OriginJTI: "origin", FamilyID: "origin", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	return db, u
}

// BenchmarkGetBySub is one indexed read through the reader pool, with a
// request's (cancellable) context.
func BenchmarkGetBySub(b *testing.B) {
	db, u := benchDB(b)
	ctx, cancel := context.Background(), func() {}
	defer cancel()
	b.ReportAllocs()
	done := benchcpu.Start(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Users().GetBySub(ctx, u.PoolID, u.Sub); err != nil {
				b.Error(err)
				return
			}
		}
	})
	done()
}

// BenchmarkGetByOrigin is the revocation check of every access token.
func BenchmarkGetByOrigin(b *testing.B) {
	db, _ := benchDB(b)
	ctx, cancel := context.Background(), func() {}
	defer cancel()
	b.ReportAllocs()
	done := benchcpu.Start(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Tokens().GetByOrigin(ctx, "origin"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	done()
}

// BenchmarkAuditRecord is one single-statement durable write (an insert
// and its commit) from 16 concurrent callers, as credential issuance makes.
func BenchmarkAuditRecord(b *testing.B) {
	db, _ := benchDB(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	done := benchcpu.Start(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e := storage.AuditEvent{ID: fmt.Sprintf("%016d", n.Add(1)), Time: time.Now(), Type: "CredentialsIssued", IdentityID: "us-east-1:x"}
			if err := db.Audit().Record(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
	done()
}
