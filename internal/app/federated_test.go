package app_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// TestFederatedUsers: what a federated sign-in does to the pool's users
// (internal/federation proves who the user is; its tests cover the
// protocols): a first sign-in creates <Provider>_<sub> as
// EXTERNAL_PROVIDER with mapped attributes and the identities attribute;
// later sign-ins refresh the mapped attributes; a linked identity signs in
// as its native user; a disabled user is refused.
func TestFederatedUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("Upstream"), ProviderType: types.IdentityProviderTypeTypeOidc,
			ProviderDetails:  oidcDetails(),
			AttributeMapping: map[string]string{"email": "email", "name": "name", "email_verified": "email_verified"},
		})).must(t)
		up := s.app.UserPools()
		signIn := func(sub string, attrs map[string]string) (string, error) {
			u, err := up.FederatedSignIn(ctx, poolID, clientID, userpool.ExternalIdentity{
				Provider: "Upstream", Subject: sub, Issuer: "https://issuer.example.com", Attributes: attrs,
			})
			if err != nil {
				return "", err
			}
			return u.Username, nil
		}

		name, err := signIn("u-1", map[string]string{"sub": "u-1", "email": "ada@example.com", "name": "Ada", "email_verified": "true", "locale": "en"})
		if err != nil || name != "Upstream_u-1" {
			t.Fatalf("first sign-in: %q %v", name, err)
		}
		got := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("Upstream_u-1")})).must(t)
		if got.UserStatus != types.UserStatusTypeExternalProvider {
			t.Errorf("status %s", got.UserStatus)
		}
		if v, _ := attrValue(got.UserAttributes, "name"); v != "Ada" {
			t.Errorf("name %q", v)
		}
		if _, ok := attrValue(got.UserAttributes, "locale"); ok {
			t.Error("an unmapped provider attribute was stored")
		}
		raw, _ := attrValue(got.UserAttributes, "identities")
		var ids []map[string]any
		if err := json.Unmarshal([]byte(raw), &ids); err != nil || len(ids) != 1 || ids[0]["userId"] != "u-1" ||
			ids[0]["providerName"] != "Upstream" || ids[0]["providerType"] != "OIDC" || ids[0]["primary"] != "true" ||
			ids[0]["issuer"] != "https://issuer.example.com" {
			t.Errorf("identities %s (%v)", raw, err)
		}

		// The provider's attributes are refreshed at the next sign-in.
		if _, err := signIn("u-1", map[string]string{"sub": "u-1", "email": "ada@example.com", "name": "Ada L.", "email_verified": "true"}); err != nil {
			t.Fatal(err)
		}
		got = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("Upstream_u-1")})).must(t)
		if v, _ := attrValue(got.UserAttributes, "name"); v != "Ada L." {
			t.Errorf("name after the second sign-in %q", v)
		}

		// A disabled federated user is refused.
		result(s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("Upstream_u-1")})).must(t)
		if _, err := signIn("u-1", map[string]string{"sub": "u-1"}); err == nil {
			t.Error("a disabled federated user signed in")
		}

		// An identity linked to a native user signs in as that user.
		s.user(poolID, "grace", "Passw0rd!x", attr("email", "grace@example.com"))
		result(s.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{
			UserPoolId:      aws.String(poolID),
			DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("grace")},
			SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Upstream"),
				ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String("u-2")},
		})).must(t)
		if name, err := signIn("u-2", map[string]string{"sub": "u-2", "email": "someone@example.com"}); err != nil || name != "grace" {
			t.Fatalf("linked sign-in: %q %v", name, err)
		}
		if _, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("Upstream_u-2")}); err == nil {
			t.Error("a linked identity got a user of its own")
		}

		// An OIDC identity can be linked by a mapped attribute (here
		// email) instead of its subject.
		s.user(poolID, "hedy", "Passw0rd!x", attr("email", "hedy@example.com"))
		result(s.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{
			UserPoolId:      aws.String(poolID),
			DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("hedy")},
			SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Upstream"),
				ProviderAttributeName: aws.String("email"), ProviderAttributeValue: aws.String("hedy@upstream.example")},
		})).must(t)
		if name, err := signIn("u-3", map[string]string{"sub": "u-3", "email": "hedy@upstream.example"}); err != nil || name != "hedy" {
			t.Fatalf("sign-in linked by email: %q %v", name, err)
		}
		if name, err := signIn("u-4", map[string]string{"sub": "u-4", "name": "hedy@upstream.example"}); err != nil || name != "Upstream_u-4" {
			t.Fatalf("the linked value in another attribute signed in as %q (%v)", name, err)
		}
	})
}

// TestFederatedLinkByVerifiedEmail: with cognate_link_verified_email on, a
// first sign-in whose email both the provider and the pool have verified
// signs in as the native user (and is linked from then on); an email the
// provider does not vouch for, or the pool's user has not verified, gets
// a user of its own: never an account takeover.
func TestFederatedLinkByVerifiedEmail(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	details := oidcDetails()
	details[userpool.DetailLinkVerifiedEmail] = "true"
	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: aws.String(poolID), ProviderName: aws.String("Corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: details, AttributeMapping: map[string]string{"email": "email"},
	})).must(t)
	s.user(poolID, "verified", "Passw0rd!x", attr("email", "v@example.com"), attr("email_verified", "true"))
	s.user(poolID, "unverified", "Passw0rd!x", attr("email", "u@example.com"))
	up := s.app.UserPools()
	signIn := func(sub, email, verified string) string {
		t.Helper()
		u, err := up.FederatedSignIn(ctx, poolID, clientID, userpool.ExternalIdentity{
			Provider: "Corp", Subject: sub, Attributes: map[string]string{"sub": sub, "email": email, "email_verified": verified},
		})
		if err != nil {
			t.Fatal(err)
		}
		return u.Username
	}
	if got := signIn("attacker", "v@example.com", "false"); got != "Corp_attacker" {
		t.Errorf("an email the provider did not verify signed in as %s", got)
	}
	if got := signIn("s-2", "u@example.com", "true"); got != "Corp_s-2" {
		t.Errorf("an email the pool did not verify signed in as %s", got)
	}
	if got := signIn("s-1", "v@example.com", "true"); got != "verified" {
		t.Errorf("a verified email on both sides signed in as %s", got)
	}
	// Linked from then on, whatever the email says later.
	if got := signIn("s-1", "changed@example.com", "false"); got != "verified" {
		t.Errorf("the linked identity signed in as %s", got)
	}
	got := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("verified")})).must(t)
	if raw, _ := attrValue(got.UserAttributes, "identities"); raw == "" {
		t.Error("the linked user has no identities attribute")
	}
}
