package app_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func TestLinkAndUnlinkLogins(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		a, b := s.userPool(), s.userPool()
		poolID := s.identityPool(false, a, b)
		tokA := s.idToken(a, "dora")
		tokB := s.idToken(b, "dora-b")
		id := result(s.getID(poolID, map[string]string{loginKey(a.poolID): tokA})).must(t)

		// A known login plus a new one: the new one is linked.
		out := result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(a.poolID): tokA, awsKey(b.poolID): tokB},
		})).must(t)
		if *out.IdentityId != id {
			t.Fatalf("identity %s, want %s", *out.IdentityId, id)
		}
		if got := result(s.getID(poolID, map[string]string{loginKey(b.poolID): tokB})).must(t); got != id {
			t.Fatalf("linked login resolves to %s, want %s", got, id)
		}
		d := result(s.ci.DescribeIdentity(ctx, &cid.DescribeIdentityInput{IdentityId: &id})).must(t)
		if !slices.Equal(d.Logins, []string{awsKey(a.poolID), awsKey(b.poolID)}) && !slices.Equal(d.Logins, []string{awsKey(b.poolID), awsKey(a.poolID)}) {
			t.Fatalf("logins %v", d.Logins)
		}
		// A login alone cannot open an identity it does not belong to, and
		// a second user of the same provider cannot be linked to it.
		other := s.idToken(a, "eve")
		_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(a.poolID): other},
		})
		wantCode(t, err, "NotAuthorizedException", "forbidden")
		_, err = s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
			IdentityId: &id, Logins: map[string]string{loginKey(b.poolID): tokB, loginKey(a.poolID): other},
		})
		wantCode(t, err, "ResourceConflictException", "")

		// Unlink b: its next sign-in gets an identity of its own.
		result(s.ci.UnlinkIdentity(ctx, &cid.UnlinkIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(a.poolID): tokA}, LoginsToRemove: []string{loginKey(b.poolID)},
		})).must(t)
		fresh := result(s.getID(poolID, map[string]string{loginKey(b.poolID): tokB})).must(t)
		if fresh == id {
			t.Fatal("unlinked login still resolves to the old identity")
		}
		// Unlinking needs a valid login of the identity.
		_, err = s.ci.UnlinkIdentity(ctx, &cid.UnlinkIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(b.poolID): tokB}, LoginsToRemove: []string{awsKey(a.poolID)},
		})
		wantCode(t, err, "NotAuthorizedException", "forbidden")
		// Removing the last login leaves the identity inaccessible, not a guest.
		result(s.ci.UnlinkIdentity(ctx, &cid.UnlinkIdentityInput{
			IdentityId: &id, Logins: map[string]string{loginKey(a.poolID): tokA}, LoginsToRemove: []string{awsKey(a.poolID)},
		})).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &id})
		wantCode(t, err, "NotAuthorizedException", "")
	})
}

// verifyOpenID checks a Cognate OpenID token against the published JWKS
// and discovery document, as STS or a resource server would.
func (s *idServer) verifyOpenID(t *testing.T, tok string) map[string]any {
	t.Helper()
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, s.server, s.http.URL+"/cognito-identity/.well-known/openid-configuration", &disc)
	if disc.Issuer != testPublicURL+"/cognito-identity" || disc.JWKSURI != disc.Issuer+"/.well-known/jwks.json" {
		t.Fatalf("discovery %+v", disc)
	}
	var set jose.JSONWebKeySet
	getJSON(t, s.server, s.http.URL+"/cognito-identity/.well-known/jwks.json", &set)
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{}
	if err := parsed.Claims(set, &claims); err != nil {
		t.Fatalf("verify against JWKS: %v", err)
	}
	if claims["iss"] != disc.Issuer {
		t.Fatalf("iss %v", claims["iss"])
	}
	return claims
}

