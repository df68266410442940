package app_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/benchcpu"
)

// The hot paths through the real HTTP stack and SDK client, on SQLite.
// Run: go test ./internal/app -run '^$' -bench . -benchmem -cpu 2
//
// Client and server share the process, so ns/op, cpu-µs/op and allocs/op
// include the SDK client's share; cmd/cognate-bench measures the server
// alone.

func benchServer(b *testing.B) (*server, string, *types.AuthenticationResultType) {
	s := newBenchServer(b)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "bench", "Correct-Horse-9")
	return s, clientID, s.signIn(clientID, "bench", "Correct-Horse-9")
}

// parallel runs op from 8 goroutines per processor (16 concurrent clients
// with -cpu 2, as cmd/cognate-bench runs by default), reporting allocations
// and CPU time per op.
func parallel(b *testing.B, op func() error) {
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	done := benchcpu.Start(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	done()
}

func BenchmarkGetUser(b *testing.B) {
	s, _, tok := benchServer(b)
	in := &cip.GetUserInput{AccessToken: tok.AccessToken}
	parallel(b, func() error {
		_, err := s.idp.GetUser(ctx, in)
		return err
	})
}

// BenchmarkGetUserWithoutMetrics is BenchmarkGetUser on a server built
// without metrics: the difference is what metrics cost.
func BenchmarkGetUserWithoutMetrics(b *testing.B) {
	s := start(b, newConfig(b, "sqlite"), app.WithoutMetrics())
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "bench", "Correct-Horse-9")
	in := &cip.GetUserInput{AccessToken: s.signIn(clientID, "bench", "Correct-Horse-9").AccessToken}
	parallel(b, func() error {
		_, err := s.idp.GetUser(ctx, in)
		return err
	})
}

func BenchmarkRefresh(b *testing.B) {
	s, clientID, tok := benchServer(b)
	in := &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken},
	}
	parallel(b, func() error {
		_, err := s.idp.InitiateAuth(ctx, in)
		return err
	})
}

func BenchmarkPasswordSignIn(b *testing.B) {
	s, clientID, _ := benchServer(b)
	in := &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bench", "PASSWORD": "Correct-Horse-9"},
	}
	parallel(b, func() error {
		_, err := s.idp.InitiateAuth(ctx, in)
		return err
	})
}

// identityBench is a signed-in user of a user pool that an identity pool
// trusts, with the real STS behind it.
type identityBench struct {
	*idServer
	poolID, identityID string
	logins             map[string]string
}

func newIdentityBench(b *testing.B) *identityBench {
	s := newBenchServer(b)
	id, key := s.app.RootCredentials()
	is := &idServer{server: s, ci: s.identityClient(id, key)}
	up := is.userPool()
	poolID := is.identityPool(false, up)
	result(s.iamClient(false).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("authenticated"), AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated")),
	})).must(b)
	logins := map[string]string{loginKey(up.poolID): is.idToken(up, "bench")}
	identity := result(is.getID(poolID, logins)).must(b)
	return &identityBench{idServer: is, poolID: poolID, identityID: identity, logins: logins}
}

// BenchmarkGetId is GetId for a known login: ID token verified, identity
// found.
func BenchmarkGetId(b *testing.B) {
	s := newIdentityBench(b)
	in := &cid.GetIdInput{IdentityPoolId: &s.poolID, Logins: s.logins}
	parallel(b, func() error {
		_, err := s.ci.GetId(ctx, in)
		return err
	})
}

// BenchmarkGetCredentialsForIdentity is credential vending: ID token
// verified, identity resolved, role chosen, trust policy evaluated,
// credentials minted and sealed, the issuance audited.
func BenchmarkGetCredentialsForIdentity(b *testing.B) {
	s := newIdentityBench(b)
	in := &cid.GetCredentialsForIdentityInput{IdentityId: &s.identityID, Logins: s.logins}
	parallel(b, func() error {
		_, err := s.ci.GetCredentialsForIdentity(ctx, in)
		return err
	})
}

// BenchmarkGetCallerIdentity is STS GetCallerIdentity signed (SigV4) with
// vended credentials: the session token opened, the signature checked.
func BenchmarkGetCallerIdentity(b *testing.B) {
	s := newIdentityBench(b)
	out := result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &s.identityID, Logins: s.logins})).must(b)
	c := out.Credentials
	client := s.stsClient(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	parallel(b, func() error {
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
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
	parallel(b, func() error {
		out, err := s.srpSignIn(poolID, clientID, "bench", "Correct-Horse-9", nil)
		if err == nil && out.AuthenticationResult == nil {
			err = fmt.Errorf("SRP sign-in answered %s", out.ChallengeName)
		}
		return err
	})
}
