package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultIsValid(t *testing.T) {
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if d.Listen != "127.0.0.1:7350" || d.AccountID != "000000000000" || d.SMTP.Port != 587 ||
		d.SMTP.StartTLS != "auto" || d.LogLevel != "info" || d.DataDir != "./cognate-data" ||
		d.PublicURL != "http://127.0.0.1:7350" || d.LockoutMax != 15*time.Minute {
		t.Fatalf("Default() = %+v", d)
	}
}

func TestParse(t *testing.T) {
	pwFile := writeFile(t, "file-pw\n")
	rootFile := writeFile(t, "root-secret-from-file\r\n")

	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{
			name: "defaults",
			check: func(t *testing.T, c Config) {
				if c != Default() {
					t.Errorf("got %+v, want Default()", c)
				}
			},
		},
		{
			name: "s3 gateway",
			args: []string{"--s3-gateway-listen", "127.0.0.1:7360", "--s3-backend-url", "http://127.0.0.1:9000",
				"--s3-backend-access-key", "minio", "--s3-backend-path-style", "--s3-gateway-metadata=false"},
			env: map[string]string{"COGNATE_S3_BACKEND_SECRET_KEY_FILE": pwFile, "COGNATE_S3_BACKEND_REGION": "eu-west-1"},
			check: func(t *testing.T, c Config) {
				want := S3Gateway{Listen: "127.0.0.1:7360", BackendURL: "http://127.0.0.1:9000", BackendAccessKey: "minio",
					BackendSecretKey: "file-pw", BackendRegion: "eu-west-1", BackendPathStyle: true}
				if c.S3Gateway != want {
					t.Errorf("got %+v\nwant %+v", c.S3Gateway, want)
				}
				if err := c.Validate(); err != nil {
					t.Errorf("Validate: %v", err)
				}
				c.S3Gateway.BackendURL = ""
				if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--s3-backend-url") {
					t.Errorf("Validate without a backend URL = %v", err)
				}
			},
		},
		{
			name: "flags",
			args: []string{"--listen", "0.0.0.0:9000", "--data-dir=/var/lib/cognate", "--database-url", "postgres://u@db/x",
				"--account-id", "123456789012", "--public-url", "https://id.example.com", "--smtp-host", "mail.example.com",
				"--smtp-port", "2525", "--smtp-username", "u", "--smtp-password", "p", "--smtp-from", "a@example.com",
				"--smtp-starttls", "require", "--log-level", "debug", "--sms-webhook-url", "https://sms.example.com/send",
				"--lockout-max", "1h30m", "--tls-cert-file", "/etc/cognate/cert.pem", "--tls-key-file", "/etc/cognate/key.pem"},
			check: func(t *testing.T, c Config) {
				want := Config{Listen: "0.0.0.0:9000", DataDir: "/var/lib/cognate", DatabaseURL: "postgres://u@db/x",
					AccountID: "123456789012", PublicURL: "https://id.example.com",
					SMTP:     SMTP{Host: "mail.example.com", Port: 2525, Username: "u", Password: "p", From: "a@example.com", StartTLS: "require"},
					LogLevel: "debug", SMSWebhookURL: "https://sms.example.com/send", LockoutMax: 90 * time.Minute,
					TLSCertFile: "/etc/cognate/cert.pem", TLSKeyFile: "/etc/cognate/key.pem",
					S3Gateway: Default().S3Gateway, APIGateway: Default().APIGateway, Lambda: Default().Lambda, Console: Default().Console,
					RateLimits: "default", PasswordSpray: "50/15m"}
				if c != want {
					t.Errorf("got %+v\nwant %+v", c, want)
				}
			},
		},
		{
			name: "public url follows listen",
			args: []string{"--listen", "127.0.0.1:8080"},
			check: func(t *testing.T, c Config) {
				if c.PublicURL != "http://127.0.0.1:8080" {
					t.Errorf("PublicURL = %q", c.PublicURL)
				}
			},
		},
		{
			name: "public url follows listen over https",
			args: []string{"--listen", "0.0.0.0:8443"},
			env:  map[string]string{"COGNATE_TLS_CERT_FILE": "/c.pem", "COGNATE_TLS_KEY_FILE": "/k.pem"},
			check: func(t *testing.T, c Config) {
				if c.PublicURL != "https://0.0.0.0:8443" || c.TLSCertFile != "/c.pem" || c.TLSKeyFile != "/k.pem" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "env overrides defaults",
			env: map[string]string{"COGNATE_LISTEN": "127.0.0.1:1", "COGNATE_SMTP_PORT": "465",
				"COGNATE_SMTP_STARTTLS": "off", "COGNATE_DATABASE_URL": "postgresql://x/y"},
			check: func(t *testing.T, c Config) {
				if c.Listen != "127.0.0.1:1" || c.SMTP.Port != 465 || c.SMTP.StartTLS != "off" || c.DatabaseURL != "postgresql://x/y" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "lockout cap from env",
			env:  map[string]string{"COGNATE_LOCKOUT_MAX": "2m"},
			check: func(t *testing.T, c Config) {
				if c.LockoutMax != 2*time.Minute {
					t.Errorf("LockoutMax = %v", c.LockoutMax)
				}
			},
		},
		{
			name: "flag wins over env",
			args: []string{"--log-level", "warn", "--smtp-port", "25"},
			env:  map[string]string{"COGNATE_LOG_LEVEL": "error", "COGNATE_SMTP_PORT": "2525", "COGNATE_ACCOUNT_ID": "111111111111"},
			check: func(t *testing.T, c Config) {
				if c.LogLevel != "warn" || c.SMTP.Port != 25 || c.AccountID != "111111111111" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "root credentials from env",
			env:  map[string]string{EnvRootAccessKeyID: "AKIDEXAMPLE", EnvRootSecretAccessKey: "s3cret"},
			check: func(t *testing.T, c Config) {
				if c.RootAccessKeyID != "AKIDEXAMPLE" || c.RootSecretAccessKey != "s3cret" {
					t.Errorf("got %q %q", c.RootAccessKeyID, c.RootSecretAccessKey)
				}
			},
		},
		{
			name: "secrets from files",
			env: map[string]string{EnvRootAccessKeyID: "AKIDEXAMPLE", EnvRootSecretAccessKey + "_FILE": rootFile,
				"COGNATE_SMTP_PASSWORD_FILE": pwFile},
			check: func(t *testing.T, c Config) {
				if c.RootSecretAccessKey != "root-secret-from-file" || c.SMTP.Password != "file-pw" {
					t.Errorf("got %q %q", c.RootSecretAccessKey, c.SMTP.Password)
				}
			},
		},
		{
			name: "password flag wins over password file",
			args: []string{"--smtp-password", "flag-pw"},
			env:  map[string]string{"COGNATE_SMTP_PASSWORD_FILE": pwFile},
			check: func(t *testing.T, c Config) {
				if c.SMTP.Password != "flag-pw" {
					t.Errorf("password = %q", c.SMTP.Password)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("serve", tt.args, envOf(tt.env))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	pwFile := writeFile(t, "pw")
	empty := writeFile(t, "\n")
	twoLines := writeFile(t, "a\nb\n")
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"unknown flag", []string{"--nope"}, nil, "flag provided but not defined"},
		{"positional", []string{"extra"}, nil, `unexpected argument "extra"`},
		{"bad int flag", []string{"--smtp-port", "x"}, nil, "smtp-port"},
		{"bad duration", []string{"--lockout-max", "15"}, nil, "lockout-max"},
		{"bad int env", nil, map[string]string{"COGNATE_SMTP_PORT": "x"}, `COGNATE_SMTP_PORT: invalid value "x"`},
		{"env and file", nil, map[string]string{"COGNATE_SMTP_PASSWORD": "a", "COGNATE_SMTP_PASSWORD_FILE": pwFile}, "both set"},
		{"missing file", nil, map[string]string{EnvRootSecretAccessKey + "_FILE": "/nonexistent/x"}, "COGNATE_ROOT_SECRET_ACCESS_KEY_FILE"},
		{"empty file", nil, map[string]string{"COGNATE_SMTP_PASSWORD_FILE": empty}, "is empty"},
		{"two-line file", nil, map[string]string{"COGNATE_SMTP_PASSWORD_FILE": twoLines}, "more than one line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("serve", tt.args, envOf(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse error = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	for _, cmd := range []string{"serve", "credentials", "rotate-keys"} {
		for _, arg := range []string{"-h", "--help"} {
			if _, _, err := ParseArgs(cmd, []string{arg}, nil); !IsHelp(err) {
				t.Errorf("ParseArgs(%s, %s) error = %v, want flag.ErrHelp", cmd, arg, err)
			}
		}
	}
	tests := []struct {
		cmd          string
		want, refuse []string
	}{
		{"serve", []string{"Flags:", "-tls-cert-file", "-tls-key-file", "-smtp-starttls", "127.0.0.1:7350", "-data-dir", "-lockout-max", "COGNATE_ROOT_SECRET_ACCESS_KEY", "COGNATE_MASTER_KEY_FILE", "COGNATE_SMTP_PASSWORD_FILE"}, nil},
		{"credentials", []string{"Flags:", "-data-dir", "-database-url", "COGNATE_MASTER_KEY"}, []string{"-smtp-host", "-listen", "SMTP"}},
		{"rotate-keys", []string{"Flags:", "-data-dir", "-database-url"}, []string{"-smtp-host", "-public-url"}},
	}
	for _, tt := range tests {
		u := Usage(tt.cmd)
		for _, want := range tt.want {
			if !strings.Contains(u, want) {
				t.Errorf("Usage(%s) lacks %q:\n%s", tt.cmd, want, u)
			}
		}
		for _, refuse := range tt.refuse {
			if strings.Contains(u, refuse) {
				t.Errorf("Usage(%s) shows %q:\n%s", tt.cmd, refuse, u)
			}
		}
	}
}

func TestStorageCommandsTakeStorageFlagsOnly(t *testing.T) {
	c, err := Parse("credentials", []string{"--data-dir", "/srv/cognate"}, envOf(map[string]string{"COGNATE_SMTP_PORT": "not a port"}))
	if err != nil || c.DataDir != "/srv/cognate" {
		t.Fatalf("Parse(credentials) = %+v, %v", c, err)
	}
	if _, err := Parse("credentials", []string{"--smtp-host", "mail.example.com"}, nil); err == nil || !strings.Contains(err.Error(), "smtp-host") {
		t.Fatalf("Parse(credentials --smtp-host) error = %v, want the flag refused", err)
	}
}

func TestValidate(t *testing.T) {
	smtpOK := SMTP{Host: "mail.example.com", Port: 587, From: "Example <no-reply@example.com>", StartTLS: "auto"}
	tests := []struct {
		name    string
		mutate  func(c *Config)
		wantErr string // "" means valid
	}{
		{"default", func(c *Config) {}, ""},
		{"any interface", func(c *Config) { c.Listen = ":7350" }, ""},
		{"ipv6 listen", func(c *Config) { c.Listen = "[::1]:7350" }, ""},
		{"listen without port", func(c *Config) { c.Listen = "127.0.0.1" }, "--listen"},
		{"listen bad port", func(c *Config) { c.Listen = "127.0.0.1:http" }, "invalid port"},
		{"listen port too big", func(c *Config) { c.Listen = "127.0.0.1:70000" }, "invalid port"},
		{"no data dir", func(c *Config) { c.DataDir = "" }, "--data-dir"},
		{"no data dir with postgres", func(c *Config) { c.DataDir = ""; c.DatabaseURL = "postgres://localhost/db" }, ""},
		{"mysql url", func(c *Config) { c.DatabaseURL = "mysql://localhost/db" }, `scheme "mysql"`},
		{"account id short", func(c *Config) { c.AccountID = "12345" }, "not 12 digits"},
		{"account id letters", func(c *Config) { c.AccountID = "12345678901a" }, "not 12 digits"},
		{"public url https path", func(c *Config) { c.PublicURL = "https://example.com/cognito" }, ""},
		{"public url ftp", func(c *Config) { c.PublicURL = "ftp://example.com" }, `scheme "ftp"`},
		{"public url no scheme", func(c *Config) { c.PublicURL = "example.com" }, "scheme"},
		{"public url slash", func(c *Config) { c.PublicURL = "https://example.com/" }, "slash"},
		{"public url query", func(c *Config) { c.PublicURL = "https://example.com?a=b" }, "query"},
		{"public url userinfo", func(c *Config) { c.PublicURL = "https://u:p@example.com" }, "user information"},
		{"root key without secret", func(c *Config) { c.RootAccessKeyID = "AKID" }, "set together"},
		{"root secret without key", func(c *Config) { c.RootSecretAccessKey = "s" }, "set together"},
		{"root key with space", func(c *Config) { c.RootAccessKeyID = "AK ID"; c.RootSecretAccessKey = "s" }, "spaces"},
		{"smtp ok", func(c *Config) { c.SMTP = smtpOK }, ""},
		{"smtp ipv6", func(c *Config) { c.SMTP = smtpOK; c.SMTP.Host = "::1" }, ""},
		{"smtp host with port", func(c *Config) { c.SMTP = smtpOK; c.SMTP.Host = "mail:25" }, "--smtp-host"},
		{"smtp port zero", func(c *Config) { c.SMTP = smtpOK; c.SMTP.Port = 0 }, "--smtp-port"},
		{"smtp no from", func(c *Config) { c.SMTP = smtpOK; c.SMTP.From = "" }, "--smtp-from: required"},
		{"smtp bad from", func(c *Config) { c.SMTP = smtpOK; c.SMTP.From = "not an address" }, "--smtp-from"},
		{"smtp user without password", func(c *Config) { c.SMTP = smtpOK; c.SMTP.Username = "u" }, "set together"},
		{"smtp bad starttls", func(c *Config) { c.SMTP.StartTLS = "maybe" }, "--smtp-starttls"},
		{"bad log level", func(c *Config) { c.LogLevel = "trace" }, "--log-level"},
		{"sms webhook ok", func(c *Config) { c.SMSWebhookURL = "https://sms.example.com/send?token=x" }, ""},
		{"sms webhook ftp", func(c *Config) { c.SMSWebhookURL = "ftp://sms.example.com" }, "--sms-webhook-url"},
		{"sms webhook relative", func(c *Config) { c.SMSWebhookURL = "/send" }, "--sms-webhook-url"},
		{"tls", func(c *Config) { c.TLSCertFile, c.TLSKeyFile = "c.pem", "k.pem" }, ""},
		{"tls cert without key", func(c *Config) { c.TLSCertFile = "c.pem" }, "--tls-key-file"},
		{"tls key without cert", func(c *Config) { c.TLSKeyFile = "k.pem" }, "--tls-cert-file"},
		{"console admin pool and client", func(c *Config) { c.Console.UserPoolID, c.Console.ClientID = "us-east-1_abc", "client" }, ""},
		{"console admin pool without client", func(c *Config) { c.Console.UserPoolID = "us-east-1_abc" }, "--console-client-id"},
		{"console idle timeout 30s", func(c *Config) { c.Console.IdleTimeout = 30 * time.Second }, "--console-idle-timeout"},
		{"console idle timeout a day", func(c *Config) { c.Console.IdleTimeout = 24 * time.Hour }, ""},
		{"lockout cap a second", func(c *Config) { c.LockoutMax = time.Second }, ""},
		{"lockout cap a day", func(c *Config) { c.LockoutMax = 24 * time.Hour }, ""},
		{"lockout cap zero", func(c *Config) { c.LockoutMax = 0 }, "--lockout-max"},
		{"lockout cap under a second", func(c *Config) { c.LockoutMax = 999 * time.Millisecond }, "--lockout-max"},
		{"lockout cap over a day", func(c *Config) { c.LockoutMax = 25 * time.Hour }, "--lockout-max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestSlogLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		c := Default()
		c.LogLevel = in
		if got := c.SlogLevel(); got != want {
			t.Errorf("SlogLevel(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestLogValueRedactsSecrets(t *testing.T) {
	c := Default()
	c.RootAccessKeyID = "AKIDEXAMPLE"
	c.RootSecretAccessKey = "root-secret-value"
	c.SMTP.Password = "smtp-secret-value"
	c.DatabaseURL = "postgres://user:db-secret-value@db/cognate?sslmode=disable&password=query-secret-value"
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	out := b.String()
	for _, secret := range []string{"root-secret-value", "smtp-secret-value", "db-secret-value", "query-secret-value"} {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"AKIDEXAMPLE", "config.listen=127.0.0.1:7350", "user:xxxxx@db"} {
		if !strings.Contains(out, want) {
			t.Errorf("log output lacks %q:\n%s", want, out)
		}
	}
}

func TestSMSWebhookFromEnvRedacted(t *testing.T) {
	env := map[string]string{"COGNATE_SMS_WEBHOOK_URL": "https://sms.example.com/send?token=s3cret"}
	c, err := Parse("serve", nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.SMSWebhookURL != env["COGNATE_SMS_WEBHOOK_URL"] {
		t.Fatalf("SMSWebhookURL = %q", c.SMSWebhookURL)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	if strings.Contains(b.String(), "s3cret") || !strings.Contains(b.String(), "sms.example.com") {
		t.Fatalf("logged config: %s", b.String())
	}
}
