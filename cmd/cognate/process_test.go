package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscredentials "github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/jackc/pgx/v5"
)

// buildCognate builds this command into a temporary directory and returns
// the binary's path.
func buildCognate(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cognate")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a running `cognate serve`.
type process struct {
	t        *testing.T
	cmd      *exec.Cmd
	endpoint string // http://host:port
	// accessKeyID and secretAccessKey are the root credentials the banner
	// printed ("" unless this start generated them).
	accessKeyID, secretAccessKey string
	out                          *lockedBuffer // stdout and stderr
	exited                       chan struct{}
	httpClient                   *http.Client // trusts its certificate; nil for plain HTTP
}

var (
	listeningLine = regexp.MustCompile(`Cognate is listening on (https?://\S+)`)
	accessKeyLine = regexp.MustCompile(`export AWS_ACCESS_KEY_ID=(\S+)`)
	secretKeyLine = regexp.MustCompile(`export AWS_SECRET_ACCESS_KEY=(\S+)`)
)

// bannerEnd starts the banner's last paragraph.
const bannerEnd = "Try it with the AWS CLI"

// startCognate runs `cognate serve` on an ephemeral port with the data
// directory (and PostgreSQL, when databaseURL is set) and waits until the
// banner is printed and /healthz answers. The process is killed when the
// test ends, if it still runs.
func startCognate(t *testing.T, bin, dataDir, databaseURL string) *process {
	t.Helper()
	args := []string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir}
	if databaseURL != "" {
		args = append(args, "--database-url", databaseURL)
	}
	return startProcess(t, bin, args, nil)
}

// startProcess runs the binary with args (a serve command) and waits until
// the banner is printed and /healthz answers httpClient (nil: a default
// client, for plain HTTP).
func startProcess(t *testing.T, bin string, args []string, httpClient *http.Client) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() { // the test's own COGNATE_* settings are not the server's
		if !strings.HasPrefix(kv, "COGNATE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	p := &process{t: t, cmd: cmd, out: &lockedBuffer{}, exited: make(chan struct{}), httpClient: httpClient}
	cmd.Stderr = p.out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.kill)
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()

	banner := make(chan error, 1)
	go func() { banner <- p.readBanner(stdout) }()
	select {
	case err := <-banner:
		if err != nil {
			t.Fatalf("cognate serve: %v\n%s", err, p.output())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("cognate serve printed no banner in 60s:\n%s", p.output())
	}
	p.waitHealthy()
	return p
}

// readBanner reads stdout up to the banner's end, recording the address
// and credentials, then copies the rest into the output buffer.
func (p *process) readBanner(stdout io.Reader) error {
	r := bufio.NewReader(stdout)
	for {
		line, err := r.ReadString('\n')
		p.out.Write([]byte(line))
		if m := listeningLine.FindStringSubmatch(line); m != nil {
			p.endpoint = m[1]
		}
		if m := accessKeyLine.FindStringSubmatch(line); m != nil {
			p.accessKeyID = m[1]
		}
		if m := secretKeyLine.FindStringSubmatch(line); m != nil {
			p.secretAccessKey = m[1]
		}
		if strings.Contains(line, bannerEnd) && p.endpoint != "" {
			go io.Copy(p.out, r)
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (p *process) waitHealthy() {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		client := p.httpClient
		if client == nil {
			client = http.DefaultClient
		}
		resp, err := client.Get(p.endpoint + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s/healthz: %v\n%s", p.endpoint, err, p.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL (no graceful shutdown) and waits for the process to
// be gone.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// output returns what the process printed.
func (p *process) output() string { return p.out.String() }

// client returns an SDK client for the process, signing with the given
// credentials.
func (p *process) client(accessKeyID, secretAccessKey string) *cip.Client {
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      awscredentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
		RetryMaxAttempts: 1,
	}
	if p.httpClient != nil {
		cfg.HTTPClient = p.httpClient
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) { o.BaseEndpoint = aws.String(p.endpoint) })
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freshDatabase creates an empty database on the PostgreSQL server at base
// for one test, drops it afterwards, and returns its URL.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cognate_durability_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