func getJSON(t *testing.T, s *server, url string, out any) {
	t.Helper()
	resp, err := s.http.Client().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func amrOf(c map[string]any) []string {
	var out []string
	for _, v := range c["amr"].([]any) {
		out = append(out, v.(string))
	}
	return out
}

func TestOpenIdTokens(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		poolID := s.identityPool(true, up)
		tok := s.idToken(up, "fay")
		id := result(s.getID(poolID, map[string]string{loginKey(up.poolID): tok})).must(t)
		out := result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
			IdentityId: &id, Logins: map[string]string{loginKey(up.poolID): tok},
		})).must(t)
		c := s.verifyOpenID(t, *out.Token)
		if c["sub"] != id || c["aud"] != poolID || amrOf(c)[0] != "authenticated" || amrOf(c)[1] != awsKey(up.poolID) {
			t.Fatalf("claims %v", c)
		}
		if ttl := c["exp"].(float64) - c["iat"].(float64); ttl != 600 {
			t.Fatalf("lifetime %v s, want 600", ttl)
		}
		guest := result(s.getID(poolID, nil)).must(t)
		g := s.verifyOpenID(t, *result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})).must(t).Token)
		if !slices.Equal(amrOf(g), []string{"unauthenticated"}) || g["sub"] != guest {
			t.Fatalf("guest claims %v", g)
		}

		// AllowClassicFlow=false turns the basic flow off.
		result(s.ci.UpdateIdentityPool(ctx, &cid.UpdateIdentityPoolInput{
			IdentityPoolId: &poolID, IdentityPoolName: aws.String("ids"), AllowUnauthenticatedIdentities: true,
			AllowClassicFlow:         aws.Bool(false),
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(awsKey(up.poolID)), ClientId: &up.clientID}},
			DeveloperProviderName:    aws.String("login.example.app"),
		})).must(t)
		_, err := s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})
		wantCode(t, err, "InvalidParameterException", "Basic (classic) flow is not enabled, please use enhanced flow.")
	})
}

