package app_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

var identityIDPattern = regexp.MustCompile(`^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestIdentityPoolAdministration(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		created := result(s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
			IdentityPoolName: aws.String("app ids"), AllowUnauthenticatedIdentities: true,
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
				ProviderName: aws.String(loginKey(up.poolID)), ClientId: aws.String(up.clientID), ServerSideTokenCheck: aws.Bool(true),
			}},
			IdentityPoolTags: map[string]string{"team": "a"},
		})).must(t)
		poolID := *created.IdentityPoolId
		if !identityIDPattern.MatchString(poolID) || !created.AllowUnauthenticatedIdentities {
			t.Fatalf("created %+v", created)
		}
		d := result(s.ci.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: &poolID})).must(t)
		if *d.IdentityPoolName != "app ids" || len(d.CognitoIdentityProviders) != 1 ||
			!*d.CognitoIdentityProviders[0].ServerSideTokenCheck || d.IdentityPoolTags["team"] != "a" {
			t.Fatalf("describe %+v", d)
		}

		_, err := s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
			IdentityPoolName: aws.String("bad"),
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
				ProviderName: aws.String("login.example.com/us-east-1_nope"), ClientId: aws.String("abc"),
			}},
		})
		wantCode(t, err, "InvalidParameterException", "Invalid Cognito Identity Provider")
		_, err = s.ci.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: aws.String("us-east-1:00000000-0000-0000-0000-000000000000")})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Unsigned or not by an administrator: refused.
		anon := s.identityClient("AKIAWRONGWRONGWRONG1", "wrong")
		_, err = anon.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: &poolID})
		wantCode(t, err, "UnrecognizedClientException", "")

		second := s.identityPool(false)
		page1 := result(s.ci.ListIdentityPools(ctx, &cid.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})).must(t)
		page2 := result(s.ci.ListIdentityPools(ctx, &cid.ListIdentityPoolsInput{MaxResults: aws.Int32(1), NextToken: page1.NextToken})).must(t)
		got := []string{*page1.IdentityPools[0].IdentityPoolId, *page2.IdentityPools[0].IdentityPoolId}
		slices.Sort(got)
		want := []string{poolID, second}
		slices.Sort(want)
		if !slices.Equal(got, want) || page2.NextToken != nil {
			t.Fatalf("pages %v next %v", got, page2.NextToken)
		}

		upd := result(s.ci.UpdateIdentityPool(ctx, &cid.UpdateIdentityPoolInput{
			IdentityPoolId: &poolID, IdentityPoolName: aws.String("renamed"), AllowUnauthenticatedIdentities: false,
			CognitoIdentityProviders: d.CognitoIdentityProviders,
		})).must(t)
		if *upd.IdentityPoolName != "renamed" || upd.AllowUnauthenticatedIdentities {
			t.Fatalf("update %+v", upd)
		}

		arn := "arn:aws:cognito-identity:us-east-1:" + s.cfg.AccountID + ":identitypool/" + poolID
		result(s.ci.TagResource(ctx, &cid.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"env": "prod"}})).must(t)
		result(s.ci.UntagResource(ctx, &cid.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team"}})).must(t)
		tags := result(s.ci.ListTagsForResource(ctx, &cid.ListTagsForResourceInput{ResourceArn: &arn})).must(t).Tags
		if len(tags) != 1 || tags["env"] != "prod" {
			t.Fatalf("tags %v", tags)
		}

		mappingKey := awsKey(up.poolID) + ":" + up.clientID
		result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
			IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": authRole},
			RoleMappings: map[string]citypes.RoleMapping{mappingKey: {
				Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeAuthenticatedRole,
			}},
		})).must(t)
		roles := result(s.ci.GetIdentityPoolRoles(ctx, &cid.GetIdentityPoolRolesInput{IdentityPoolId: &poolID})).must(t)
		if roles.Roles["authenticated"] != authRole || roles.RoleMappings[mappingKey].Type != citypes.RoleMappingTypeToken {
			t.Fatalf("roles %+v", roles)
		}
		_, err = s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
			IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": "not-an-arn-at-all-really"},
		})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
			IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": authRole},
			RoleMappings: map[string]citypes.RoleMapping{"accounts.google.com": {
				Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny,
			}},
		})
		wantCode(t, err, "InvalidParameterException", "not a provider")

		result(s.ci.SetPrincipalTagAttributeMap(ctx, &cid.SetPrincipalTagAttributeMapInput{
			IdentityPoolId: &poolID, IdentityProviderName: aws.String(loginKey(up.poolID)), UseDefaults: aws.Bool(true),
		})).must(t)
		tm := result(s.ci.GetPrincipalTagAttributeMap(ctx, &cid.GetPrincipalTagAttributeMapInput{
			IdentityPoolId: &poolID, IdentityProviderName: aws.String(awsKey(up.poolID)),
		})).must(t)
		if !*tm.UseDefaults || tm.PrincipalTags["client"] != "aud" || tm.PrincipalTags["username"] != "sub" {
			t.Fatalf("principal tags %+v", tm)
		}

		result(s.ci.DeleteIdentityPool(ctx, &cid.DeleteIdentityPoolInput{IdentityPoolId: &poolID})).must(t)
		_, err = s.ci.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: &poolID})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

func TestUserPoolSignInToCredentials(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		poolID := s.identityPool(false, up)
		tok := s.idToken(up, "alice")

		// Amplify's key (the issuer without scheme) and boto3's key name
		// the same provider: one identity.
		id := result(s.getID(poolID, map[string]string{loginKey(up.poolID): tok})).must(t)
		if !identityIDPattern.MatchString(id) {
			t.Fatalf("identity id %q", id)
		}
		if again := result(s.getID(poolID, map[string]string{awsKey(up.poolID): tok})).must(t); again != id {
			t.Fatalf("AWS-form key gave %s, want %s", again, id)
		}
		// A new session of the same user resolves to the same identity.
		tok2 := s.idToken(up, "alice")
		if again := result(s.getID(poolID, map[string]string{loginKey(up.poolID): tok2})).must(t); again != id {
			t.Fatalf("second session gave %s, want %s", again, id)
		}

		out := result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(up.poolID): tok2},
		})).must(t)
		c := out.Credentials
		if *out.IdentityId != id || c == nil || len(*c.AccessKeyId) != 20 || (*c.AccessKeyId)[:4] != "ASIA" ||
			*c.SecretKey == "" || *c.SessionToken == "" || c.Expiration == nil {
			t.Fatalf("credentials %+v", out)
		}
		req := s.issuer.last(t)
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("alice")})).must(t)
		sub, _ := attrValue(u.UserAttributes, "sub")
		if req.RoleARN != authRole || req.IdentityID != id || req.Audience != poolID || req.Subject != id ||
			req.Provider != "cognito-identity.amazonaws.com" || req.UserPoolID != up.poolID || req.Username != "alice" ||
			req.UserSub != sub {
			t.Fatalf("issuer asked %+v", req)
		}
		if !slices.Equal(req.AMR, []string{"authenticated", awsKey(up.poolID), awsKey(up.poolID) + ":CognitoSignIn:" + sub}) {
			t.Fatalf("amr %v", req.AMR)
		}

		// Attributes for access control: the default map tags the session
		// with the client id and the user's sub.
		result(s.ci.SetPrincipalTagAttributeMap(ctx, &cid.SetPrincipalTagAttributeMapInput{
			IdentityPoolId: &poolID, IdentityProviderName: aws.String(awsKey(up.poolID)), UseDefaults: aws.Bool(true),
		})).must(t)
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(up.poolID): tok2},
		})).must(t)
		if tags := s.issuer.last(t).PrincipalTags; len(tags) != 2 || tags["client"] != up.clientID || tags["username"] != sub {
			t.Fatalf("principal tags %v", tags)
		}

		d := result(s.ci.DescribeIdentity(ctx, &cid.DescribeIdentityInput{IdentityId: &id})).must(t)
		if !slices.Equal(d.Logins, []string{awsKey(up.poolID)}) {
			t.Fatalf("logins %v", d.Logins)
		}
		list := result(s.ci.ListIdentities(ctx, &cid.ListIdentitiesInput{IdentityPoolId: &poolID, MaxResults: aws.Int32(10)})).must(t)
		if len(list.Identities) != 1 || *list.Identities[0].IdentityId != id {
			t.Fatalf("list %+v", list.Identities)
		}

		// Bad tokens never resolve.
		_, err := s.getID(poolID, map[string]string{loginKey(up.poolID): tamper(tok)})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		access := *s.signIn(up.clientID, "alice", "Correct-Horse-9").AccessToken
		_, err = s.getID(poolID, map[string]string{loginKey(up.poolID): access})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		other := s.userPool()
		_, err = s.getID(poolID, map[string]string{loginKey(other.poolID): s.idToken(other, "alice")})
		wantCode(t, err, "NotAuthorizedException", "Token is not from a supported provider")
		// A token of pool A presented under pool B's name.
		_, err = s.getID(poolID, map[string]string{loginKey(up.poolID): s.idToken(other, "alice")})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")

		// A role the trust policy refuses.
		result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
			IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": "arn:aws:iam::000000000000:role/untrusted"},
		})).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(up.poolID): tok2},
		})
		wantCode(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
	})
}

func TestGuestIdentities(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		closed := s.identityPool(false, up)
		_, err := s.getID(closed, nil)
		wantCode(t, err, "NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.")

		open := s.identityPool(true, up)
		guest := result(s.getID(open, nil)).must(t)
		other := result(s.getID(open, nil)).must(t)
		if guest == other || !identityIDPattern.MatchString(guest) {
			t.Fatalf("guests %s %s", guest, other)
		}
		out := result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})).must(t)
		if *out.IdentityId != guest || s.issuer.last(t).RoleARN != guestRole ||
			!slices.Equal(s.issuer.last(t).AMR, []string{"unauthenticated"}) || s.issuer.last(t).UserSub != "" {
			t.Fatalf("guest credentials: %+v", s.issuer.last(t))
		}

		// A signed-in identity cannot be borrowed by a guest.
		tok := s.idToken(up, "bob")
		bob := result(s.getID(open, map[string]string{loginKey(up.poolID): tok})).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &bob})
		wantCode(t, err, "NotAuthorizedException", "Logins don't match")
		_, err = s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &bob})
		wantCode(t, err, "NotAuthorizedException", "Logins don't match")
		// Nor by another user with a valid token of their own.
		carol := s.idToken(up, "carol")
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &bob, Logins: map[string]string{loginKey(up.poolID): carol},
		})
		wantCode(t, err, "NotAuthorizedException", "Access to Identity '"+bob+"' is forbidden.")

		// A guest who signs in keeps the guest's identity, which is then
		// authenticated for good: no more guest access to it.
		out = result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &guest, Logins: map[string]string{loginKey(up.poolID): carol},
		})).must(t)
		if *out.IdentityId != guest || s.issuer.last(t).RoleARN != authRole {
			t.Fatalf("signed-in guest: %s %+v", *out.IdentityId, s.issuer.last(t))
		}
		if id := result(s.getID(open, map[string]string{awsKey(up.poolID): carol})).must(t); id != guest {
			t.Fatalf("carol's identity %s, want the former guest %s", id, guest)
		}
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})
		wantCode(t, err, "NotAuthorizedException", "Logins don't match")

		// A guest presenting another identity's login merges into it.
		out = result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &other, Logins: map[string]string{loginKey(up.poolID): tok},
		})).must(t)
		if *out.IdentityId != bob {
			t.Fatalf("merged guest answered %s, want %s", *out.IdentityId, bob)
		}
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &other})
		wantCode(t, err, "NotAuthorizedException", "forbidden")
		visible := result(s.ci.ListIdentities(ctx, &cid.ListIdentitiesInput{
			IdentityPoolId: &open, MaxResults: aws.Int32(60), HideDisabled: true,
		})).must(t)
		for _, d := range visible.Identities {
			if *d.IdentityId == other {
				t.Fatal("HideDisabled listed the merged identity")
			}
		}
		// Once the surviving identity is deleted, the merged one leads nowhere.
		result(s.ci.DeleteIdentities(ctx, &cid.DeleteIdentitiesInput{IdentityIdsToDelete: []string{bob}})).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &other, Logins: map[string]string{loginKey(up.poolID): tok},
		})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Guest access ends when the pool stops allowing it.
		third := result(s.getID(open, nil)).must(t)
		result(s.ci.UpdateIdentityPool(ctx, &cid.UpdateIdentityPoolInput{
			IdentityPoolId: &open, IdentityPoolName: aws.String("ids"), AllowUnauthenticatedIdentities: false,
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(awsKey(up.poolID)), ClientId: &up.clientID}},
			DeveloperProviderName:    aws.String("login.example.app"),
		})).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &third})
		wantCode(t, err, "NotAuthorizedException", "Unauthenticated access is not supported")
	})
}
