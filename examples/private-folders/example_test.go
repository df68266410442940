package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/browsertest"
)

// TestPrivateFoldersInChromium starts the demo and runs web/test, the
// browser test (node --test with playwright-core driving Debian's
// chromium). Without node or chromium it is skipped, unless
// COGNATE_TEST_BROWSER=1 (CI) makes it mandatory.
func TestPrivateFoldersInChromium(t *testing.T) {
	node, browser, web := browsertest.Tools(t, "web", "playwright-core")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := start(ctx, options{dataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: d.routes()}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	cmdCtx, stop := context.WithTimeout(ctx, 5*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "test/")
	cmd.Dir = web
	cmd.Env = append(os.Environ(), "DEMO_URL=http://"+ln.Addr().String(), "CHROMIUM="+browser)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test: %v", err)
	}
	if !strings.Contains(out.String(), "# pass 2") {
		t.Fatalf("the browser test did not pass both tests:\n%s", out.String())
	}
}