func TestDeveloperIdentities(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		poolID := s.identityPool(false)
		dev := func(user string, id *string, duration int64) *cid.GetOpenIdTokenForDeveloperIdentityOutput {
			t.Helper()
			in := &cid.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: &poolID, IdentityId: id, Logins: map[string]string{"login.example.app": user},
				PrincipalTags: map[string]string{"plan": "gold"},
			}
			if duration > 0 {
				in.TokenDuration = aws.Int64(duration)
			}
			return result(s.ci.GetOpenIdTokenForDeveloperIdentity(ctx, in)).must(t)
		}
		first := dev("user-1", nil, 3600)
		id := *first.IdentityId
		c := s.verifyOpenID(t, *first.Token)
		if c["sub"] != id || c["aud"] != poolID || c["exp"].(float64)-c["iat"].(float64) != 3600 ||
			!slices.Contains(amrOf(c), "login.example.app") {
			t.Fatalf("claims %v", c)
		}
		if again := dev("user-1", nil, 0); *again.IdentityId != id {
			t.Fatalf("same developer user: %s, want %s", *again.IdentityId, id)
		}

		// The OpenID token opens the identity for credentials, with its tags.
		out := result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{"cognito-identity.amazonaws.com": *first.Token},
		})).must(t)
		if *out.IdentityId != id || s.issuer.last(t).RoleARN != authRole || s.issuer.last(t).PrincipalTags["plan"] != "gold" {
			t.Fatalf("developer credentials %+v", s.issuer.last(t))
		}
		// ... but only that identity.
		otherID := *dev("user-2", nil, 0).IdentityId
		_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &otherID, Logins: map[string]string{"cognito-identity.amazonaws.com": *first.Token},
		})
		wantCode(t, err, "NotAuthorizedException", "forbidden")
		// A developer user identifier is not a token an unsigned call can use.
		_, err = s.getID(poolID, map[string]string{"login.example.app": "user-1"})
		wantCode(t, err, "NotAuthorizedException", "")

		look := result(s.ci.LookupDeveloperIdentity(ctx, &cid.LookupDeveloperIdentityInput{
			IdentityPoolId: &poolID, DeveloperUserIdentifier: aws.String("user-1"), MaxResults: aws.Int32(10),
		})).must(t)
		if *look.IdentityId != id || !slices.Equal(look.DeveloperUserIdentifierList, []string{"user-1"}) {
			t.Fatalf("lookup %+v", look)
		}
		_, err = s.ci.GetOpenIdTokenForDeveloperIdentity(ctx, &cid.GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: &poolID, IdentityId: &otherID, Logins: map[string]string{"login.example.app": "user-1"},
		})
		wantCode(t, err, "DeveloperUserAlreadyRegisteredException", "")

		merged := result(s.ci.MergeDeveloperIdentities(ctx, &cid.MergeDeveloperIdentitiesInput{
			IdentityPoolId: &poolID, DeveloperProviderName: aws.String("login.example.app"),
			SourceUserIdentifier: aws.String("user-2"), DestinationUserIdentifier: aws.String("user-1"),
		})).must(t)
		if *merged.IdentityId != id {
			t.Fatalf("merge returned %s, want %s", *merged.IdentityId, id)
		}
		look = result(s.ci.LookupDeveloperIdentity(ctx, &cid.LookupDeveloperIdentityInput{
			IdentityPoolId: &poolID, IdentityId: &id, MaxResults: aws.Int32(10),
		})).must(t)
		if !slices.Equal(look.DeveloperUserIdentifierList, []string{"user-1", "user-2"}) {
			t.Fatalf("after merge %v", look.DeveloperUserIdentifierList)
		}

		result(s.ci.UnlinkDeveloperIdentity(ctx, &cid.UnlinkDeveloperIdentityInput{
			IdentityPoolId: &poolID, IdentityId: &id, DeveloperProviderName: aws.String("login.example.app"),
			DeveloperUserIdentifier: aws.String("user-2"),
		})).must(t)
		_, err = s.ci.LookupDeveloperIdentity(ctx, &cid.LookupDeveloperIdentityInput{
			IdentityPoolId: &poolID, DeveloperUserIdentifier: aws.String("user-2"), MaxResults: aws.Int32(10),
		})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

