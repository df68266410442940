// Package config holds the Cognate server's configuration value.
//
// A Config is built once at start-up (Default, then Parse for flags and
// environment overrides, then Validate) and passed down by value; nothing in
// this package is global. Secrets (the root secret access key and the SMTP
// password) may come from files named by *_FILE environment variables so they
// need not appear in a process listing or an environment dump, and
// Config.LogValue redacts them when a Config is logged.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Default values, exported so help texts and tests agree with Default.
const (
	DefaultListen    = "127.0.0.1:7350"
	DefaultDataDir   = "./cognate-data"
	DefaultAccountID = "000000000000"
	DefaultLogLevel  = "info"
	DefaultSMTPPort  = 587
	// DefaultLockoutMax is Cognito's own longest sign-in lockout.
	DefaultLockoutMax = 15 * time.Minute
	// MaxLockoutMax is the largest --lockout-max: the longest lockout the
	// schedule reaches (after 27 consecutive failures).
	MaxLockoutMax = 24 * time.Hour
)

// STARTTLS modes for SMTP.StartTLS.
const (
	StartTLSAuto    = "auto"    // upgrade when the server offers STARTTLS
	StartTLSRequire = "require" // fail unless the server offers STARTTLS
	StartTLSOff     = "off"     // never upgrade (only for a local relay)
)

// Config is the server's configuration.
type Config struct {
	// Listen is the TCP address the HTTP server listens on (host:port).
	Listen string
	// DataDir holds the SQLite database and other local state.
	DataDir string
	// DatabaseURL selects PostgreSQL (postgres://...); empty means SQLite in DataDir.
	DatabaseURL string
	// AccountID is the 12-digit AWS account id used in ARNs.
	AccountID string
	// PublicURL is the externally visible base URL, the base of issuer URLs.
	// It has no trailing slash. Parse defaults it to Scheme() + "://" +
	// Listen.
	PublicURL string
	// TLSCertFile and TLSKeyFile are the PEM files of the certificate
	// (chain) and private key the server serves HTTPS with; empty means
	// plain HTTP. The server reads them again on SIGHUP.
	TLSCertFile string
	TLSKeyFile  string
	// RootAccessKeyID and RootSecretAccessKey are the administrator's SigV4
	// credentials. They come from the environment only, never from flags.
	RootAccessKeyID     string
	RootSecretAccessKey string
	// SMTP configures outgoing email; an empty Host means the development outbox.
	SMTP SMTP
	// SMSWebhookURL is where text messages (SMS codes) are posted as JSON;
	// empty means the development outbox.
	SMSWebhookURL string
	// LogLevel is one of debug, info, warn, error.
	LogLevel string
	// LockoutMax caps the temporary lockout that consecutive failed
	// passwords start (the schedule doubles from 1 second), so that
	// nobody can lock a user out for longer by guessing wrong on purpose.
	LockoutMax time.Duration
	// AuthDomainBase, when set, serves each pool's prefix domain by Host
	// header as <prefix>.auth.<region>.<AuthDomainBase> (as Cognito's
	// amazoncognito.com), and the discovery documents name those hosts;
	// empty: the path form <public-url>/domains/<domain>/ only.
	AuthDomainBase string
	// MetricsListen moves /metrics from the main listener to its own
	// address (host:port); empty keeps it on the main listener.
	MetricsListen string
	// RateLimits is the rate-limit spec ("default", "off", or
	// "scope:Category=rate[/burst],..." over the defaults); see
	// internal/ratelimit.
	RateLimits string
	// PasswordSpray is the spray rule: "<users>/<window>" (e.g. "50/15m":
	// once wrong passwords from one address have named 50 different users
	// in 15 minutes, its sign-ins are refused until the 15 minutes end), or
	// "0" for none.
	PasswordSpray string
	// OTLPEndpoint, when set, is the OTLP/HTTP endpoint
	// (http(s)://host:port) traces are sent to.
	OTLPEndpoint string
	// TrustedProxies are the addresses (CIDRs or single IPs, comma
	// separated) whose X-Forwarded-For names the client.
	TrustedProxies string
	// S3Gateway configures the S3 gateway; it is off when its Listen is
	// empty.
	S3Gateway S3Gateway
	// APIGateway configures the API gateway; it is off when its Listen is
	// empty.
	APIGateway APIGateway
	// Lambda says how functions are invoked: the user pools' triggers
	// and the API gateway's lambda-proxy mode.
	Lambda Lambda
	// Console configures the admin console at <public-url>/console/.
	Console Console
}

