package app_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	"github.com/jackc/pgx/v5"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// backends lists the storage backends the end-to-end tests run on:
// SQLite always, PostgreSQL when COGNATE_TEST_POSTGRES_URL is set.
func backends(t *testing.T) []string {
	out := []string{"sqlite"}
	if os.Getenv("COGNATE_TEST_POSTGRES_URL") != "" {
		out = append(out, "postgres")
	} else {
		t.Log("PostgreSQL: skipped (COGNATE_TEST_POSTGRES_URL not set)")
	}
	return out
}

// server is a Cognate server under test, reached through an httptest
// listener, with an SDK client signed by the root credentials.
type server struct {
	t       testing.TB
	app     *app.App
	http    *httptest.Server
	cfg     config.Config
	idp     *cip.Client
	dataDir string
}

const testPublicURL = "http://cognate.test"

// newConfig returns a config for a fresh data dir (and a fresh PostgreSQL
// database for the postgres backend).
func newConfig(t testing.TB, backend string) config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.PublicURL = testPublicURL
	// Every test signs in from 127.0.0.1, many with wrong passwords for
	// many users: to the spray rule, one address spraying. The tests of
	// the rule turn it back on.
	cfg.PasswordSpray = "0"
	if backend == "postgres" {
		cfg.DatabaseURL = freshDatabase(t)
	}
	return cfg
}

// start builds and serves an App for cfg.
func start(t testing.TB, cfg config.Config, opts ...app.Option) *server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), cfg, log, func(string) string { return "" }, opts...)
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

func newServer(t *testing.T, backend string) *server { return start(t, newConfig(t, backend)) }

func (s *server) stop() {
	if s.http != nil {
		s.http.Close()
		s.app.Close()
		s.http = nil
	}
}

// client returns an SDK client with the given credentials.
func (s *server) client(id, key string) *cip.Client {
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(id, key, ""),
		HTTPClient:       s.http.Client(),
		RetryMaxAttempts: 1,
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) { o.BaseEndpoint = aws.String(s.http.URL) })
}

var codePattern = regexp.MustCompile(`\b(\d{6})\b`)

// lastMessage returns the newest message in the development outbox.
func (s *server) lastMessage() string {
	s.t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.dataDir, "outbox", "*.eml"))
	if len(files) == 0 {
		s.t.Fatal("no message in the outbox")
	}
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.ModTime().Before(b.ModTime()) || (a.ModTime().Equal(b.ModTime()) && files[i] < files[j])
	})
	body, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		s.t.Fatal(err)
	}
	return string(body)
}

// lastCode returns the 6-digit code the newest outbox message carries.
func (s *server) lastCode() string {
	s.t.Helper()
	body := s.lastMessage()
	m := codePattern.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no code in %s", body)
	}
	return m[1]
}

// rawClient returns an SDK client that skips the SDK's own input
// validation, so requests the server must refuse reach it.
func (s *server) rawClient() *cip.Client {
	id, key := s.app.RootCredentials()
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(id, key, ""),
		HTTPClient:       s.http.Client(),
		RetryMaxAttempts: 1,
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = aws.String(s.http.URL)
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			_, err := st.Initialize.Remove("OperationInputValidation")
			return err
		})
	})
}

// freshDatabase creates an empty PostgreSQL database for one test and
// drops it afterwards.
func freshDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cognate_app_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func newBenchServer(b *testing.B) *server { return start(b, newConfig(b, "sqlite")) }

// signedJSON posts an AWS JSON 1.1 request signed with the root credentials
// (service cognito-idp) and returns the decoded 200 response body, so a test
// can see exactly which members the server sent.
func (s *server) signedJSON(target, body string) map[string]any {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.http.URL+"/", strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	id, key := s.app.RootCredentials()
	err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key},
		req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("%s: HTTP %d: %s", target, resp.StatusCode, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatalf("%s: %v: %s", target, err, raw)
	}
	return out
}
