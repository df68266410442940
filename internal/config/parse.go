package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// EnvPrefix starts every environment variable Parse reads.
const EnvPrefix = "COGNATE_"

// Environment-only variables for the root credentials.
const (
	EnvRootAccessKeyID     = EnvPrefix + "ROOT_ACCESS_KEY_ID"
	EnvRootSecretAccessKey = EnvPrefix + "ROOT_SECRET_ACCESS_KEY"
)

// isSecretFlag reports whether flag name holds a secret, which may also be
// read from a file named by <ENV>_FILE and is never echoed in errors.
func isSecretFlag(name string) bool {
	return name == "smtp-password" || name == "s3-backend-secret-key" || name == "lambda-secret-access-key" ||
		name == "sender-encryption-key"
}

// Parse builds a Config from Default, the flags in args and the environment
// read through getenv. The FlagSet is named name (the subcommand) for error
// messages. Every flag --foo-bar may also be set as COGNATE_FOO_BAR; a flag
// given in args wins over the environment. The SMTP password and the root
// credentials may instead be read from the file named by the same variable
// with a _FILE suffix (COGNATE_SMTP_PASSWORD_FILE,
// COGNATE_ROOT_SECRET_ACCESS_KEY_FILE, ...); setting both a variable and its
// _FILE twin is an error. The root credentials come from the environment
// only. An empty PublicURL defaults to "http://" + Listen, or "https://"
// with TLS.
//
// Parse does not call Validate. For -h or --help it returns an error
// matching flag.ErrHelp; Usage gives the text to print.
func Parse(name string, args []string, getenv func(string) string) (Config, error) {
	cfg, rest, err := ParseArgs(name, args, getenv)
	if err != nil {
		return Config{}, err
	}
	if len(rest) > 0 {
		return Config{}, fmt.Errorf("%s: unexpected argument %q", name, rest[0])
	}
	return cfg, nil
}

// ParseArgs is Parse for subcommands that take arguments after their
// flags: it returns those arguments instead of refusing them.
func ParseArgs(name string, args []string, getenv func(string) string) (Config, []string, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := Default()
	cfg.PublicURL = ""
	fs := newFlagSet(name, &cfg)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", name, err)
	}

	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })

	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || onCommandLine[f.Name] {
			return
		}
		env := EnvName(f.Name)
		var v string
		var ok bool
		v, ok, err = lookup(env, isSecretFlag(f.Name), getenv)
		if err != nil || !ok {
			return
		}
		if setErr := fs.Set(f.Name, v); setErr != nil {
			shown := fmt.Sprintf("%q", v)
			if isSecretFlag(f.Name) {
				shown = "(secret)"
			}
			err = fmt.Errorf("%s: invalid value %s: %w", env, shown, setErr)
		}
	})
	if err != nil {
		return Config{}, nil, err
	}

	if cfg.RootAccessKeyID, _, err = lookup(EnvRootAccessKeyID, true, getenv); err != nil {
		return Config{}, nil, err
	}
	if cfg.RootSecretAccessKey, _, err = lookup(EnvRootSecretAccessKey, true, getenv); err != nil {
		return Config{}, nil, err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = cfg.Scheme() + "://" + cfg.Listen
	}
	return cfg, fs.Args(), nil
}

// Usage returns the help text of the flags of the subcommand name and of
// the environment variables it reads.
func Usage(name string) string {
	cfg := Default()
	cfg.PublicURL = ""
	fs := newFlagSet(name, &cfg)
	var b bytes.Buffer
	fs.SetOutput(&b)
	b.WriteString("Flags:\n")
	fs.PrintDefaults()
	fmt.Fprintf(&b, "\nEvery flag --foo-bar may also be set as %sFOO_BAR (the flag wins).\n", EnvPrefix)
	fmt.Fprintf(&b, "Master key: %sMASTER_KEY, or %sMASTER_KEY_FILE naming a file (default: <data-dir>/master.key).\n", EnvPrefix, EnvPrefix)
	fmt.Fprintf(&b, "Root credentials: %s and %s (or *_FILE naming a file).\n", EnvRootAccessKeyID, EnvRootSecretAccessKey)
	if name == ServeCommand {
		fmt.Fprintf(&b, "The SMTP password may also come from %s_FILE.\n", EnvName("smtp-password"))
	}
	return b.String()
}

// EnvName returns the environment variable that overrides flag name:
// "smtp-host" -> "COGNATE_SMTP_HOST".
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ServeCommand is the subcommand that runs the server. It takes every
// flag; the other subcommands (which read or maintain a server's storage)
// take only --data-dir and --database-url.
const ServeCommand = "serve"

