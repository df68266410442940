// Command cognate-bench drives a running Cognate server over the AWS wire
// protocols with concurrent clients and prints throughput, latency and,
// given the server's process id, the server's CPU time per operation.
//
//	export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...   # the server's root credentials
//	cognate-bench --endpoint http://127.0.0.1:7350 --op all --concurrency 16 --duration 10s \
//	    --server-pid $(pgrep -n cognate)
//
// It creates a user pool, an app client and a user with the admin API
// (SigV4), signs in once and, for the identity-pool operations, creates an
// identity pool, a role and the user's identity. Then it runs each
// operation from --concurrency goroutines for --duration:
//
//	getuser      GetUser with the access token
//	refresh      InitiateAuth REFRESH_TOKEN_AUTH
//	signin       InitiateAuth USER_PASSWORD_AUTH (argon2id)
//	srp          InitiateAuth USER_SRP_AUTH, then RespondToAuthChallenge
//	             PASSWORD_VERIFIER (two requests; the driver's SRP math
//	             costs it several ms of CPU per sign-in)
//	getid        GetId with the user's ID token in Logins
//	credentials  GetCredentialsForIdentity with the ID token (credential vending)
//	callerid     STS GetCallerIdentity signed (SigV4) with vended credentials
//
// With --scale-users 1000,1000000 it measures size instead of load: it
// builds a pool of each size through Cognito's CSV import, then sends
// DescribeUserPool, AdminGetUser, GetUser, a USER_PASSWORD_AUTH sign-in and
// ListUsers (first page, a page at 90% depth, an `email ^=` prefix) one at
// a time, --samples times each, the pools taking turns, and prints each
// pool's p50 and the largest pool's p50 over the smallest's. With
// --server-pid it prints the server's peak RSS; with --scale-delete it
// then deletes the largest pool while updating a user of another pool in
// a loop, and prints those writes' latencies; --scale-show runs a shell
// command (the database's size, say) before and after the deletion.
// DeleteUserPool answers at once and the server deletes the users in the
// background: --scale-gone, which --scale-delete needs, is a shell command
// that succeeds once the pool ($POOL_ID) is gone from the database, polled
// to time the deletion (and the writes go on until then):
//
//	cognate-bench --scale-users 1000,1000000 --scale-delete --server-pid $(pgrep -n cognate) \
//	    --scale-gone '[ "$(sqlite3 cognate-data/cognate.db "SELECT count(*) FROM pools WHERE id = '\''$POOL_ID'\''")" = 0 ]' \
//	    --scale-show 'sqlite3 cognate-data/cognate.db "PRAGMA wal_checkpoint(TRUNCATE)"; ls -l cognate-data'
//
// Run the server with --rate-limits off for it.
//
// The load requests are plain HTTP POSTs with keep-alive, so the driver
// spends as little CPU as it can on the machine it may share with the
// server. Server CPU per operation is read from /proc/<pid>/stat (user +
// system time of all threads) before and after each measured run; it is a
// steadier figure than throughput on a machine that is busy with other
// work. The driver's own CPU per operation is printed next to it. The
// driver runs on one processor (--procs 1) unless told otherwise: that is
// plenty for these rates, and with more its idle processors spin looking
// for work after every response, CPU that a server on the same machine
// would otherwise have (measured: 0.33 -> 0.17-0.24 ms of driver CPU per
// refresh).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cognate-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	endpoint       string
	op             string
	concurrency    int
	duration       time.Duration
	warmup         time.Duration
	region         string
	serverPID      int
	procs          int
	scaleUsers     string
	samples        int
	scaleDelete    bool
	scaleShow      string
	scaleGone      string
	scalePools     string
	scaleBuildOnly bool
}

// allOps are the operations in the order --op all runs them.
var allOps = []string{"getuser", "refresh", "signin", "srp", "getid", "credentials", "callerid"}

