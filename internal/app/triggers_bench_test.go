package app_test

import (
	"context"
	"testing"
	"time"

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

// TestTriggerOverhead checks the budget the benchmark measures, loosely
// enough for a busy machine: a trigger adds under 1 ms (median of
// interleaved runs) to REFRESH_TOKEN_AUTH, and reuses one connection.
func TestTriggerOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	plain, _, plainIn := refreshSetup(t, false)
	trig, fns, trigIn := refreshSetup(t, true)
	// The machine is shared: a measurement over budget is taken again, up
	// to three times, and the best one counts.
	const rounds = 200
	best := time.Duration(1<<63 - 1)
	for attempt := 0; attempt < 3 && best > time.Millisecond; attempt++ {
		var without, with []time.Duration
		for range rounds {
			for _, c := range []struct {
				s   *server
				in  *cip.InitiateAuthInput
				out *[]time.Duration
			}{{plain, plainIn, &without}, {trig, trigIn, &with}} {
				start := time.Now()
				result(c.s.idp.InitiateAuth(ctx, c.in)).must(t)
				*c.out = append(*c.out, time.Since(start))
			}
		}
		added := median(with) - median(without)
		t.Logf("REFRESH_TOKEN_AUTH median: %v without a trigger, %v with one: the trigger adds %v", median(without), median(with), added)
		best = min(best, added)
	}
	if best > time.Millisecond {
		t.Errorf("a trigger adds %v, over the 1 ms budget", best)
	}
	if n := fns.Connections(); n > 2 {
		t.Errorf("%d connections to the Lambda endpoint: they are not reused", n)
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}
