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
			st, serve := unstartedServer(t, b)
			now := time.Now().UTC()
			// Marked after its switch: the runner waits for other nodes'
			// caches (5 s) before it drops the old rule's keys.
			pool := storage.Pool{ID: "us-east-1_shutdown1", Region: "us-east-1", Name: "p",
				Config: []byte(`{"CognateRekey":{}}`), CreatedAt: now, UpdatedAt: now}
			if err := st.Pools().Create(ctx, pool); err != nil {
				t.Fatal(err)
			}
			stop := serve()
			time.Sleep(time.Second)
			if _, ok, err := st.Leases().Take(ctx, "rekey/"+pool.ID, "next node", time.Now(), time.Minute); err != nil || ok {
				t.Fatalf("the runner does not hold the pool's lease (%v)", err)
			}
			stop()
			if _, ok, err := st.Leases().Take(ctx, "rekey/"+pool.ID, "next node", time.Now(), time.Minute); err != nil || !ok {
				t.Fatalf("the lease is held after shutdown (%v)", err)
			}
		})
	}
}

// unstartedServer makes a server of backend b, listening but not serving,
// with its store opened beside it, so that a test can leave rows as a
// stopped node would before the server starts. serve starts it; the stop
// it returns ends Serve and closes the server, failing the test on an
// error of either.
func unstartedServer(t *testing.T, b string) (st storage.Store, serve func() (stop func())) {
	t.Helper()
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
	st = openStore(t, cfg)
	return st, func() func() {
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- a.Serve(ctx, ln, nil) }()
		return func() {
			t.Helper()
			cancel()
			if err := <-served; err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
