package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/lambdainvoke/lambdatest"
)

// functions is the Lambda Invoke API stand-in (package lambdatest) with
// helpers for the tests: Go handlers written with aws-lambda-go, typed
// with its events.CognitoEventUserPools* events, so that decoding
// Cognate's events proves their shape.
type functions struct{ *lambdatest.Server }

func newFunctions(t testing.TB) *functions {
	f := &functions{lambdatest.New()}
	t.Cleanup(f.Close)
	return f
}

func (f *functions) handle(name string, handler any) { f.Handle(name, handler) }

// arn is the ARN of function name, as a pool's LambdaConfig names it.
func arn(name string) string { return lambdatest.ARN(name) }

// last decodes the newest event of function name into v.
func (f *functions) last(t testing.TB, name string, v any) {
	t.Helper()
	evs := f.Events(name)
	if len(evs) == 0 {
		t.Fatalf("function %s was not invoked", name)
	}
	if err := json.Unmarshal(evs[len(evs)-1], v); err != nil {
		t.Fatalf("function %s's event: %v", name, err)
	}
}

// count is how often function name was invoked.
func (f *functions) count(name string) int { return len(f.Events(name)) }

// triggerServer starts a server that invokes functions through fns, signs
// for them with the stand-in's credentials and waits timeout for each.
func triggerServer(t *testing.T, backend string, fns *functions, timeout time.Duration) *server {
	cfg := newConfig(t, backend)
	cfg.Lambda.Endpoint = fns.URL
	cfg.Lambda.AccessKeyID, cfg.Lambda.SecretAccessKey, cfg.Lambda.Timeout = lambdatest.AccessKeyID, lambdatest.SecretAccessKey, timeout
	cfg.Lambda.SenderKey = testSenderKey
	return start(t, cfg)
}

// testSenderKey is the --sender-encryption-key of the trigger tests:
// bytes 0..31, base64.
const testSenderKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// triggerPool creates a pool with lc as its LambdaConfig (email
// auto-verified) and an app client allowing every flow the tests use.
func (s *server) triggerPool(lc *types.LambdaConfigType, in *cip.CreateUserPoolInput) (poolID, clientID string) {
	s.t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	in.LambdaConfig = lc
	poolID = s.pool(in)
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowCustomAuth,
		},
	})).must(s.t)
	return poolID, *out.UserPoolClient.ClientId
}

// errNope is what failing functions throw.
var errNope = errors.New("nope")

// slow is a handler that outlasts the tests' timeout.
func slow(ctx context.Context, e map[string]any) (map[string]any, error) {
	time.Sleep(700 * time.Millisecond)
	return e, nil
}

// lambdaStandInKeys are the credentials the stand-in accepts.
func lambdaStandInKeys() (string, string) { return lambdatest.AccessKeyID, lambdatest.SecretAccessKey }
