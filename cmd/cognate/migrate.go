package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/cognitomigrate"
	"github.com/cognate-dev/cognate/internal/config"
)

// migrateFlags are migrate-from-cognito's own flags; bool flags take no
// value.
var migrateFlags = map[string]bool{"region": false, "endpoint-url": false, "user-pool-id": false,
	"sign-in-client-id": false, "store-credentials": true, "finish": true}

const migrateArgs = " [--region REGION] [--endpoint-url URL] [--user-pool-id ID] [--sign-in-client-id ID]\n" +
	"       [--store-credentials] [--finish]"

const migrateSummary = `Copy live Cognito user pools into this server's storage through the AWS API, with the
default AWS credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...; --region or AWS_REGION;
--endpoint-url for an endpoint other than AWS's): pool settings, MFA configuration, app
clients with their ids and secrets, groups, and users with their usernames, subs,
attributes, status and group membership (--user-pool-id copies one pool). AWS gives no
password hashes: each copied pool remembers the old one, and a user's first password
sign-in here is checked there (with the app client --sign-in-client-id names, by default
one allowing USER_PASSWORD_AUTH, else USER_SRP_AUTH); the password is then kept here.
Users not copied yet are fetched with AdminGetUser at sign-in or ForgotPassword, with
this run's credentials when --store-credentials (sealed in the pool) or else the
server's own AWS credential chain. Records that exist are kept: run it again to catch up.
--finish turns the lazy migration off (of --user-pool-id, or every pool).
Stop the server first, or restart it after.`

// migrateCmd runs `cognate migrate-from-cognito`.
func migrateCmd(args []string, stdout, stderr io.Writer) error {
	own, rest, err := ownFlags("migrate-from-cognito", args, migrateFlags)
	if err != nil {
		return err
	}
	cfg, err := config.Parse("migrate-from-cognito", rest, os.Getenv)
	if err != nil {
		return err
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if own["finish"] == "true" {
		return app.FinishCognitoMigration(ctx, cfg, os.Getenv, log, own["user-pool-id"], stdout)
	}
	old, creds, err := oldClient(ctx, own["region"], own["endpoint-url"])
	if err != nil {
		return fmt.Errorf("migrate-from-cognito: %w", err)
	}
	opts := cognitomigrate.Options{UserPoolID: own["user-pool-id"], Region: old.Options().Region,
		Endpoint: own["endpoint-url"], SignInClientID: own["sign-in-client-id"], Log: stderr}
	if own["store-credentials"] == "true" {
		if creds.SessionToken != "" {
			return fmt.Errorf("migrate-from-cognito: --store-credentials needs long-term keys; these credentials expire (they have a session token)")
		}
		opts.AccessKeyID, opts.SecretAccessKey = creds.AccessKeyID, creds.SecretAccessKey
	}
	counts, err := app.MigrateFromCognito(ctx, cfg, os.Getenv, log, old, opts)
	if err != nil {
		return fmt.Errorf("migrate-from-cognito: %w (copied so far: %s)", err, counts)
	}
	fmt.Fprintf(stdout, "copied from Cognito: %s\n", counts)
	return nil
}

// oldClient is a Cognito client with the default AWS configuration,
// region and endpoint overridden when given, and the credentials it signs
// with.
func oldClient(ctx context.Context, region, endpoint string) (*cip.Client, aws.Credentials, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, aws.Credentials{}, err
	}
	if ac.Region == "" {
		return nil, aws.Credentials{}, fmt.Errorf("no AWS region: give --region or set AWS_REGION")
	}
	creds, err := ac.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, aws.Credentials{}, fmt.Errorf("AWS credentials: %w", err)
	}
	c := cip.NewFromConfig(ac, func(o *cip.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return c, creds, nil
}
