package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestJanitorReadsTheClock checks that the janitor's idea of "expired"
// comes from the server's clock: auth events past their 90 days'
// retention on that clock are swept.
func TestJanitorReadsTheClock(t *testing.T) {
	clk := newTestClock()
	s := newClockServer(t, "sqlite", clk)
	poolID := s.pool(&cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypePlus,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "ola", "Correct-Horse-9")
	s.signIn(clientID, "ola", "Correct-Horse-9")
	events := func() int {
		out := result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ola")})).must(t)
		return len(out.AuthEvents)
	}
	s.app.Sweep(ctx)
	if n := events(); n != 1 {
		t.Fatalf("%d auth events before their retention ran out, want 1", n)
	}
	clk.Advance(91 * 24 * time.Hour)
	s.app.Sweep(ctx)
	if n := events(); n != 0 {
		t.Fatalf("%d auth events after 91 days on the server's clock, want 0", n)
	}
}

// TestAuditEventsReadTheClock checks that identity audit events carry the
// server clock's time.
func TestAuditEventsReadTheClock(t *testing.T) {
	clk := newTestClock()
	clk.Advance(72 * time.Hour)
	s := newClockServer(t, "sqlite", clk)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "pia", "Correct-Horse-9")
	idToken := *s.signIn(clientID, "pia", "Correct-Horse-9").IdToken

	id, key := s.app.RootCredentials()
	ci := s.identityClient(id, key)
	pool := result(ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("clock"), CognitoIdentityProviders: []citypes.CognitoIdentityProvider{
			{ProviderName: aws.String(awsKey(poolID)), ClientId: aws.String(clientID)}},
	})).must(t)
	identity := result(ci.GetId(ctx, &cid.GetIdInput{IdentityPoolId: pool.IdentityPoolId,
		Logins: map[string]string{awsKey(poolID): idToken}})).must(t)

	var out struct {
		Events []struct {
			EventType string
			EventTime float64
		}
	}
	if err := s.admin("ListAuditEvents", map[string]any{"IdentityId": *identity.IdentityId}, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Events) == 0 {
		t.Fatal("no audit events")
	}
	for _, e := range out.Events {
		at := time.Unix(0, int64(e.EventTime*float64(time.Second)))
		if d := clk.Now().Sub(at); d < -time.Second || d > time.Minute {
			t.Errorf("%s at %v, %v before the server's clock (%v)", e.EventType, at, d, clk.Now())
		}
	}
}
