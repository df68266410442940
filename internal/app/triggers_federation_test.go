package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// TestInboundFederationTrigger: a federated sign-in runs the pool's
// inbound federation function (InboundFederation_ExternalProvider) with
// what the provider said, and maps the function's userAttributesToMap
// onto the user, not the provider's own values.
func TestInboundFederationTrigger(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("inbound", func(_ context.Context, e map[string]any) (map[string]any, error) {
		req := e["request"].(map[string]any)
		idToken := req["attributes"].(map[string]any)["idToken"].(map[string]any)
		e["response"] = map[string]any{"userAttributesToMap": map[string]string{
			"email": strings.ToLower(idToken["email"].(string)),
		}}
		return e, nil
	})
	s := triggerServer(t, "sqlite", fns, 2*time.Second)
	poolID, clientID := s.triggerPool(&types.LambdaConfigType{InboundFederation: &types.InboundFederationLambdaType{
		LambdaArn: aws.String(arn("inbound")), LambdaVersion: types.InboundFederationLambdaVersionTypeV10,
	}}, nil)
	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("Upstream"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: oidcDetails(), AttributeMapping: map[string]string{"email": "email"},
	})).must(t)
	u, err := s.app.UserPools().FederatedSignIn(ctx, poolID, clientID, userpool.ExternalIdentity{
		Provider: "Upstream", Subject: "s-1", Attributes: map[string]string{"sub": "s-1", "email": "ADA@EXAMPLE.COM"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "Upstream_s-1" || u.Attributes["email"] != "ada@example.com" {
		t.Fatalf("user %s with email %q", u.Username, u.Attributes["email"])
	}
	var e struct {
		TriggerSource string `json:"triggerSource"`
		UserName      string `json:"userName"`
		CallerContext struct {
			ClientID string `json:"clientId"`
		} `json:"callerContext"`
		Request struct {
			ProviderName string `json:"providerName"`
			ProviderType string `json:"providerType"`
			Attributes   struct {
				IDToken map[string]string `json:"idToken"`
			} `json:"attributes"`
		} `json:"request"`
	}
	fns.last(t, "inbound", &e)
	if e.TriggerSource != "InboundFederation_ExternalProvider" || e.UserName != "Upstream_s-1" || e.CallerContext.ClientID != clientID ||
		e.Request.ProviderName != "Upstream" || e.Request.ProviderType != "OIDC" || e.Request.Attributes.IDToken["email"] != "ADA@EXAMPLE.COM" {
		t.Fatalf("InboundFederation event: %+v", e)
	}
}