// Console configures the admin console. Besides the root credentials,
// members of the group "admins" of UserPoolID sign in through ClientID
// (both set, or neither). A session ends after IdleTimeout without a
// request.
type Console struct {
	UserPoolID  string
	ClientID    string
	IdleTimeout time.Duration
}

// DefaultConsoleIdleTimeout is how long an idle console session lasts.
const DefaultConsoleIdleTimeout = 30 * time.Minute

// SMTP configures the outgoing mail server.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	// From is the sender address, e.g. "Example <no-reply@example.com>".
	From string
	// StartTLS is one of StartTLSAuto, StartTLSRequire, StartTLSOff.
	StartTLS string
}

// TLS reports whether the server serves HTTPS.
func (c Config) TLS() bool { return c.TLSCertFile != "" }

// Scheme is the scheme the server answers: "https" with TLS, else "http".
func (c Config) Scheme() string {
	if c.TLS() {
		return "https"
	}
	return "http"
}

// Enabled reports whether an SMTP server is configured.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Default returns the configuration used when nothing is set. Its PublicURL is
// derived from its Listen address.
func Default() Config {
	return Config{
		Listen:    DefaultListen,
		DataDir:   DefaultDataDir,
		AccountID: DefaultAccountID,
		PublicURL: "http://" + DefaultListen,
		SMTP: SMTP{
			Port:     DefaultSMTPPort,
			StartTLS: StartTLSAuto,
		},
		LogLevel:      DefaultLogLevel,
		LockoutMax:    DefaultLockoutMax,
		RateLimits:    "default",
		PasswordSpray: "50/15m",
		S3Gateway:     S3Gateway{Metadata: true, BackendRegion: "us-east-1"},
		APIGateway: APIGateway{Mode: "http", PayloadVersion: "1.0", Authorizer: "cognito-user-pools",
			APIID: "cognate", Stage: "$default"},
		Lambda:  Lambda{Region: "us-east-1", Timeout: 5 * time.Second},
		Console: Console{IdleTimeout: DefaultConsoleIdleTimeout},
	}
}

