package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// TestHelpListsFlags checks that -h, --help and `cognate help <command>`
// print each command's usage with its flags, and succeed.
func TestHelpListsFlags(t *testing.T) {
	want := map[string][]string{
		"serve":       {"Usage: cognate serve [flags]", "-listen", "-data-dir", "-public-url", "-smtp-host", "-lockout-max", "COGNATE_MASTER_KEY"},
		"credentials": {"Usage: cognate credentials [flags]", "-data-dir", "-database-url", "COGNATE_MASTER_KEY"},
		"rotate-keys": {"Usage: cognate rotate-keys [flags] <user-pool-id | cognito-identity>...", "-data-dir", "-database-url"},
		"backup":      {"Usage: cognate backup [flags] FILE", "-data-dir", "master key is not in it"},
		"restore":     {"Usage: cognate restore [flags] FILE", "-data-dir", "Stop the server first"},
	}
	for cmd, wants := range want {
		for _, args := range [][]string{{cmd, "-h"}, {cmd, "--help"}, {"help", cmd}} {
			var stdout, stderr bytes.Buffer
			if err := run(args, &stdout, &stderr); err != nil {
				t.Errorf("cognate %s: %v", strings.Join(args, " "), err)
			}
			for _, w := range wants {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("cognate %s does not print %q:\n%s", strings.Join(args, " "), w, stdout.String())
				}
			}
		}
	}
}

// TestStorageCommandsCreateNothing checks that `cognate credentials` and
// `cognate rotate-keys` on a data directory no server has used fail with a
// message saying so, exit non-zero and leave no data directory behind (a
// new one would come with credentials no server uses); and that
// credentials prints the server's credentials where it has some, and fails
// where the server takes them from the environment.
func TestStorageCommandsCreateNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cognate binary")
	}
	bin := buildCognate(t)
	cognate := func(args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		for _, kv := range os.Environ() { // the test's own COGNATE_* settings are not the command's
			if !strings.HasPrefix(kv, "COGNATE_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return out.String(), errb.String(), cmd.ProcessState.ExitCode()
	}

	missing := filepath.Join(t.TempDir(), "cognate-data")
	for _, args := range [][]string{
		{"credentials", "--data-dir", missing},
		{"rotate-keys", "--data-dir", missing, "us-east-1_abc"},
	} {
		stdout, stderr, code := cognate(args...)
		if code == 0 || stdout != "" || !strings.Contains(stderr, "no Cognate database") || !strings.Contains(stderr, missing) {
			t.Errorf("cognate %s: exit %d, stdout %q, stderr %q; want a failure naming %s", strings.Join(args, " "), code, stdout, stderr, missing)
		}
		if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("cognate %s created %s (%v)", strings.Join(args, " "), missing, err)
		}
	}

	// A data directory a server has used, with credentials it generated.
	used := t.TempDir()
	id, key := setUp(t, used, false)
	stdout, stderr, code := cognate("credentials", "--data-dir", used)
	if code != 0 || stdout != "export AWS_ACCESS_KEY_ID="+id+"\nexport AWS_SECRET_ACCESS_KEY="+key+"\n" {
		t.Errorf("cognate credentials: exit %d, stdout %q, stderr %q; want the server's credentials", code, stdout, stderr)
	}

	// One whose server takes its credentials from the environment.
	envOnly := t.TempDir()
	setUp(t, envOnly, true)
	stdout, stderr, code = cognate("credentials", "--data-dir", envOnly)
	if code == 0 || stdout != "" || !strings.Contains(stderr, "no root credentials") {
		t.Errorf("cognate credentials: exit %d, stdout %q, stderr %q; want a failure saying there are no root credentials", code, stdout, stderr)
	}
}

// setUp starts and stops a server on dataDir, with root credentials from
// the environment when rootFromEnv, and returns its root credentials.
func setUp(t *testing.T, dataDir string, rootFromEnv bool) (id, key string) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	if rootFromEnv {
		cfg.RootAccessKeyID, cfg.RootSecretAccessKey = "AKIAFROMENVIRONMENT1", "secret-from-the-environment"
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	return a.RootCredentials()
}