func TestRoleMappings(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool(types.SchemaAttributeType{Name: aws.String("dept"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)})
		poolID := s.identityPool(false, up)
		s.user(up.poolID, "sam", "Correct-Horse-9", attr("custom:dept", "sales-emea"))
		s.user(up.poolID, "ian", "Correct-Horse-9", attr("custom:dept", "it"))
		creds := func(user, custom string) (string, error) {
			tok := s.idToken(up, user)
			id, err := s.getID(poolID, map[string]string{loginKey(up.poolID): tok})
			if err != nil {
				return "", err
			}
			in := &cid.GetCredentialsForIdentityInput{IdentityId: &id, Logins: map[string]string{loginKey(up.poolID): tok}}
			if custom != "" {
				in.CustomRoleArn = &custom
			}
			if _, err := s.ci.GetCredentialsForIdentity(ctx, in); err != nil {
				return "", err
			}
			return s.issuer.last(t).RoleARN, nil
		}
		setMapping := func(m citypes.RoleMapping) {
			t.Helper()
			result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
				IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": authRole},
				RoleMappings: map[string]citypes.RoleMapping{loginKey(up.poolID) + ":" + up.clientID: m},
			})).must(t)
		}
		role := func(name string) string { return "arn:aws:iam::000000000000:role/" + name }
		rule := func(claim string, match citypes.MappingRuleMatchType, value, r string) citypes.MappingRule {
			return citypes.MappingRule{Claim: aws.String(claim), MatchType: match, Value: aws.String(value), RoleARN: aws.String(role(r))}
		}

		setMapping(citypes.RoleMapping{
			Type: citypes.RoleMappingTypeRules, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeAuthenticatedRole,
			RulesConfiguration: &citypes.RulesConfigurationType{Rules: []citypes.MappingRule{
				rule("custom:dept", citypes.MappingRuleMatchTypeEquals, "sales", "exact"),
				rule("custom:dept", citypes.MappingRuleMatchTypeStartsWith, "sales", "sales"),
				rule("custom:dept", citypes.MappingRuleMatchTypeContains, "emea", "emea"),
				rule("custom:dept", citypes.MappingRuleMatchTypeNotEqual, "it", "not-it"),
			}},
		})
		for _, c := range []struct{ user, custom, want string }{
			{"sam", "", role("sales")},          // first matching rule
			{"sam", role("emea"), role("emea")}, // CustomRoleArn picks another matching rule
			{"ian", "", authRole},               // no rule matches: AuthenticatedRole
		} {
			if got := result(creds(c.user, c.custom)).must(t); got != c.want {
				t.Errorf("%s (custom %q): role %s, want %s", c.user, c.custom, got, c.want)
			}
		}
		_, err := creds("sam", role("exact"))
		wantCode(t, err, "NotAuthorizedException", "CustomRoleArn")

		setMapping(citypes.RoleMapping{
			Type: citypes.RoleMappingTypeRules, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny,
			RulesConfiguration: &citypes.RulesConfigurationType{Rules: []citypes.MappingRule{
				rule("custom:dept", citypes.MappingRuleMatchTypeEquals, "hr", "hr"),
			}},
		})
		_, err = creds("ian", "")
		wantCode(t, err, "NotAuthorizedException", "The ambiguous role mapping rules for: cognito-idp.us-east-1.amazonaws.com/")

		// Token: the ID token carries no cognito:roles here, so the
		// resolution setting decides.
		setMapping(citypes.RoleMapping{Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeAuthenticatedRole})
		if got := result(creds("sam", "")).must(t); got != authRole {
			t.Fatalf("token mapping: %s", got)
		}
		_, err = creds("sam", role("sales"))
		wantCode(t, err, "NotAuthorizedException", "CustomRoleArn")
		setMapping(citypes.RoleMapping{Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny})
		_, err = creds("sam", "")
		wantCode(t, err, "NotAuthorizedException", "The ambiguous role mapping rules for: cognito-idp.us-east-1.amazonaws.com/")

		// No role at all: InvalidIdentityPoolConfigurationException.
		result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: &poolID, Roles: map[string]string{}})).must(t)
		_, err = creds("sam", "")
		wantCode(t, err, "InvalidIdentityPoolConfigurationException", "")
	})
}

func TestServerSideTokenCheck(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		create := func(check bool) string {
			out := result(s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
				IdentityPoolName: aws.String("sstc"),
				CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
					ProviderName: aws.String(awsKey(up.poolID)), ClientId: &up.clientID, ServerSideTokenCheck: aws.Bool(check),
				}},
			})).must(t)
			result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
				IdentityPoolId: out.IdentityPoolId, Roles: map[string]string{"authenticated": authRole},
			})).must(t)
			return *out.IdentityPoolId
		}
		checked, unchecked := create(true), create(false)
		s.user(up.poolID, "gus", "Correct-Horse-9")
		res := s.signIn(up.clientID, "gus", "Correct-Horse-9")
		logins := map[string]string{loginKey(up.poolID): *res.IdToken}
		ids := map[string]string{}
		for _, p := range []string{checked, unchecked} {
			ids[p] = result(s.getID(p, logins)).must(t)
			result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: aws.String(ids[p]), Logins: logins})).must(t)
		}

		result(s.idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: res.AccessToken})).must(t)
		_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: aws.String(ids[checked]), Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "signed out")
		_, err = s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: aws.String(ids[checked]), Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "signed out")
		_, err = s.getID(checked, logins)
		wantCode(t, err, "NotAuthorizedException", "signed out")
		// Without the check, the ID token is good until it expires.
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: aws.String(ids[unchecked]), Logins: logins})).must(t)

		// Signing in again gives a new session that passes.
		fresh := map[string]string{loginKey(up.poolID): *s.signIn(up.clientID, "gus", "Correct-Horse-9").IdToken}
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: aws.String(ids[checked]), Logins: fresh})).must(t)
	})
}

