package app_test

import (
	"testing"

	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// The tests in this file pin deviations from AWS that the boto3 probes in
// clients/python found.

// TestGuestOpenIDTokenIsNotALogin: a guest's basic-flow OpenID token (amr
// "unauthenticated") proves no login. Presented as the
// cognito-identity.amazonaws.com login it must not make the request
// authenticated (the authenticated role, whatever its trust policy says),
// nor keep a guest going after the pool stops allowing guests.
func TestGuestOpenIDTokenIsNotALogin(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(true, up)
		guest := result(s.getID(pool, nil)).must(t)
		tok := *result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})).must(t).Token
		logins := map[string]string{"cognito-identity.amazonaws.com": tok}

		_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		_, err = s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		other := result(s.getID(pool, nil)).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &other, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		_, err = s.ci.UnlinkIdentity(ctx, &cid.UnlinkIdentityInput{IdentityId: &guest, Logins: logins, LoginsToRemove: []string{"x"}})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")

		// The guest itself still gets the unauthenticated role.
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})).must(t)
		if r := s.issuer.last(t); r.RoleARN != guestRole {
			t.Fatalf("guest got %s", r.RoleARN)
		}
	})
}
