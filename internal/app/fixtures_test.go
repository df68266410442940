package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

var ctx = context.Background()

// wantCode asserts that err is the AWS error code want, with a message
// containing msg (when msg is not empty).
func wantCode(t *testing.T, err error, want, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", want, err)
	}
	if ae.ErrorCode() != want {
		t.Fatalf("want %s, got %s: %s", want, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s: want message containing %q, got %q", want, msg, ae.ErrorMessage())
	}
}

// result holds an SDK call's two results so a test can fail on the error:
// result(s.idp.GetUser(...)).must(t).
func result[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

type outcome[T any] struct {
	v   T
	err error
}

// must returns the value, failing the test on an error.
func (o outcome[T]) must(t testing.TB) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// pool creates a user pool with email auto-verification and returns its id.
func (s *server) pool(in *cip.CreateUserPoolInput) string {
	s.t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	if in.PoolName == nil {
		in.PoolName = aws.String("test-pool")
	}
	if in.AutoVerifiedAttributes == nil {
		in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
	}
	out := result(s.idp.CreateUserPool(ctx, in)).must(s.t)
	return *out.UserPool.Id
}

// appClient creates an app client allowing password and refresh flows; with
// a secret when secret is true. It returns the id and the secret.
func (s *server) appClient(poolID string, secret bool) (string, string) {
	s.t.Helper()
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId:     aws.String(poolID),
		ClientName:     aws.String("app"),
		GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
		},
	})).must(s.t)
	return *out.UserPoolClient.ClientId, aws.ToString(out.UserPoolClient.ClientSecret)
}

// user creates a confirmed user with a permanent password.
func (s *server) user(poolID, username, password string, attrs ...types.AttributeType) {
	s.t.Helper()
	result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs,
	})).must(s.t)
	result(s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username),
		Password: aws.String(password), Permanent: true,
	})).must(s.t)
}

// signIn signs in with USER_PASSWORD_AUTH and returns the tokens.
func (s *server) signIn(clientID, username, password string) *types.AuthenticationResultType {
	s.t.Helper()
	out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})).must(s.t)
	if out.AuthenticationResult == nil {
		s.t.Fatalf("sign-in: no tokens, challenge %s", out.ChallengeName)
	}
	return out.AuthenticationResult
}

func secretHash(secret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func attr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

func attrValue(list []types.AttributeType, name string) (string, bool) {
	for _, a := range list {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value), true
		}
	}
	return "", false
}

// forEachBackend runs fn as a subtest per backend, each on a fresh server.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			t.Parallel() // the backends' servers share nothing
			fn(t, newServer(t, b))
		})
	}
}
