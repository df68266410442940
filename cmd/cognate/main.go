// Command cognate is the Cognate identity server.
//
//	cognate serve          run the server
//	cognate credentials    print the root credentials of a data directory
//	cognate rotate-keys    rotate the token signing keys of user pools
//	cognate backup         snapshot the SQLite database while serving
//	cognate restore        replace the SQLite database with a backup
//	cognate migrate-from-cognito  copy live Cognito pools, migrate passwords lazily
//
// `cognate <command> -h` lists a command's flags.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cognate:", err)
		os.Exit(1)
	}
}

// command is a subcommand: its synopsis after "cognate <name> [flags]",
// what it does, and the function that runs it with the arguments after
// its name.
type command struct {
	args, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"serve": {"", "Run the server.", serve},
	"credentials": {"", "Print the root credentials stored in the data directory (or PostgreSQL database) of a\n" +
		"server that has started there; fails if there is none.", credentials},
	"rotate-keys": {" <user-pool-id | cognito-identity>...", "Make new token signing keys current for user pools (or the identity pools' OpenID\n" +
		"tokens); the old keys stay published until their tokens have expired.", rotateKeys},
	"backup": {" FILE", "Write a consistent snapshot of the data directory's SQLite database to FILE (a new file),\n" +
		"while the server runs. The master key is not in it. PostgreSQL: use pg_dump.", backup},
	"restore": {" FILE", "Replace the data directory's SQLite database with the backup FILE. Stop the server first;\n" +
		"it needs the master key the backup was made under.", restore},
	"export": {" --out FILE --seal-key-file KEYFILE [--user-pool-id ID] [--signing-keys]",
		"Write the user pools (settings, app clients with secrets, users with password hashes, SRP\n" +
			"verifiers and TOTP secrets, groups; signing keys with --signing-keys) to FILE as JSON Lines,\n" +
			"secrets sealed with the base64 256-bit key in KEYFILE.", exportCmd},
	"import": {" --in FILE --seal-key-file KEYFILE", "Read an export FILE into this server's storage, resealing its secrets under this server's\n" +
		"master key. Stop the server first (or restart it after).", importCmd},
	"migrate-from-cognito": {migrateArgs, migrateSummary, migrateCmd},
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("a command is required")
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			if _, ok := commands[args[1]]; ok {
				fmt.Fprint(stdout, help(args[1]))
				return nil
			}
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", name)
	}
	err := cmd.run(args[1:], stdout, stderr)
	if config.IsHelp(err) {
		fmt.Fprint(stdout, help(name))
		return nil
	}
	return err
}

// help is the text `cognate <name> -h` prints.
func help(name string) string {
	cmd := commands[name]
	return fmt.Sprintf("Usage: cognate %s [flags]%s\n\n%s\n\n%s", name, cmd.args, cmd.summary, config.Usage(name))
}

const usage = `Usage:
  cognate serve [flags]        run the server
  cognate credentials [flags]  print the root credentials stored in the data directory
  cognate rotate-keys [flags] <user-pool-id | cognito-identity>...
                               make new token signing keys current; the old ones
                               stay published until their tokens have expired
  cognate backup [flags] FILE  snapshot the SQLite database while the server runs
  cognate restore [flags] FILE replace the SQLite database with a backup (server stopped)
  cognate export --out FILE --seal-key-file KEY [flags]   write user pools to a file
  cognate import --in FILE --seal-key-file KEY [flags]    read them into this server
  cognate migrate-from-cognito [flags]  copy live Cognito pools here; users' passwords
                               move at their first sign-in
  cognate <command> -h         the flags of a command
`

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse(config.ServeCommand, args, os.Getenv)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := app.Listen(&cfg)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, log, os.Getenv)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	stopReloading := reloadOnHangup(a, log)
	defer stopReloading()
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	gateways := []struct {
		on           bool
		flag, listen string
		handler      http.Handler
		banner       string
	}{
		{cfg.S3Gateway.Enabled(), "--s3-gateway-listen", cfg.S3Gateway.Listen, a.S3Gateway(),
			"S3 gateway is listening on " + scheme + "://%s (backend " + cfg.S3Gateway.BackendURL + ")\n"},
		{cfg.MetricsListen != "", "--metrics-listen", cfg.MetricsListen, a.Metrics(),
			"Metrics are served on " + scheme + "://%s/metrics\n"},
		{cfg.APIGateway.Enabled(), "--api-gateway-listen", cfg.APIGateway.Listen, a.APIGateway(),
			"API gateway is listening on " + scheme + "://%s (" + cfg.APIGateway.Mode + " to " + cfg.APIGateway.Upstream + ")\n"},
	}
	for _, gw := range gateways {
		if !gw.on {
			continue
		}
		gln, err := net.Listen("tcp", gw.listen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("%s: %w", gw.flag, err)
		}
		fmt.Fprintf(stdout, gw.banner, gln.Addr())
		go func() {
			if err := a.ServeGateway(ctx, gln, gw.handler); err != nil {
				log.Error("gateway stopped", "listener", gw.flag, "err", err)
				stop()
			}
		}()
	}
	return a.Serve(ctx, ln, func(addr string) { printBanner(stdout, cfg, a, addr) })
}

