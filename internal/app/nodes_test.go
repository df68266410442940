package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/secret"
)

// envKey returns a getenv giving COGNATE_MASTER_KEY a fresh random key.
func envKey() func(string) string {
	env := map[string]string{secret.EnvMasterKey: base64.StdEncoding.EncodeToString(secret.RandomBytes(secret.KeySize))}
	return func(k string) string { return env[k] }
}

// TestNodeWithAnotherMasterKeyRefusesToStart checks that a node whose
// master key differs from the one the database was sealed with refuses to
// start, naming the settings to fix, instead of serving 500s; with the
// root credentials generated and stored, or given in the environment (the
// usual setup of several nodes); on a new database and on one from before
// the key check was recorded.
func TestNodeWithAnotherMasterKeyRefusesToStart(t *testing.T) {
	for _, b := range backends(t) {
		for _, rootFromEnv := range []bool{false, true} {
			name := b + "/generated root"
			if rootFromEnv {
				name = b + "/root from env"
			}
			t.Run(name, func(t *testing.T) {
				cfg := newConfig(t, b)
				if rootFromEnv { // COGNATE_ROOT_ACCESS_KEY_ID and COGNATE_ROOT_SECRET_ACCESS_KEY
					cfg.RootAccessKeyID, cfg.RootSecretAccessKey = "AKIAROOTFROMENV00001", "root-secret-from-the-environment"
				}
				first := envKey()
				s := startEnv(t, cfg, first)
				poolID := s.pool(nil)
				clientID, _ := s.appClient(poolID, false)
				s.user(poolID, "vic", "Correct-Horse-9")
				s.stop()

				for _, keyCheckRecorded := range []bool{true, false} {
					if !keyCheckRecorded {
						deleteSetting(t, cfg, "master-key-check") // as a database from before the check
					}
					other := envKey()
					a, err := app.New(context.Background(), cfg, discardLog(), other)
					if err == nil {
						a.Close()
						t.Fatalf("a node with another master key started (key check recorded: %v)", keyCheckRecorded)
					}
					for _, want := range []string{"another master key", secret.EnvMasterKey, secret.EnvMasterKeyFile} {
						if !strings.Contains(err.Error(), want) {
							t.Errorf("error %q does not mention %q", err, want)
						}
					}
				}
				// The right key still starts (and records the check again).
				s = startEnv(t, cfg, first)
				s.signIn(clientID, "vic", "Correct-Horse-9")
				s.stop()
				if _, err := app.New(context.Background(), cfg, discardLog(), envKey()); err == nil {
					t.Fatal("a node with another master key started after the check was recorded again")
				}
			})
		}
	}
}

// TestPublicURLMismatchWarns checks that a node whose public URL differs
// from the one the database first saw says so at start.
func TestPublicURLMismatchWarns(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			key := envKey()
			startLogged := func(publicURL string) string {
				c := cfg
				c.PublicURL = publicURL
				var log lockedLog
				a, err := app.New(context.Background(), c, slog.New(slog.NewTextHandler(&log, nil)), key)
				if err != nil {
					t.Fatal(err)
				}
				a.Close()
				return log.String()
			}
			if out := startLogged("https://id.example.com"); strings.Contains(out, "level=WARN") {
				t.Fatalf("first start warned:\n%s", out)
			}
			out := startLogged("http://10.0.0.2:7350")
			if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "public URL differs") ||
				!strings.Contains(out, "first_public_url=https://id.example.com") || !strings.Contains(out, "public_url=http://10.0.0.2:7350") {
				t.Fatalf("a node with another public URL did not warn:\n%s", out)
			}
			if out := startLogged("https://id.example.com"); strings.Contains(out, "level=WARN") {
				t.Fatalf("a node with the first public URL warned:\n%s", out)
			}
		})
	}
}

// startEnv is start with the environment given by getenv.
func startEnv(t *testing.T, cfg config.Config, getenv func(string) string) *server {
	t.Helper()
	a, err := app.New(context.Background(), cfg, discardLog(), getenv)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	return serve(t, a, cfg)
}

// serve serves a through an httptest server until the test ends.
func serve(t *testing.T, a *app.App, cfg config.Config) *server {
	t.Helper()
	s := &server{t: t, app: a, http: httptest.NewServer(a.Handler()), cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return s
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// deleteSetting removes a server setting from cfg's database.
func deleteSetting(t *testing.T, cfg config.Config, name string) {
	t.Helper()
	if cfg.DatabaseURL != "" {
		conn, err := pgx.Connect(ctx, cfg.DatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DELETE FROM settings WHERE name = $1", name); err != nil {
			t.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite", filepath.Join(cfg.DataDir, "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM settings WHERE name = ?", name); err != nil {
		t.Fatal(err)
	}
}

// lockedLog is a log destination safe for concurrent writers.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
