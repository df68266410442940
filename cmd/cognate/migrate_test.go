package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// TestMigrateFromCognitoCommand runs `cognate migrate-from-cognito` as a
// user would, against a Cognate serving as the old Cognito, with the AWS
// credentials in the environment: its flags, its counts, a second run
// that copies nothing again, and --finish.
func TestMigrateFromCognitoCommand(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	old, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	hs := httptest.NewServer(old.Handler())
	defer hs.Close()
	id, key := old.RootCredentials()
	idp := cip.NewFromConfig(aws.Config{Region: "eu-west-1", Credentials: awscreds.NewStaticCredentialsProvider(id, key, "")},
		func(o *cip.Options) { o.BaseEndpoint = aws.String(hs.URL) })
	pool := *must(idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("legacy")})).UserPool.Id
	must(idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))
	must(idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("alice"),
		MessageAction: types.MessageActionTypeSuppress}))
	must(idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("not-copied")}))

	// The default credential chain finds the environment's keys, and
	// nothing from this machine's AWS files or instance metadata.
	t.Setenv("AWS_ACCESS_KEY_ID", id)
	t.Setenv("AWS_SECRET_ACCESS_KEY", key)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	target := t.TempDir()
	cognate := func(args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(append([]string{"migrate-from-cognito", "--data-dir", target}, args...), &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	if out, err := cognate("--endpoint-url", hs.URL, "--user-pool-id", pool); err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("without a region: %v\n%s", err, out)
	}
	out, err := cognate("--region", "eu-west-1", "--endpoint-url", hs.URL, "--user-pool-id="+pool, "--store-credentials")
	if err != nil || !strings.Contains(out, "copied from Cognito: 1 clients, 1 pools, 1 users\n") {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	out, err = cognate("--region", "eu-west-1", "--endpoint-url", hs.URL, "--user-pool-id", pool)
	if err != nil || !strings.Contains(out, "1 clients existing, 1 pools existing, 1 users existing\n") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	out, err = cognate("--finish")
	if err != nil || out != pool+": lazy migration from Cognito turned off; 1 users who had not signed in must reset their password\n" {
		t.Fatalf("--finish: %v\n%s", err, out)
	}
	if out, err = cognate("--finish", "--user-pool-id", pool); err != nil || out != "" {
		t.Fatalf("--finish again: %v\n%q", err, out)
	}

	var help bytes.Buffer
	if err := run([]string{"migrate-from-cognito", "-h"}, &help, &help); err != nil ||
		!strings.Contains(help.String(), "--endpoint-url URL") || !strings.Contains(help.String(), "-database-url") {
		t.Errorf("help: %v\n%s", err, help.String())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