// reloadOnHangup makes SIGHUP reread the TLS certificate and key files
// (so a renewed certificate is served without a restart) until the
// returned function is called.
func reloadOnHangup(a *app.App, log *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range hup {
			if err := a.ReloadTLS(); err != nil {
				log.Error("SIGHUP: TLS certificate not reloaded", "err", err)
				continue
			}
			log.Info("SIGHUP: TLS certificate reloaded")
		}
	}()
	return func() {
		signal.Stop(hup)
		close(hup)
		<-done
	}
}

func credentials(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse("credentials", args, os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, log, os.Getenv, app.ExistingOnly())
	if err != nil {
		return err
	}
	defer a.Close()
	id, key := a.RootCredentials()
	if id == "" {
		return fmt.Errorf("%s holds no root credentials: the server takes them from %s and %s",
			storageName(cfg), config.EnvRootAccessKeyID, config.EnvRootSecretAccessKey)
	}
	fmt.Fprintf(stdout, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\n", id, key)
	return nil
}

// storageName names the storage cfg selects, for messages.
func storageName(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "the PostgreSQL database"
	}
	return "the data directory " + cfg.DataDir
}

// printBanner tells a developer how to use the server that just started.
func printBanner(w io.Writer, cfg config.Config, a *app.App, addr string) {
	id, key := a.RootCredentials()
	endpoint := cfg.Scheme() + "://" + addr
	fmt.Fprintf(w, "Cognate is listening on %s\n", endpoint)
	if cfg.DatabaseURL != "" {
		fmt.Fprintln(w, "Storage: PostgreSQL")
	} else {
		fmt.Fprintf(w, "Storage: SQLite in %s\n", cfg.DataDir)
	}
	switch {
	case a.NewRoot:
		fmt.Fprintf(w, "\nRoot credentials (generated now, shown once; `cognate credentials` prints them again):\n"+
			"  export AWS_ACCESS_KEY_ID=%s\n  export AWS_SECRET_ACCESS_KEY=%s\n", id, key)
	case cfg.RootAccessKeyID != "":
		fmt.Fprintf(w, "\nRoot credentials: from COGNATE_ROOT_ACCESS_KEY_ID (%s)\n", id)
	default:
		fmt.Fprintf(w, "\nRoot credentials: access key %s (run `cognate credentials` to print the secret)\n", id)
	}
	caBundle := ""
	if cfg.TLS() {
		caBundle = fmt.Sprintf("  export AWS_CA_BUNDLE=%s   # unless a public CA issued the certificate\n", cfg.TLSCertFile)
	}
	fmt.Fprintf(w, `
Try it with the AWS CLI:
  export AWS_DEFAULT_REGION=us-east-1
%[2]s  aws cognito-idp create-user-pool --pool-name demo --endpoint-url %[1]s
  aws cognito-idp list-user-pools --max-results 10 --endpoint-url %[1]s

`, endpoint, caBundle)
}

// rotateKeys rotates the signing keys of each issuer named in args (user
// pool ids, or app.OpenIDIssuer for identity pools' OpenID tokens), in the
// storage the flags name; a running server picks the new keys up by itself.
func rotateKeys(args []string, stdout, stderr io.Writer) error {
	cfg, issuers, err := config.ParseArgs("rotate-keys", args, os.Getenv)
	if err != nil {
		return err
	}
	if len(issuers) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("rotate-keys: name at least one user pool id (or %s)", app.OpenIDIssuer)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, log, os.Getenv, app.ExistingOnly())
	if err != nil {
		return err
	}
	defer a.Close()
	for _, issuer := range issuers {
		if err := a.RotateSigningKeys(context.Background(), issuer); err != nil {
			return fmt.Errorf("rotate-keys: %s: %w", issuer, err)
		}
		fmt.Fprintf(stdout, "rotated the signing keys of %s\n", issuer)
	}
	return nil
}
