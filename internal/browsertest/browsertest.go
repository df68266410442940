// Package browsertest finds what the browser tests need: node, npm and
// Debian's chromium, and an npm package installed from its lockfile.
// Without them a test is skipped, unless COGNATE_TEST_BROWSER=1 (CI) makes
// their absence a failure.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Tools returns node and chromium, and dir (an npm package directory) as
// an absolute path, running `npm ci` there unless node_modules/probe is
// present already.
func Tools(t testing.TB, dir, probe string) (node, chromium, pkg string) {
	t.Helper()
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
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		unavailable("no chromium at %s", chromium)
	}
	if testing.Short() && !required {
		t.Skip("-short: the browser test takes half a minute")
	}
	if pkg, err = filepath.Abs(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pkg, "node_modules", probe)); err != nil {
		install := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		install.Dir = pkg
		if out, err := install.CombinedOutput(); err != nil {
			unavailable("npm ci in %s failed: %v\n%s", dir, err, out)
		}
	}
	return node, chromium, pkg
}
