// Command cognate is the Cognate identity server.
//
//	cognate serve          run the server (flags: cognate serve -h)
//	cognate credentials    print the root credentials of a data directory
//	cognate rotate-keys    rotate the token signing keys of user pools
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
		if config.IsHelp(err) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "cognate:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("a command is required")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "credentials":
		return credentials(args[1:], stdout, stderr)
	case "rotate-keys":
		return rotateKeys(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

const usage = `Usage:
  cognate serve [flags]        run the server (cognate serve -h lists flags)
  cognate credentials [flags]  print the root credentials stored in the data directory
  cognate rotate-keys [flags] <user-pool-id | cognito-identity>...
                               make new token signing keys current; the old ones
                               stay published until their tokens have expired
`

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse("serve", args, os.Getenv)
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
	gateways := []struct {
		on           bool
		flag, listen string
		handler      http.Handler
		banner       string
	}{
		{cfg.S3Gateway.Enabled(), "--s3-gateway-listen", cfg.S3Gateway.Listen, a.S3Gateway(),
			"S3 gateway is listening on http://%s (backend " + cfg.S3Gateway.BackendURL + ")\n"},
		{cfg.APIGateway.Enabled(), "--api-gateway-listen", cfg.APIGateway.Listen, a.APIGateway(),
			"API gateway is listening on http://%s (" + cfg.APIGateway.Mode + " to " + cfg.APIGateway.Upstream + ")\n"},
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

func credentials(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse("credentials", args, os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, log, os.Getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	id, key := a.RootCredentials()
	fmt.Fprintf(stdout, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\n", id, key)
	return nil
}

// printBanner tells a developer how to use the server that just started.
func printBanner(w io.Writer, cfg config.Config, a *app.App, addr string) {
	id, key := a.RootCredentials()
	endpoint := "http://" + addr
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
	fmt.Fprintf(w, `
Try it with the AWS CLI:
  export AWS_DEFAULT_REGION=us-east-1
  aws cognito-idp create-user-pool --pool-name demo --endpoint-url %[1]s
  aws cognito-idp list-user-pools --max-results 10 --endpoint-url %[1]s

`, endpoint)
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
	a, err := app.New(context.Background(), cfg, log, os.Getenv)
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
