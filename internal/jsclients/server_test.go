package jsclients_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// server is a running `cognate serve` child process.
type server struct {
	endpoint        string
	accessKeyID     string
	secretAccessKey string
	dataDir         string
	log             *lockedBuffer // stderr: the server's log
	// s3Gateway is the S3 gateway's endpoint, when one was asked for.
	s3Gateway string
}

// buildCognate builds cmd/cognate into dir and returns the binary's path.
func buildCognate(t *testing.T, root, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	bin := filepath.Join(dir, "cognate")
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/cognate")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/cognate: %v\n%s", err, out)
	}
	return bin
}

// startServer runs `bin serve --listen 127.0.0.1:0` on a fresh data
// directory, with an S3 gateway in front of s3Backend when it is not "",
// and extra flags, and waits for its banner. The process is stopped (SIGINT, then killed)
// when the test ends.
func startServer(t *testing.T, bin, dir, s3Backend string, extra ...string) *server {
	t.Helper()
	s := &server{dataDir: filepath.Join(dir, "data"), log: &lockedBuffer{}}
	// The suite signs in from one address with wrong passwords for many
	// users: a spray, to the server. Its limit is not what it tests.
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", s.dataDir, "--password-spray-limit", "0"}, extra...)
	if s3Backend != "" {
		args = append(args, "--s3-gateway-listen", "127.0.0.1:0", "--s3-backend-url", s3Backend,
			"--s3-backend-access-key", "moto", "--s3-backend-secret-key", "moto-secret", "--s3-backend-path-style")
	}
	cmd := exec.Command(bin, args...)
	// The server must generate its own root credentials and use SQLite in
	// the temporary directory, whatever COGNATE_* the caller has set.
	cmd.Env = environWithout("COGNATE_")
	cmd.Stderr = s.log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	banner := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		done := false
		for sc.Scan() {
			if done {
				continue // drain
			}
			line := strings.TrimSpace(sc.Text())
			switch {
			case strings.HasPrefix(line, "S3 gateway is listening on "):
				s.s3Gateway, _, _ = strings.Cut(strings.TrimPrefix(line, "S3 gateway is listening on "), " ")
			case strings.HasPrefix(line, "Cognate is listening on "):
				s.endpoint = strings.TrimPrefix(line, "Cognate is listening on ")
			case strings.HasPrefix(line, "export AWS_ACCESS_KEY_ID="):
				s.accessKeyID = strings.TrimPrefix(line, "export AWS_ACCESS_KEY_ID=")
			case strings.HasPrefix(line, "export AWS_SECRET_ACCESS_KEY="):
				s.secretAccessKey = strings.TrimPrefix(line, "export AWS_SECRET_ACCESS_KEY=")
			}
			if s.endpoint != "" && s.accessKeyID != "" && s.secretAccessKey != "" {
				done = true
				banner <- nil
			}
		}
		if !done {
			banner <- errors.New("stdout closed before the banner showed the endpoint and the root credentials")
		}
	}()
	select {
	case err := <-banner:
		if err != nil {
			t.Fatalf("cognate serve: %v\nserver log:\n%s", err, s.log.String())
		}
	case err := <-exited:
		t.Fatalf("cognate serve exited early: %v\nserver log:\n%s", err, s.log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("cognate serve printed no banner in 60 s\nserver log:\n%s", s.log.String())
	}
	if strings.HasSuffix(s.endpoint, ":0") {
		t.Fatalf("the banner shows %s, not the port the kernel picked", s.endpoint)
	}
	s.waitHealthy(t)
	return s
}

// waitHealthy polls GET /healthz until it answers 200.
func (s *server) waitHealthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.endpoint + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s/healthz did not answer 200 in 30 s (last error %v)", s.endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logTail returns the last n lines of the server's log.
func (s *server) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(s.log.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// environWithout returns the process environment without the variables
// whose names start with any of prefixes.
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

// lockedBuffer is an io.Writer safe for the concurrent writes of a child
// process's output and reads by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run runs name with args in dir, its output streamed to w, and reports
// how it ended.
func run(ctx context.Context, dir string, env []string, w io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = w
	cmd.Stderr = w
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
