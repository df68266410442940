package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestServeEndsRekeyRunner: Serve returns only once its background jobs
// have: a change of sign-in rule the runner was resuming at shutdown has
// let go of its lease before the store closes, so that a node started
// next takes the change over at once rather than a lease later. Before,
// Serve returned at once and the deferred Close raced the release.
func TestServeEndsRekeyRunner(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			cfg.Listen = "127.0.0.1:0"
			ln, err := app.Listen(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			a, err := app.New(context.Background(), cfg, discardLog(), func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			st := openStore(t, cfg)
			now := time.Now().UTC()
			// Marked after its switch: the runner waits for other nodes'
			// caches (5 s) before it drops the old rule's keys.
			pool := storage.Pool{ID: "us-east-1_shutdown1", Region: "us-east-1", Name: "p",
				Config: []byte(`{"CognateRekey":{}}`), CreatedAt: now, UpdatedAt: now}
			if err := st.Pools().Create(ctx, pool); err != nil {
				t.Fatal(err)
			}
			serveCtx, stop := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- a.Serve(serveCtx, ln, nil) }()
			time.Sleep(time.Second)
			if _, ok, err := st.Leases().Take(ctx, "rekey/"+pool.ID, "next node", time.Now(), time.Minute); err != nil || ok {
				t.Fatalf("the runner does not hold the pool's lease (%v)", err)
			}
			stop()
			if err := <-served; err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := st.Leases().Take(ctx, "rekey/"+pool.ID, "next node", time.Now(), time.Minute); err != nil || !ok {
				t.Fatalf("the lease is held after shutdown (%v)", err)
			}
		})
	}
}
