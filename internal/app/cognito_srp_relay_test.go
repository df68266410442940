package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

// A relayed SRP sign-in proves the password of the user it was started
// for: the proof of another user of the old pool, made against a
// challenge that user got from the old pool, does not sign the first one
// in here.
func TestMigrateFromCognitoRelayedSRPOtherUsersProof(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)

	// The attacker (bob, who knows his own password) starts a relayed
	// sign-in for alice here, and one for himself, whose challenge is the
	// old pool's (through the client the server uses there).
	_, victim, err := s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "alice"})
	if err != nil || victim.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("alice's relayed SRP start: %v", err)
	}
	c, own, err := s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "bob"})
	if err != nil {
		t.Fatal(err)
	}
	resp := srpAnswer(t, c, own.ChallengeParameters, "Bob-pass-123", time.Now())
	out, err := s.srpVerify(old.spa, resp, victim.Session)
	if err == nil {
		t.Fatalf("bob's proof signed in alice's relayed session: %+v", out.AuthenticationResult != nil)
	}
	wantCode(t, err, "NotAuthorizedException", "")
	// The same with USERNAME naming alice but bob's SECRET_BLOCK.
	_, victim, _ = s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "alice"})
	c, own, _ = s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "bob"})
	resp = srpAnswer(t, c, own.ChallengeParameters, "Bob-pass-123", time.Now())
	resp["USERNAME"] = "alice"
	_, err = s.srpVerify(old.spa, resp, victim.Session)
	wantCode(t, err, "NotAuthorizedException", "")
	// alice's own relayed sign-in still works.
	if _, err := s.srpSignIn(old.pool, old.spa, "alice", "Alice-pass-1", nil); err != nil {
		t.Errorf("alice's relayed SRP sign-in: %v", err)
	}
}

// A copied user whose password is not here yet: USER_AUTH's PASSWORD
// checks it at the old pool (as USER_PASSWORD_AUTH does), and ChangePassword
// after a relayed SRP sign-in wants the previous password, checked there.
func TestMigrateFromCognitoPasswordNotHereYet(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)
	choice := *result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &old.pool, ClientName: aws.String("choice"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).must(t).UserPoolClient.ClientId
	out, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &choice, AuthFlow: types.AuthFlowTypeUserAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Alice-pass-1"}})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("alice's USER_AUTH PASSWORD sign-in: %v %v %v", err, out.ChallengeName, out.ChallengeParameters)
	}

	// bob is offered both password factors, as any user; PASSWORD_SRP is
	// relayed to the old pool.
	sel := result(s.userAuth(choice, map[string]string{"USERNAME": "bob"})).must(t)
	if got := challengeNames(sel.AvailableChallenges); !slices.Contains(got, "PASSWORD") || !slices.Contains(got, "PASSWORD_SRP") {
		t.Errorf("bob's first factors: %v", got)
	}
	c := srpclient.NewClient(srp.PoolName(old.pool))
	ch := result(s.userAuth(choice, map[string]string{"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": c.SRPA()})).must(t)
	if ch.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("bob's PASSWORD_SRP: %s", ch.ChallengeName)
	}
	if v := result(s.srpVerify(choice, srpAnswer(t, c, ch.ChallengeParameters, "Bob-pass-123", time.Now()), ch.Session)).must(t); v.AuthenticationResult == nil {
		t.Fatal("bob's relayed PASSWORD_SRP: no tokens")
	}

	srpOut, err := s.srpSignIn(old.pool, old.spa, "bob", "Bob-pass-123", nil)
	if err != nil {
		t.Fatalf("bob's relayed SRP sign-in: %v", err)
	}
	access := srpOut.AuthenticationResult.AccessToken
	change := func(prev string) error {
		in := &cip.ChangePasswordInput{AccessToken: access, ProposedPassword: aws.String("Bob-new-pass-1")}
		if prev != "" {
			in.PreviousPassword = &prev
		}
		_, err := s.idp.ChangePassword(ctx, in)
		return err
	}
	wantCode(t, change(""), "InvalidParameterException", "")
	wantCode(t, change("Bob-pass-999"), "NotAuthorizedException", "")
	if err := change("Bob-pass-123"); err != nil {
		t.Fatalf("bob's ChangePassword with his old password: %v", err)
	}
	old.stop()
	result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &choice, AuthFlow: types.AuthFlowTypeUserAuth,
		AuthParameters: map[string]string{"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Bob-new-pass-1"}})).must(t)
}

// An administrator's reset of a copied user is not bypassed by the old
// pool: neither a relayed SRP sign-in nor a password sign-in takes the old
// password.
func TestMigrateFromCognitoResetCopiedUser(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)
	result(s.idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &old.pool, Username: aws.String("alice")})).must(t)
	if out, err := s.srpSignIn(old.pool, old.spa, "alice", "Alice-pass-1", nil); err == nil {
		t.Fatalf("alice signed in with SRP after her reset: %v", out.AuthenticationResult != nil)
	}
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Alice-pass-1", "SECRET_HASH": secretHash(old.webSecret, "alice", old.web)}})
	wantCode(t, err, "PasswordResetRequiredException", "")
}
