// Command private-folders is the seed's story in one command: a web page
// where users of one app sign in with Amplify, get identity pool
// credentials, and upload to and list their own private/<identity id>/
// folder through Cognate's S3 gateway (with the AWS SDK for JavaScript's
// S3 client); and an admin page that lists the bucket with each object's
// owner, named from the user <-> identity link.
//
//	go run ./examples/private-folders
//
// starts Cognate (API and S3 gateway) on loopback ports, an in-memory S3
// store behind the gateway (or --s3-backend-url, e.g. MinIO), creates a
// user pool, an identity pool, the role with Amplify's private-folder
// policy, a bucket and two users, and serves the pages on --listen.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "private-folders:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	listen    string
	dataDir   string
	s3Backend string
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("private-folders", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "`address` of the demo pages")
	fs.StringVar(&o.dataDir, "data-dir", "", "Cognate's data `directory` (default: a temporary one, removed at exit)")
	fs.StringVar(&o.s3Backend, "s3-backend-url", "", "S3-compatible store behind the gateway, path-style, credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (default: an in-memory store)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	d, err := start(ctx, o)
	if err != nil {
		return err
	}
	defer d.close()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Private folders demo on http://%s (admin page: http://%s/admin)\n", ln.Addr(), ln.Addr())
	fmt.Fprintf(stdout, "Sign in as %s or %s, password %s.\n", demoUsers[0].name, demoUsers[1].name, demoPassword)
	fmt.Fprintf(stdout, "Cognate API %s, S3 gateway %s, bucket %s\n", d.api, d.gateway, d.bucket)
	srv := &http.Server{Handler: d.routes()}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	}
}

// demo is a running demo: Cognate, its S3 gateway, the store, the pools.
type demo struct {
	app             *app.App
	servers         []*http.Server
	api, gateway    string
	bucket          string
	userPoolID      string
	clientID        string
	identityPoolID  string
	rootID, rootKey string
	cleanup         []func()
}

func (d *demo) close() {
	for _, s := range d.servers {
		_ = s.Close()
	}
	_ = d.app.Close()
	for _, f := range d.cleanup {
		f()
	}
}

// start runs Cognate with an S3 gateway and sets the demo up.
func start(ctx context.Context, o options) (*demo, error) {
	d := &demo{bucket: "private-folders"}
	cfg := config.Default()
	if o.dataDir == "" {
		dir, err := os.MkdirTemp("", "private-folders-")
		if err != nil {
			return nil, err
		}
		d.cleanup = append(d.cleanup, func() { os.RemoveAll(dir) })
		o.dataDir = dir
	}
	cfg.DataDir = o.dataDir
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	gwLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d.api, d.gateway = "http://"+apiLn.Addr().String(), "http://"+gwLn.Addr().String()
	cfg.Listen, cfg.PublicURL = apiLn.Addr().String(), d.api
	cfg.S3Gateway.Listen, cfg.S3Gateway.BackendPathStyle = gwLn.Addr().String(), true
	if o.s3Backend != "" {
		cfg.S3Gateway.BackendURL = o.s3Backend
		cfg.S3Gateway.BackendAccessKey, cfg.S3Gateway.BackendSecretKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	} else {
		store := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
		d.cleanup = append(d.cleanup, store.Close)
		cfg.S3Gateway.BackendURL = store.URL
		cfg.S3Gateway.BackendAccessKey, cfg.S3Gateway.BackendSecretKey = "demo", "demo"
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(ctx, cfg, log, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	d.app = a
	d.rootID, d.rootKey = a.RootCredentials()
	for _, s := range []struct {
		ln net.Listener
		h  http.Handler
	}{{apiLn, a.Handler()}, {gwLn, a.S3Gateway()}} {
		srv := &http.Server{Handler: s.h}
		d.servers = append(d.servers, srv)
		go func() {
			if err := srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("serve", "err", err)
			}
		}()
	}
	if err := d.setUp(ctx); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}
