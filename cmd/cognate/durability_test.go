package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// TestDurability checks issue 2's promise that an acknowledged write
// survives kill -9: it runs the real binary, makes a pool, a client and a
// confirmed user, signs the user in twice and signs out globally, kills the
// process with SIGKILL right after the last response, starts it again on
// the same data directory (and database) and finds everything there and
// the sign-out still in force.
func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the cognate binary")
	}
	bin := buildCognate(t)
	t.Run("sqlite", func(t *testing.T) { testDurability(t, bin, "") })
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
		if base == "" {
			t.Skip("COGNATE_TEST_POSTGRES_URL is not set")
		}
		testDurability(t, bin, freshDatabase(t, base))
	})
}

const (
	durableUser     = "durable-dana"
	durablePassword = "Correct-Horse-Battery-9"
)

func testDurability(t *testing.T, bin, databaseURL string) {
	ctx := t.Context()
	dataDir := t.TempDir()

	first := startCognate(t, bin, dataDir, databaseURL)
	if first.accessKeyID == "" || first.secretAccessKey == "" {
		t.Fatalf("the first start printed no root credentials:\n%s", first.output())
	}
	idp := first.client(first.accessKeyID, first.secretAccessKey)
	pool := result(idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String("durable"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
	})).must(t).UserPool
	client := result(idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})).must(t).UserPoolClient
	result(idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: client.ClientId, Username: aws.String(durableUser), Password: aws.String(durablePassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("dana@example.com")}},
	})).must(t)
	result(idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: client.ClientId, Username: aws.String(durableUser), ConfirmationCode: aws.String(outboxCode(t, dataDir)),
	})).must(t)
	kept := signIn(t, idp, *client.ClientId)
	signedOut := signIn(t, idp, *client.ClientId)
	result(idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: signedOut.AccessToken})).must(t)
	first.kill()

	second := startCognate(t, bin, dataDir, databaseURL)
	if second.accessKeyID != "" {
		t.Fatalf("the second start made new root credentials:\n%s", second.output())
	}
	idp = second.client(first.accessKeyID, first.secretAccessKey) // the root credentials were kept
	result(idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool.Id})).must(t)
	result(idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: client.ClientId})).must(t)
	user := result(idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String(durableUser)})).must(t)
	if user.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("user status after the restart = %s, want CONFIRMED", user.UserStatus)
	}

	// GlobalSignOut revoked every session of the user, the one signed in
	// first included.
	for name, session := range map[string]*types.AuthenticationResultType{"kept": kept, "signed out": signedOut} {
		_, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *session.RefreshToken},
		})
		wantError(t, "refresh of the "+name+" session", err, "NotAuthorizedException")
		_, err = idp.GetUser(ctx, &cip.GetUserInput{AccessToken: session.AccessToken})
		wantError(t, "GetUser with the "+name+" session", err, "NotAuthorizedException")
	}

	fresh := signIn(t, idp, *client.ClientId)
	result(idp.GetUser(ctx, &cip.GetUserInput{AccessToken: fresh.AccessToken})).must(t)
	result(idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *fresh.RefreshToken},
	})).must(t)
}

// result holds an SDK call's results so that the test can stop on its
// error: result(idp.Op(...)).must(t).
func result[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

type outcome[T any] struct {
	v   T
	err error
}

func (o outcome[T]) must(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatalf("unexpected error: %v", o.err)
	}
	return o.v
}

func signIn(t *testing.T, idp *cip.Client, clientID string) *types.AuthenticationResultType {
	t.Helper()
	out, err := idp.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": durableUser, "PASSWORD": durablePassword},
	})
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	return out.AuthenticationResult
}

func wantError(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// outboxCode returns the 6-digit code of the newest message in the
// development outbox of dataDir.
func outboxCode(t *testing.T, dataDir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dataDir, "outbox", "*.eml"))
	if len(files) == 0 {
		t.Fatal("no message in the outbox")
	}
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.ModTime().Before(b.ModTime())
	})
	body, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\b(\d{6})\b`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no code in %s", body)
	}
	return string(m[1])
}
