// Package pyclients_test runs clients/python, the boto3 compatibility
// suite, against a real Cognate binary: the user-pool API as the AWS API
// reference documents it, identity pools, STS, IAM and the CognateAdmin
// extension, exactly as a boto3 application calls them.
package pyclients_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// envRequire turns a missing python3/boto3 from a skip into a failure; CI
// sets it to 1 where boto3 is installed.
const envRequire = "COGNATE_TEST_PY"

// TestBoto3Suite builds cmd/cognate once and runs `python3 -m unittest
// discover` in clients/python with it; the suite starts its own servers
// from that binary. Every test must pass.
func TestBoto3Suite(t *testing.T) {
	required := os.Getenv(envRequire) == "1"
	unavailable := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" ("+envRequire+"=1 makes the boto3 suite mandatory)", args...)
		}
		t.Skipf(format+"; the boto3 suite (clients/python) is skipped. Set "+envRequire+"=1 to make this a failure.", args...)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		unavailable("python3 is not on PATH")
	}
	if out, err := exec.Command(python, "-c", "import boto3").CombinedOutput(); err != nil {
		unavailable("python3 cannot import boto3: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if testing.Short() && !required {
		t.Skip("-short: the boto3 suite takes two minutes or more")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "cognate")
	build := exec.Command("go", "build", "-o", bin, "./cmd/cognate")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-m", "unittest", "discover", "-s", filepath.Join(root, "clients", "python"), "-p", "test_*.py")
	cmd.Dir = root
	cmd.Env = append(environWithout("AWS_", "COGNATE_"), "COGNATE_BIN="+bin, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	summary := lastLines(string(out), 6)
	if err != nil {
		t.Fatalf("python3 -m unittest: %v\n%s", err, out)
	}
	t.Logf("boto3 suite:\n%s", summary)
}

// environWithout returns the environment minus variables with the given
// prefixes, so the test's own settings don't leak into the servers.
func environWithout(prefixes ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