// Validate reports the first problem found in c, with a message naming the
// flag to fix.
func (c Config) Validate() error {
	if err := validateListen(c.Listen); err != nil {
		return err
	}
	if c.DatabaseURL == "" && strings.TrimSpace(c.DataDir) == "" {
		return fmt.Errorf("--data-dir: must not be empty when --database-url is not set")
	}
	if c.DatabaseURL != "" {
		if err := validateDatabaseURL(c.DatabaseURL); err != nil {
			return err
		}
	}
	if !isDigits(c.AccountID, 12) {
		return fmt.Errorf("--account-id: %q is not 12 digits", c.AccountID)
	}
	if err := validatePublicURL(c.PublicURL); err != nil {
		return err
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return fmt.Errorf("--tls-cert-file and --tls-key-file must be set together")
	}
	if (c.RootAccessKeyID == "") != (c.RootSecretAccessKey == "") {
		return fmt.Errorf("COGNATE_ROOT_ACCESS_KEY_ID and COGNATE_ROOT_SECRET_ACCESS_KEY must be set together")
	}
	if strings.ContainsFunc(c.RootAccessKeyID, isSpaceOrControl) {
		return fmt.Errorf("COGNATE_ROOT_ACCESS_KEY_ID: must not contain spaces or control characters")
	}
	if err := c.SMTP.validate(); err != nil {
		return err
	}
	if err := validateWebhookURL(c.SMSWebhookURL); err != nil {
		return err
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if (c.Console.UserPoolID == "") != (c.Console.ClientID == "") {
		return fmt.Errorf("--console-user-pool-id and --console-client-id must be set together")
	}
	if c.Console.IdleTimeout < time.Minute || c.Console.IdleTimeout > 24*time.Hour {
		return fmt.Errorf("--console-idle-timeout: %v is not between 1m and 24h", c.Console.IdleTimeout)
	}
	if c.LockoutMax < time.Second || c.LockoutMax > MaxLockoutMax {
		return fmt.Errorf("--lockout-max: %v is not between 1s and %v", c.LockoutMax, MaxLockoutMax)
	}
	if c.MetricsListen != "" {
		if err := validateListen(c.MetricsListen); err != nil {
			return fmt.Errorf("--metrics-listen%s", strings.TrimPrefix(err.Error(), "--listen"))
		}
	}
	if _, _, err := c.PasswordSprayLimit(); err != nil {
		return err
	}
	if _, err := c.TrustedProxyNets(); err != nil {
		return err
	}
	if c.OTLPEndpoint != "" {
		if u, err := url.Parse(c.OTLPEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("--otlp-endpoint: %q is not http(s)://host:port", c.OTLPEndpoint)
		}
	}
	if err := c.S3Gateway.validate(); err != nil {
		return err
	}
	if (c.Lambda.AccessKeyID == "") != (c.Lambda.SecretAccessKey == "") {
		return fmt.Errorf("--lambda-access-key-id and --lambda-secret-access-key must be set together")
	}
	if c.Lambda.Timeout <= 0 || c.Lambda.Timeout > 15*time.Minute {
		return fmt.Errorf("--lambda-timeout: %s is not between 0 and 15m", c.Lambda.Timeout)
	}
	if err := c.Lambda.validate(); err != nil {
		return err
	}
	return c.APIGateway.validate()
}

// SlogLevel returns LogLevel as a slog.Level (info when LogLevel is invalid;
// Validate reports that).
func (c Config) SlogLevel() slog.Level {
	l, _ := parseLevel(c.LogLevel)
	return l
}

// LogValue implements slog.LogValuer, so logging a Config never prints the
// root secret, the SMTP password or a password inside DatabaseURL.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("listen", c.Listen),
		slog.String("data_dir", c.DataDir),
		slog.String("database_url", redactURL(c.DatabaseURL)),
		slog.String("account_id", c.AccountID),
		slog.String("public_url", c.PublicURL),
		slog.String("tls_cert_file", c.TLSCertFile),
		slog.String("tls_key_file", c.TLSKeyFile),
		slog.String("root_access_key_id", c.RootAccessKeyID),
		slog.String("root_secret_access_key", redact(c.RootSecretAccessKey)),
		slog.Group("smtp",
			slog.String("host", c.SMTP.Host),
			slog.Int("port", c.SMTP.Port),
			slog.String("username", c.SMTP.Username),
			slog.String("password", redact(c.SMTP.Password)),
			slog.String("from", c.SMTP.From),
			slog.String("starttls", c.SMTP.StartTLS),
		),
		slog.String("sms_webhook_url", redactWebhook(c.SMSWebhookURL)),
		slog.String("log_level", c.LogLevel),
		slog.Duration("lockout_max", c.LockoutMax),
		slog.Group("s3_gateway",
			slog.String("listen", c.S3Gateway.Listen),
			slog.String("domain", c.S3Gateway.Domain),
			slog.Bool("metadata", c.S3Gateway.Metadata),
			slog.String("backend_url", c.S3Gateway.BackendURL),
			slog.String("backend_access_key", c.S3Gateway.BackendAccessKey),
			slog.String("backend_secret_key", redact(c.S3Gateway.BackendSecretKey)),
			slog.String("backend_region", c.S3Gateway.BackendRegion),
			slog.Bool("backend_path_style", c.S3Gateway.BackendPathStyle),
		),
		slog.Group("api_gateway",
			slog.String("listen", c.APIGateway.Listen),
			slog.String("upstream", redactWebhook(c.APIGateway.Upstream)),
			slog.String("mode", c.APIGateway.Mode),
			slog.String("function", c.APIGateway.Function),
			slog.String("authorizer", c.APIGateway.Authorizer),
			slog.String("user_pool_id", c.APIGateway.UserPoolID),
		),
		slog.Group("lambda",
			slog.String("access_key_id", c.Lambda.AccessKeyID),
			slog.String("secret_access_key", redact(c.Lambda.SecretAccessKey)),
			slog.String("endpoint", c.Lambda.Endpoint),
			slog.String("sender_encryption_key", redact(c.Lambda.SenderKey)),
			slog.String("region", c.Lambda.Region),
			slog.Duration("timeout", c.Lambda.Timeout),
		),
	)
}

