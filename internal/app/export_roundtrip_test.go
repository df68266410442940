package app_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/secret"
)

// TestExportImportRoundTrip: a user pool exported from server A and
// imported into server B (its own data directory and master key) keeps
// every user signing in with the same password (USER_PASSWORD_AUTH and
// SRP) and the same TOTP authenticator, under the same sub and groups;
// the app client keeps its secret; tokens A issued verify against B's keys
// when the signing keys moved. A wrong export key opens nothing.
func TestExportImportRoundTrip(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			noEnv := func(string) string { return "" }
			cfgA := newConfig(t, b)
			a := start(t, cfgA)
			poolID := a.pool(nil)
			a.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, false)
			clientID, _ := a.appClient(poolID, false)
			secretClient, clientSecret := a.appClient(poolID, true)
			a.user(poolID, "mia", "Correct-Horse-9", attr("email", "mia@example.com"))
			result(a.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("admins")})).must(t)
			result(a.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(poolID),
				Username: aws.String("mia"), GroupName: aws.String("admins")})).must(t)
			result(a.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(poolID),
				ProviderName: aws.String("corp"), ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: oidcDetails(),
				AttributeMapping: map[string]string{"email": "email"}})).must(t)
			tokA := a.signIn(clientID, "mia", "Correct-Horse-9")
			subA := a.verifyJWT(poolID, *tokA.IdToken)["sub"].(string)
			// An identity pool that trusts the user pool, the user's
			// identity in it, and an IAM role.
			idA, keyA := a.app.RootCredentials()
			ciA := a.identityClient(idA, keyA)
			ipool := result(ciA.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{IdentityPoolName: aws.String("ids"),
				CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(awsKey(poolID)), ClientId: aws.String(clientID)}},
			})).must(t).IdentityPoolId
			identityA := *result(ciA.GetId(ctx, &cid.GetIdInput{IdentityPoolId: ipool,
				Logins: map[string]string{awsKey(poolID): *tokA.IdToken}})).must(t).IdentityId
			result(a.iamClient(false).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("moved"),
				AssumeRolePolicyDocument: aws.String(trustCognito)})).must(t)
			totpSecret := a.enrollTOTP(tokA.AccessToken, time.Now())
			result(a.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
				Username: aws.String("mia"), SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)
			if a.passwordInit(clientID, "mia", "Correct-Horse-9").ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
				t.Fatal("no MFA challenge on A")
			}
			a.stop()

			key := secret.RandomBytes(32)
			var file bytes.Buffer
			counts, err := app.Export(ctx, cfgA, noEnv, &file, app.ExportOptions{SigningKeys: true, Key: key})
			if err != nil {
				t.Fatal(err)
			}
			if counts["user"] != 1 || counts["client"] != 2 || counts["member"] != 1 || counts["signing-key"] == 0 {
				t.Fatalf("exported %v", counts)
			}
			if strings.Contains(file.String(), totpSecret) || strings.Contains(file.String(), clientSecret) {
				t.Fatal("the export holds a TOTP or client secret in the clear")
			}

			cfgB := newConfig(t, b)
			if _, err := app.Import(ctx, cfgB, noEnv, bytes.NewReader(file.Bytes()), secret.RandomBytes(32)); err == nil {
				t.Fatal("an import with the wrong key succeeded")
			}
			cfgB = newConfig(t, b)
			if _, err := app.Import(ctx, cfgB, noEnv, bytes.NewReader(file.Bytes()), key); err != nil {
				t.Fatal(err)
			}
			s := start(t, cfgB)
			// A's tokens verify against B's published keys.
			if got := s.verifyJWT(poolID, *tokA.IdToken)["sub"]; got != subA {
				t.Fatalf("A's ID token on B: sub %v", got)
			}
			desc := result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID),
				ClientId: aws.String(secretClient)})).must(t)
			if aws.ToString(desc.UserPoolClient.ClientSecret) != clientSecret {
				t.Fatal("the client secret changed")
			}
			idpB := result(s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: aws.String(poolID),
				ProviderName: aws.String("corp")})).must(t).IdentityProvider
			if idpB.ProviderDetails["client_secret"] != "idp-secret" {
				t.Fatalf("the identity provider's secret on B: %q", idpB.ProviderDetails["client_secret"])
			}
			// The same password, then the same authenticator (a code of
			// the next step: A accepted the current one).
			init := s.passwordInit(clientID, "mia", "Correct-Horse-9")
			if init.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
				t.Fatalf("sign-in on B: challenge %q, want SOFTWARE_TOKEN_MFA", init.ChallengeName)
			}
			out := result(s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
				ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: init.Session,
				ChallengeResponses: map[string]string{"USERNAME": "mia", "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, totpSecret, time.Now().Add(30*time.Second))},
			})).must(t)
			claims := s.verifyJWT(poolID, *out.AuthenticationResult.IdToken)
			if claims["sub"] != subA || !strings.Contains(strings.Join(toStrings(claims["cognito:groups"]), ","), "admins") {
				t.Fatalf("B's token: sub %v (want %s), groups %v", claims["sub"], subA, claims["cognito:groups"])
			}
			// The same identity for the same user, and the IAM role.
			idB, keyB := s.app.RootCredentials()
			identityB := *result(s.identityClient(idB, keyB).GetId(ctx, &cid.GetIdInput{IdentityPoolId: ipool,
				Logins: map[string]string{awsKey(poolID): *out.AuthenticationResult.IdToken}})).must(t).IdentityId
			if identityB != identityA {
				t.Fatalf("identity on B %s, on A %s", identityB, identityA)
			}
			result(s.iamClient(false).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("moved")})).must(t)
			// SRP: the verifier moved too (the answer is the MFA challenge).
			srp, err := s.srpSignIn(poolID, clientID, "mia", "Correct-Horse-9", nil)
			if err != nil || srp.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
				t.Fatalf("SRP on B: %v %v", err, srp)
			}
		})
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestImportWithoutSigningKeys: a pool exported without its signing keys
// gets new ones on import, so its users sign in there (A's tokens do not
// verify on B, as the export documents).
func TestImportWithoutSigningKeys(t *testing.T) {
	noEnv := func(string) string { return "" }
	cfgA := newConfig(t, "sqlite")
	a := start(t, cfgA)
	poolID := a.pool(nil)
	clientID, _ := a.appClient(poolID, false)
	a.user(poolID, "noah", "Correct-Horse-9")
	tokA := a.signIn(clientID, "noah", "Correct-Horse-9")
	a.stop()

	key := secret.RandomBytes(32)
	var file bytes.Buffer
	counts, err := app.Export(ctx, cfgA, noEnv, &file, app.ExportOptions{Key: key})
	if err != nil || counts["signing-key"] != 0 {
		t.Fatalf("export without signing keys: %v %v", counts, err)
	}
	cfgB := newConfig(t, "sqlite")
	if _, err := app.Import(ctx, cfgB, noEnv, bytes.NewReader(file.Bytes()), key); err != nil {
		t.Fatal(err)
	}
	s := start(t, cfgB)
	tokB := s.signIn(clientID, "noah", "Correct-Horse-9")
	if s.verifyJWT(poolID, *tokB.IdToken)["cognito:username"] != "noah" {
		t.Fatal("B's token does not name the user")
	}
	if _, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tokA.AccessToken}); err == nil {
		t.Fatal("A's access token works on B without A's keys")
	}
}
