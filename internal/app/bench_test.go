package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The hot paths through the real HTTP stack and SDK client, on SQLite.
// Run: go test ./internal/app -run '^$' -bench . -cpu 2

func benchServer(b *testing.B) (*server, string, *types.AuthenticationResultType) {
	s := newBenchServer(b)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "bench", "Correct-Horse-9")
	return s, clientID, s.signIn(clientID, "bench", "Correct-Horse-9")
}

func BenchmarkGetUser(b *testing.B) {
	s, _, tok := benchServer(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRefresh(b *testing.B) {
	s, clientID, tok := benchServer(b)
	in := &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken},
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.idp.InitiateAuth(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPasswordSignIn(b *testing.B) {
	s, clientID, _ := benchServer(b)
	in := &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bench", "PASSWORD": "Correct-Horse-9"},
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.idp.InitiateAuth(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSRPSignIn is a USER_SRP_AUTH round trip: InitiateAuth and
// RespondToAuthChallenge(PASSWORD_VERIFIER), with the client's SRP
// arithmetic (math/big, as a JS client does it) in the loop.
func BenchmarkSRPSignIn(b *testing.B) {
	s := newBenchServer(b)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "bench", "Correct-Horse-9")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := s.srpSignIn(poolID, clientID, "bench", "Correct-Horse-9", nil)
			if err != nil || out.AuthenticationResult == nil {
				b.Fatal(err)
			}
		}
	})
}