// validateWebhookURL checks --sms-webhook-url: empty, or an absolute http
// or https URL.
func validateWebhookURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--sms-webhook-url: %q is not an http or https URL", redactWebhook(raw))
	}
	return nil
}

// redactWebhook shows only the scheme and host of a webhook URL: its path,
// query or user information may hold a token.
func redactWebhook(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid)"
	}
	return u.Scheme + "://" + u.Host + "/..."
}

func (s SMTP) validate() error {
	switch s.StartTLS {
	case StartTLSAuto, StartTLSRequire, StartTLSOff:
	default:
		return fmt.Errorf("--smtp-starttls: %q is not one of auto, require, off", s.StartTLS)
	}
	if !s.Enabled() {
		return nil
	}
	if strings.ContainsFunc(s.Host, isSpaceOrControl) || (strings.ContainsAny(s.Host, "/:@") && net.ParseIP(s.Host) == nil) {
		return fmt.Errorf("--smtp-host: %q is not a host name or IP address", s.Host)
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("--smtp-port: %d is out of range 1-65535", s.Port)
	}
	if s.From == "" {
		return fmt.Errorf("--smtp-from: required when --smtp-host is set")
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return fmt.Errorf("--smtp-from: %q is not an email address: %w", s.From, err)
	}
	if (s.Username == "") != (s.Password == "") {
		return fmt.Errorf("--smtp-username and --smtp-password must be set together")
	}
	return nil
}

func validateListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen: %q is not host:port: %w", addr, err)
	}
	if strings.ContainsFunc(host, isSpaceOrControl) {
		return fmt.Errorf("--listen: %q has an invalid host", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--listen: %q has an invalid port %q", addr, port)
	}
	return nil
}

func validateDatabaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the URL, which may hold a password: don't wrap it.
		return fmt.Errorf("--database-url: not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("--database-url: scheme %q is not postgres or postgresql", u.Scheme)
	}
	return nil
}

func validatePublicURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--public-url: %q is not a valid URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("--public-url: scheme %q is not http or https", u.Scheme)
	case u.Host == "":
		return fmt.Errorf("--public-url: %q has no host", raw)
	case u.User != nil:
		return fmt.Errorf("--public-url: must not contain user information")
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.Contains(raw, "#"):
		return fmt.Errorf("--public-url: %q must not have a query or fragment", raw)
	case strings.HasSuffix(raw, "/"):
		return fmt.Errorf("--public-url: %q must not end with a slash", raw)
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	switch s {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", s)
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return "REDACTED"
}

func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "REDACTED"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// PasswordSprayLimit parses PasswordSpray: how many different users an
// address may get wrong passwords for in a window (0 for no limit).
func (c Config) PasswordSprayLimit() (int, time.Duration, error) {
	v := strings.TrimSpace(c.PasswordSpray)
	if v == "" || v == "0" {
		return 0, 0, nil
	}
	n, w, ok := strings.Cut(v, "/")
	count, err := strconv.Atoi(n)
	window, werr := time.ParseDuration(w)
	if !ok || err != nil || werr != nil || count < 1 || window < time.Second {
		return 0, 0, fmt.Errorf("--password-spray-limit: %q is not <users>/<duration> (e.g. 50/15m) or 0", c.PasswordSpray)
	}
	return count, window, nil
}

// TrustedProxyNets parses TrustedProxies.
func (c Config) TrustedProxyNets() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for part := range strings.SplitSeq(c.TrustedProxies, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil {
				bits := 32
				if ip.To4() == nil {
					bits = 128
				}
				part = fmt.Sprintf("%s/%d", ip, bits)
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is not an IP address or CIDR", part)
		}
		out = append(out, n)
	}
	return out, nil
}
