// Command cognate-bench drives a running Cognate server over the Cognito
// wire protocol with concurrent clients and prints throughput and latency.
//
//	export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...   # the server's root credentials
//	cognate-bench --endpoint http://127.0.0.1:7350 --op all --concurrency 16 --duration 10s
//
// It creates a pool, an app client and a user with the admin API (SigV4),
// signs in once, then runs each operation from --concurrency goroutines for
// --duration: getuser (GetUser with the access token), refresh
// (REFRESH_TOKEN_AUTH) and signin (USER_PASSWORD_AUTH). The load requests
// are plain HTTP POSTs with keep-alive, so the driver spends as little CPU
// as it can on the machine it shares with the server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cognate-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	endpoint    string
	op          string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	region      string
}

func run(args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("cognate-bench", flag.ContinueOnError)
	fs.StringVar(&o.endpoint, "endpoint", "http://127.0.0.1:7350", "server endpoint")
	fs.StringVar(&o.op, "op", "all", "getuser, refresh, signin or all")
	fs.IntVar(&o.concurrency, "concurrency", 16, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per operation")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured time before each operation")
	fs.StringVar(&o.region, "region", "us-east-1", "region to sign admin requests for")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ops, err := selectOps(o.op)
	if err != nil {
		return err
	}
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return errors.New("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the server's root credentials")
	}
	ctx := context.Background()
	admin := cip.NewFromConfig(aws.Config{
		Region:      o.region,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
	}, func(opt *cip.Options) { opt.BaseEndpoint = aws.String(o.endpoint) })
	fx, err := setUp(ctx, admin)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	hc := &http.Client{Transport: &http.Transport{
		MaxIdleConns: o.concurrency * 2, MaxIdleConnsPerHost: o.concurrency * 2, IdleConnTimeout: time.Minute,
	}, Timeout: 30 * time.Second}
	fmt.Fprintf(out, "endpoint %s, %d concurrent clients, %s per operation\n", o.endpoint, o.concurrency, o.duration)
	fmt.Fprintf(out, "%-8s %10s %10s %10s %10s %8s\n", "op", "requests", "ops/s", "p50", "p99", "errors")
	for _, name := range ops {
		body, target := fx.request(name)
		call := func() error { return post(hc, o.endpoint, target, body) }
		if o.warmup > 0 {
			load(call, o.concurrency, o.warmup)
		}
		r := load(call, o.concurrency, o.duration)
		fmt.Fprintf(out, "%-8s %10d %10.0f %10s %10s %8d\n", name, r.n, r.rate(), r.pct(50), r.pct(99), r.errors)
		if r.firstErr != nil {
			fmt.Fprintf(out, "  first error: %v\n", r.firstErr)
		}
	}
	return nil
}

func selectOps(op string) ([]string, error) {
	all := []string{"getuser", "refresh", "signin"}
	if op == "all" {
		return all, nil
	}
	for _, o := range all {
		if o == op {
			return []string{op}, nil
		}
	}
	return nil, fmt.Errorf("unknown --op %q (want %s or all)", op, strings.Join(all, ", "))
}

// fixture is what set-up created.
type fixture struct {
	clientID, username, password string
	accessToken, refreshToken    string
}

const benchPassword = "Bench-Password-1"

func setUp(ctx context.Context, admin *cip.Client) (*fixture, error) {
	suffix := time.Now().Format("20060102150405")
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench-" + suffix)})
	if err != nil {
		return nil, err
	}
	poolID := pool.UserPool.Id
	cl, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: poolID, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		},
	})
	if err != nil {
		return nil, err
	}
	fx := &fixture{clientID: *cl.UserPoolClient.ClientId, username: "bench-user", password: benchPassword}
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: poolID, Username: aws.String(fx.username), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		return nil, err
	}
	if _, err := admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: poolID, Username: aws.String(fx.username), Password: aws.String(fx.password), Permanent: true,
	}); err != nil {
		return nil, err
	}
	res, err := admin.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
		UserPoolId: poolID, ClientId: aws.String(fx.clientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": fx.username, "PASSWORD": fx.password},
	})
	if err != nil {
		return nil, err
	}
	if res.AuthenticationResult == nil {
		return nil, fmt.Errorf("sign-in returned challenge %s", res.ChallengeName)
	}
	fx.accessToken = *res.AuthenticationResult.AccessToken
	fx.refreshToken = *res.AuthenticationResult.RefreshToken
	return fx, nil
}

// request returns the JSON body and X-Amz-Target of an operation.
func (fx *fixture) request(op string) ([]byte, string) {
	const prefix = "AWSCognitoIdentityProviderService."
	switch op {
	case "getuser":
		return fmt.Appendf(nil, `{"AccessToken":%q}`, fx.accessToken), prefix + "GetUser"
	case "refresh":
		return fmt.Appendf(nil, `{"ClientId":%q,"AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":%q}}`,
			fx.clientID, fx.refreshToken), prefix + "InitiateAuth"
	default:
		return fmt.Appendf(nil, `{"ClientId":%q,"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":%q,"PASSWORD":%q}}`,
			fx.clientID, fx.username, fx.password), prefix + "InitiateAuth"
	}
}

func post(hc *http.Client, endpoint, target string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
	}
	return nil
}
