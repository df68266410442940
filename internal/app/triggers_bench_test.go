package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// preTokenAddsClaim is a pre token generation function that adds one claim.
func preTokenAddsClaim(_ context.Context, e events.CognitoEventUserPoolsPreTokenGen) (events.CognitoEventUserPoolsPreTokenGen, error) {
	e.Response.ClaimsOverrideDetails.ClaimsToAddOrOverride = map[string]string{"tenant": "acme"}
	return e, nil
}

// refreshSetup is a server whose pool runs preTokenAddsClaim when withTrigger
// is set, with a signed-in user: REFRESH_TOKEN_AUTH is the cheapest
// operation that runs a trigger (no password hashing), so the time a
// trigger adds shows plainly.
func refreshSetup(t testing.TB, withTrigger bool) (*server, *functions, *cip.InitiateAuthInput) {
	fns := newFunctions(t)
	fns.handle("bench-pre-token", preTokenAddsClaim)
	cfg := newConfig(t, "sqlite")
	cfg.Lambda.Endpoint = fns.URL
	cfg.Lambda.AccessKeyID, cfg.Lambda.SecretAccessKey = lambdaStandInKeys()
	s := start(t, cfg)
	lc := &types.LambdaConfigType{}
	if withTrigger {
		lc.PreTokenGeneration = aws.String(arn("bench-pre-token"))
	}
	poolID, clientID := s.triggerPool(lc, nil)
	s.user(poolID, "bench", "Correct-Horse-9")
	tok := s.signIn(clientID, "bench", "Correct-Horse-9")
	return s, fns, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken}}
}

// BenchmarkTriggerOverhead measures what a trigger adds to an operation:
// REFRESH_TOKEN_AUTH without and with a pre token generation function
// that answers at once (a Go handler behind the local Lambda stand-in).
// The difference of the two ns/op is the trigger's cost: building and
// signing the event, one HTTP round trip over a reused connection, reading
// the answer and applying it.
//
//	go test ./internal/app -run '^$' -bench TriggerOverhead -benchtime 2000x
func BenchmarkTriggerOverhead(b *testing.B) {
	for _, tc := range []struct {
		name    string
		trigger bool
	}{{"none", false}, {"pre-token-generation", true}} {
		b.Run(tc.name, func(b *testing.B) {
			s, _, in := refreshSetup(b, tc.trigger)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.idp.InitiateAuth(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTriggerReusesConnections checks what keeps a trigger's cost to one
// round trip: many invocations share the Lambda endpoint's connections.
// (Its time is measured by BenchmarkTriggerOverhead, not here.)
func TestTriggerReusesConnections(t *testing.T) {
	s, fns, in := refreshSetup(t, true)
	for range 50 {
		result(s.idp.InitiateAuth(ctx, in)).must(t)
	}
	if n := fns.Connections(); n < 1 || n > 2 {
		t.Errorf("%d connections to the Lambda endpoint for 50 invocations: they are not reused", n)
	}
}
