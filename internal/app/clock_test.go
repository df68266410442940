package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// testClock is a clock a test moves by hand. It starts at the real time so
// that SigV4 and token checks that read the real clock stay in step.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newClockServer starts a server on backend whose clock is clk.
func newClockServer(t *testing.T, backend string, clk *testClock) *server {
	t.Helper()
	return startClock(t, newConfig(t, backend), clk)
}

// startClock starts a server for cfg whose clock is clk.
func startClock(t *testing.T, cfg config.Config, clk *testClock) *server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), cfg, log, func(string) string { return "" }, app.WithClock(clk.Now))
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs := httptest.NewServer(a.Handler())
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return s
}

// forEachBackendClock is forEachBackend with a test clock per server.
func forEachBackendClock(t *testing.T, fn func(t *testing.T, s *server, clk *testClock)) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			t.Parallel() // the backends' servers share nothing
			clk := newTestClock()
			fn(t, newClockServer(t, b, clk), clk)
		})
	}
}

// outbox lists the development outbox's messages.
func (s *server) outbox() []string {
	files, _ := filepath.Glob(filepath.Join(s.dataDir, "outbox", "*.eml"))
	return files
}

func containsText(s, sub string) bool { return strings.Contains(s, sub) }
