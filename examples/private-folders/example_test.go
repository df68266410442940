package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPrivateFoldersInChromium starts the demo and runs web/test, the
// browser test (node --test with playwright-core driving Debian's
// chromium). Without node or chromium it is skipped, unless
// COGNATE_TEST_BROWSER=1 (CI) makes it mandatory.
func TestPrivateFoldersInChromium(t *testing.T) {
	required := os.Getenv("COGNATE_TEST_BROWSER") == "1"
	unavailable := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" (COGNATE_TEST_BROWSER=1 makes the browser test mandatory)", args...)
		}
		t.Skipf(format+"; set COGNATE_TEST_BROWSER=1 to make this a failure", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node is not on PATH")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		unavailable("npm is not on PATH")
	}
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		unavailable("no chromium at %s", browser)
	}
	if testing.Short() && !required {
		t.Skip("-short: the browser test takes half a minute")
	}
	web, err := filepath.Abs("web")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(web, "node_modules", "playwright-core")); err != nil {
		install := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		install.Dir = web
		if out, err := install.CombinedOutput(); err != nil {
			unavailable("npm ci in examples/private-folders/web failed: %v\n%s", err, out)
		}
	}

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