func run(args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("cognate-bench", flag.ContinueOnError)
	fs.StringVar(&o.endpoint, "endpoint", "http://127.0.0.1:7350", "server endpoint")
	fs.StringVar(&o.op, "op", "all", "comma-separated operations ("+strings.Join(allOps, ", ")+") or all")
	fs.IntVar(&o.concurrency, "concurrency", 16, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per operation")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured time before each operation")
	fs.StringVar(&o.region, "region", "us-east-1", "region to sign requests for")
	fs.IntVar(&o.serverPID, "server-pid", 0, "the server's process id, to report its CPU time per operation (Linux)")
	fs.IntVar(&o.procs, "procs", 1, "GOMAXPROCS of the driver (0 leaves Go's default)")
	fs.StringVar(&o.scaleUsers, "scale-users", "", "scale mode: import pools of these sizes (comma-separated, e.g. 1000,1000000) and compare sequential latencies")
	fs.IntVar(&o.samples, "samples", 400, "scale mode: measured requests per operation")
	fs.BoolVar(&o.scaleDelete, "scale-delete", false, "scale mode: then delete the largest pool while writing to another, and report the writes' waits")
	fs.StringVar(&o.scaleShow, "scale-show", "", "scale mode: a shell command whose output is printed after the measurements and after the deletion (e.g. the database's size)")
	fs.StringVar(&o.scaleGone, "scale-gone", "", "scale mode, needed by --scale-delete: a shell command that succeeds once the deleted pool ($POOL_ID) is gone from the database, polled to time the deletion itself")
	fs.StringVar(&o.scalePools, "scale-pools", "", "scale mode: measure these pools (comma-separated ids) an earlier --scale-build-only run built, instead of building new ones")
	fs.BoolVar(&o.scaleBuildOnly, "scale-build-only", false, "scale mode: build the pools and stop (restart the server, then measure with --scale-pools)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.scaleDelete && o.scaleGone == "" {
		// DeleteUserPool answers at once: without it, the writes would be
		// measured while it answers, not while the users are deleted.
		return errors.New("--scale-delete needs --scale-gone, to know when the deletion is over")
	}
	ops, err := selectOps(o.op)
	if err != nil {
		return err
	}
	if o.procs > 0 {
		runtime.GOMAXPROCS(o.procs)
	}
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return errors.New("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the server's root credentials")
	}
	if o.serverPID > 0 {
		if _, err := processCPU(o.serverPID); err != nil {
			return fmt.Errorf("--server-pid: %w", err)
		}
	}
	ctx := context.Background()
	cfg := aws.Config{Region: o.region, Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")}
	admin := cip.NewFromConfig(cfg, func(opt *cip.Options) { opt.BaseEndpoint = aws.String(o.endpoint) })
	if o.scaleUsers != "" || o.scalePools != "" {
		// One attempt per request: a retry would hide a slow one.
		admin = cip.NewFromConfig(cfg, func(opt *cip.Options) {
			opt.BaseEndpoint = aws.String(o.endpoint)
			opt.RetryMaxAttempts = 1
		})
		return runScale(ctx, o, admin, out)
	}
	fx, err := setUpUserPool(ctx, admin)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	if needsIdentityPool(ops) {
		ids := cid.NewFromConfig(cfg, func(opt *cid.Options) { opt.BaseEndpoint = aws.String(o.endpoint) })
		roles := iam.NewFromConfig(cfg, func(opt *iam.Options) { opt.BaseEndpoint = aws.String(o.endpoint) })
		if err := fx.setUpIdentityPool(ctx, ids, roles); err != nil {
			return fmt.Errorf("set-up: %w", err)
		}
	}
	d := &driver{endpoint: o.endpoint, region: o.region, fx: fx, hc: &http.Client{Transport: &http.Transport{
		MaxIdleConns: o.concurrency * 2, MaxIdleConnsPerHost: o.concurrency * 2, IdleConnTimeout: time.Minute,
	}, Timeout: 30 * time.Second}}
	fmt.Fprintf(out, "endpoint %s, %d concurrent clients, %s per operation, load average %s\n",
		o.endpoint, o.concurrency, o.duration, loadAverage())
	fmt.Fprintf(out, "%-11s %9s %8s %9s %9s %7s %12s %12s\n",
		"op", "requests", "ops/s", "p50", "p99", "errors", "server-cpu/op", "driver-cpu/op")
	for _, name := range ops {
		call := d.call(name)
		if o.warmup > 0 {
			load(call, o.concurrency, o.warmup)
		}
		m := startCPU(o.serverPID)
		r := load(call, o.concurrency, o.duration)
		server, client := m.stop()
		fmt.Fprintf(out, "%-11s %9d %8.0f %9s %9s %7d %13s %12s\n", name, r.n, r.rate(), r.pct(50), r.pct(99), r.errors,
			perOp(server, r.n), perOp(client, r.n))
		if r.firstErr != nil {
			fmt.Fprintf(out, "  first error: %v\n", r.firstErr)
		}
	}
	fmt.Fprintf(out, "load average after: %s\n", loadAverage())
	return nil
}

// perOp formats d/n in milliseconds ("-" when d is unknown).
func perOp(d time.Duration, n int) string {
	if d < 0 || n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3fms", d.Seconds()*1000/float64(n))
}

func selectOps(spec string) ([]string, error) {
	if spec == "all" {
		return allOps, nil
	}
	var out []string
	for _, op := range strings.Split(spec, ",") {
		known := false
		for _, o := range allOps {
			known = known || o == op
		}
		if !known {
			return nil, fmt.Errorf("unknown --op %q (want %s or all)", op, strings.Join(allOps, ", "))
		}
		out = append(out, op)
	}
	return out, nil
}

func needsIdentityPool(ops []string) bool {
	for _, op := range ops {
		if op == "getid" || op == "credentials" || op == "callerid" {
			return true
		}
	}
	return false
}