func TestExternalOIDCLogins(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		out := result(s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
			IdentityPoolName: aws.String("oidc"), OpenIdConnectProviderARNs: []string{"arn:aws:iam::000000000000:oidc-provider/login.partner.example"},
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(awsKey(up.poolID)), ClientId: &up.clientID}},
		})).must(t)
		poolID := *out.IdentityPoolId
		result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
			IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": authRole},
			RoleMappings: map[string]citypes.RoleMapping{"login.partner.example": {
				Type: citypes.RoleMappingTypeRules, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeAuthenticatedRole,
				RulesConfiguration: &citypes.RulesConfigurationType{Rules: []citypes.MappingRule{{
					Claim: aws.String("tier"), MatchType: citypes.MappingRuleMatchTypeEquals, Value: aws.String("gold"),
					RoleARN: aws.String("arn:aws:iam::000000000000:role/gold"),
				}}},
			}},
		})).must(t)
		logins := map[string]string{"login.partner.example": "valid:p-1"}
		id := result(s.getID(poolID, logins)).must(t)
		if again := result(s.getID(poolID, logins)).must(t); again != id {
			t.Fatalf("same OIDC subject: %s, want %s", again, id)
		}
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &id, Logins: logins})).must(t)
		if r := s.issuer.last(t); r.RoleARN != "arn:aws:iam::000000000000:role/gold" || r.UserSub != "" ||
			!slices.Contains(r.AMR, "login.partner.example:p-1") {
			t.Fatalf("OIDC credentials %+v", r)
		}
		// Linking a user-pool login to the OIDC identity names the user.
		tok := s.idToken(up, "kim")
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id, Logins: map[string]string{"login.partner.example": "valid:p-1", loginKey(up.poolID): tok},
		})).must(t)
		if got := result(s.getID(poolID, map[string]string{loginKey(up.poolID): tok})).must(t); got != id {
			t.Fatalf("linked user-pool login resolves to %s, want %s", got, id)
		}
		if r := s.issuer.last(t); r.Username != "kim" || r.UserPoolID != up.poolID {
			t.Fatalf("link not named in credentials: %+v", r)
		}

		_, err := s.getID(poolID, map[string]string{"login.partner.example": "forged"})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token. signature does not verify")
		_, err = s.getID(poolID, map[string]string{"login.partner.example": "down"})
		wantCode(t, err, "ExternalServiceException", "")
		_, err = s.getID(poolID, map[string]string{"login.other.example": "valid:p-1"})
		wantCode(t, err, "NotAuthorizedException", "Token is not from a supported provider")
	})
}

func TestConcurrentFirstSignIn(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		poolID := s.identityPool(false, up)
		tok := s.idToken(up, "lee")
		const n = 8
		ids := make(chan string, n)
		errs := make(chan error, n)
		for range n {
			go func() {
				id, err := s.getID(poolID, map[string]string{loginKey(up.poolID): tok})
				ids <- id
				errs <- err
			}()
		}
		seen := map[string]bool{}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			seen[<-ids] = true
		}
		if len(seen) != 1 {
			t.Fatalf("one login resolved to %d identities: %v", len(seen), seen)
		}
		list := result(s.ci.ListIdentities(ctx, &cid.ListIdentitiesInput{IdentityPoolId: &poolID, MaxResults: aws.Int32(60)})).must(t)
		if len(list.Identities) != 1 {
			t.Fatalf("%d identities stored, want 1", len(list.Identities))
		}
	})
}