func newFlagSet(name string, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "`directory` for the SQLite database and local state")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL `URL` (postgres://...); empty means SQLite in --data-dir")
	if name != ServeCommand {
		return fs
	}
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "`address` (host:port) to listen on")
	fs.StringVar(&cfg.AccountID, "account-id", cfg.AccountID, "12-digit AWS account `id` used in ARNs")
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "external base `URL`, the base of issuer URLs (default http://<listen>, or https:// with TLS)")
	fs.StringVar(&cfg.TLSCertFile, "tls-cert-file", cfg.TLSCertFile, "PEM `file` of the TLS certificate (chain) to serve HTTPS with; reread on SIGHUP")
	fs.StringVar(&cfg.TLSKeyFile, "tls-key-file", cfg.TLSKeyFile, "PEM `file` of the TLS certificate's private key; reread on SIGHUP")
	fs.StringVar(&cfg.SMTP.Host, "smtp-host", cfg.SMTP.Host, "SMTP server `host`; empty writes mail to the development outbox")
	fs.IntVar(&cfg.SMTP.Port, "smtp-port", cfg.SMTP.Port, "SMTP server `port`")
	fs.StringVar(&cfg.SMTP.Username, "smtp-username", cfg.SMTP.Username, "SMTP AUTH `user`")
	fs.StringVar(&cfg.SMTP.Password, "smtp-password", cfg.SMTP.Password, "SMTP AUTH `password` (prefer "+EnvName("smtp-password")+"_FILE)")
	fs.StringVar(&cfg.SMTP.From, "smtp-from", cfg.SMTP.From, "sender `address`, e.g. \"Example <no-reply@example.com>\"")
	fs.StringVar(&cfg.SMTP.StartTLS, "smtp-starttls", cfg.SMTP.StartTLS, "STARTTLS `mode`: auto (when offered), require, off")
	fs.StringVar(&cfg.SMSWebhookURL, "sms-webhook-url", cfg.SMSWebhookURL, "`URL` that text messages (SMS codes) are posted to as JSON {to, message, pool, kind}; empty writes them to the development outbox")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log `level`: debug, info, warn, error")
	fs.DurationVar(&cfg.LockoutMax, "lockout-max", cfg.LockoutMax, "longest sign-in lockout after failed passwords (`duration`, 1s to 24h)")
	fs.StringVar(&cfg.AuthDomainBase, "auth-domain-base", cfg.AuthDomainBase, "`domain` under which prefix domains are served by Host header as <prefix>.auth.<region>.<domain>; empty: path form <public-url>/domains/<domain>/ only")
	fs.StringVar(&cfg.MetricsListen, "metrics-listen", cfg.MetricsListen, "`address` (host:port) to serve /metrics on instead of the main listener")
	fs.StringVar(&cfg.RateLimits, "rate-limits", cfg.RateLimits, "request rate limits: default, off, or `scope:Category=rate[/burst],...` over the defaults (scopes address, client, user)")
	fs.StringVar(&cfg.PasswordSpray, "password-spray-limit", cfg.PasswordSpray, "`users/window`: once wrong passwords from one address name that many users within the window, its sign-ins are refused until it ends; 0 for no limit")
	fs.StringVar(&cfg.OTLPEndpoint, "otlp-endpoint", cfg.OTLPEndpoint, "OpenTelemetry collector's OTLP/HTTP `URL` (http://host:4318) to send traces to; empty: no tracing")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", cfg.TrustedProxies, "comma-separated `addresses` or CIDRs of proxies whose X-Forwarded-For names the client")
	fs.StringVar(&cfg.Console.UserPoolID, "console-user-pool-id", cfg.Console.UserPoolID, "user pool `id` whose group \"admins\" may sign in to the console (with --console-client-id)")
	fs.StringVar(&cfg.Console.ClientID, "console-client-id", cfg.Console.ClientID, "app client `id` of --console-user-pool-id the console signs admins in through (needs ALLOW_USER_PASSWORD_AUTH)")
	fs.DurationVar(&cfg.Console.IdleTimeout, "console-idle-timeout", cfg.Console.IdleTimeout, "console sessions end after this `duration` without a request (1m to 24h)")
	g := &cfg.S3Gateway
	fs.StringVar(&g.Listen, "s3-gateway-listen", g.Listen, "`address` (host:port) of the S3 gateway; empty: no gateway")
	fs.StringVar(&g.Domain, "s3-gateway-domain", g.Domain, "host `name` under which the gateway takes virtual-hosted requests (<bucket>.<name>); default: the host of --s3-gateway-listen")
	fs.BoolVar(&g.Metadata, "s3-gateway-metadata", g.Metadata, "stamp written objects with the writer's identity id, user pool id and sub (x-amz-meta-cognate-*)")
	fs.StringVar(&g.BackendURL, "s3-backend-url", g.BackendURL, "endpoint `URL` of the S3-compatible store behind the gateway")
	fs.StringVar(&g.BackendAccessKey, "s3-backend-access-key", g.BackendAccessKey, "access key `id` the gateway signs the store's requests with")
	fs.StringVar(&g.BackendSecretKey, "s3-backend-secret-key", g.BackendSecretKey, "secret access `key` for the store (prefer "+EnvName("s3-backend-secret-key")+"_FILE)")
	fs.StringVar(&g.BackendRegion, "s3-backend-region", g.BackendRegion, "`region` the store's requests are signed for")
	fs.BoolVar(&g.BackendPathStyle, "s3-backend-path-style", g.BackendPathStyle, "address the store's buckets in the path (http://host/bucket/key), as MinIO and moto need")
	a := &cfg.APIGateway
	fs.StringVar(&a.Listen, "api-gateway-listen", a.Listen, "`address` (host:port) of the API gateway; empty: no API gateway")
	fs.StringVar(&a.Upstream, "api-upstream", a.Upstream, "the API's backend `URL` (http mode), or the Lambda Invoke API's base URL (lambda-proxy)")
	fs.StringVar(&a.Mode, "api-upstream-mode", a.Mode, "`mode`: http (proxy with X-Cognate-* headers) or lambda-proxy (API Gateway's proxy event)")
	fs.StringVar(&a.Function, "api-function", a.Function, "function `name` or ARN that lambda-proxy invokes")
	fs.StringVar(&a.PayloadVersion, "api-payload-version", a.PayloadVersion, "proxy event `version`: 1.0 (REST APIs) or 2.0 (HTTP APIs)")
	fs.StringVar(&a.Authorizer, "api-authorizer", a.Authorizer, "`authorizer`: cognito-user-pools, aws-iam or both")
	fs.StringVar(&a.UserPoolID, "api-user-pool-id", a.UserPoolID, "user pool `id` whose tokens the API accepts")
	fs.StringVar(&a.RequiredScopes, "api-required-scopes", a.RequiredScopes, "comma-separated OAuth `scopes`, one of which an access token must carry")
	fs.StringVar(&a.IdentityPoolID, "api-identity-pool-id", a.IdentityPoolID, "identity pool `id` in which a token caller's identity is looked up")
	fs.StringVar(&a.APIID, "api-id", a.APIID, "API `id` in execute-api ARNs and events")
	fs.StringVar(&a.Stage, "api-stage", a.Stage, "stage `name` in execute-api ARNs and events")
	l := &cfg.Lambda
	fs.StringVar(&l.Endpoint, "lambda-endpoint", l.Endpoint, "base `URL` of the Lambda Invoke API that user pool triggers are invoked through (AWS Lambda, the runtime interface emulator, LocalStack); empty: triggers cannot be set")
	fs.StringVar(&l.SenderKey, "sender-encryption-key", l.SenderKey, "base64 256-bit AES `key` that encrypts codes for CustomEmailSender/CustomSMSSender (prefer "+EnvName("sender-encryption-key")+"_FILE)")
	fs.StringVar(&l.AccessKeyID, "lambda-access-key-id", l.AccessKeyID, "access key `id` that signs Lambda invocations (empty: unsigned)")
	fs.StringVar(&l.SecretAccessKey, "lambda-secret-access-key", l.SecretAccessKey, "secret `key` that signs Lambda invocations (prefer "+EnvName("lambda-secret-access-key")+"_FILE)")
	fs.StringVar(&l.Region, "lambda-region", l.Region, "`region` Lambda invocations are signed for (an ARN's own region wins)")
	fs.DurationVar(&l.Timeout, "lambda-timeout", l.Timeout, "how long an invocation may take (`duration`)")
	return fs
}

// lookup reads env through getenv and, when fileAllowed, env_FILE from disk.
// ok is false when neither is set.
func lookup(env string, fileAllowed bool, getenv func(string) string) (v string, ok bool, err error) {
	v = getenv(env)
	if !fileAllowed {
		return v, v != "", nil
	}
	path := getenv(env + "_FILE")
	if path == "" {
		return v, v != "", nil
	}
	if v != "" {
		return "", false, fmt.Errorf("%s and %s_FILE are both set; set only one", env, env)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("%s_FILE: %w", env, err)
	}
	v = strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", false, fmt.Errorf("%s_FILE: %s is empty", env, path)
	}
	if strings.ContainsAny(v, "\r\n") {
		return "", false, fmt.Errorf("%s_FILE: %s holds more than one line", env, path)
	}
	return v, true, nil
}

// IsHelp reports whether err is the result of -h or --help.
func IsHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }
