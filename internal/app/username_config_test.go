package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestUpdateUsernameConfiguration: CognateAdmin.UpdateUsernameConfiguration
// makes an existing pool's usernames case-insensitive (refusing, naming
// them, while two users' names differ only in case) and case-sensitive
// again; users keep signing in with their passwords, by USER_PASSWORD_AUTH
// and SRP, and each change is audited.
func TestUpdateUsernameConfiguration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
		clientID, _ := s.appClient(poolID, false)
		const pw = "Correct-Horse-9"
		s.user(poolID, "Ann", pw, attr("email", "Ann@Example.com"), attr("email_verified", "true"))
		s.user(poolID, "bob", pw)
		s.user(poolID, "Bob", pw)
		update := func(caseSensitive bool) (map[string]any, error) {
			var out map[string]any
			err := s.admin("UpdateUsernameConfiguration", map[string]any{"UserPoolId": poolID, "CaseSensitive": caseSensitive}, &out)
			return out, err
		}
		found := func(name string) bool {
			_, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
			if err != nil {
				wantCode(t, err, "UserNotFoundException", "")
			}
			return err == nil
		}
		if found("ann") || !found("Ann") {
			t.Fatal("a case-sensitive pool finds ann, or not Ann")
		}

		// Two users whose names differ only in case: refused, both named.
		_, err := update(false)
		wantCode(t, err, "InvalidParameterException", "Bob, bob (username)")
		if found("ann") {
			t.Fatal("a refused change changed the pool")
		}
		result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("Bob")})).must(t)

		// Case-insensitive: every spelling finds the user, by name and alias.
		out := result(update(false)).must(t)
		if out["CaseSensitive"] != false || out["UsersRekeyed"] != float64(2) || out["UserPoolId"] != poolID {
			t.Fatalf("UpdateUsernameConfiguration %v", out)
		}
		for _, name := range []string{"ann", "ANN", "Ann", "ann@example.com", "BOB"} {
			if !found(name) {
				t.Fatalf("%s not found in a case-insensitive pool", name)
			}
		}
		s.signIn(clientID, "aNN", pw)
		result(s.srpSignIn(poolID, clientID, "ann", pw, nil)).must(t)
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
		if d.UsernameConfiguration == nil || aws.ToBool(d.UsernameConfiguration.CaseSensitive) {
			t.Fatalf("DescribeUserPool UsernameConfiguration %+v", d.UsernameConfiguration)
		}
		// A new user cannot take a name in another case.
		_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ANN"),
			MessageAction: types.MessageActionTypeSuppress})
		wantCode(t, err, "UsernameExistsException", "")

		// And back: only the exact name finds the user; passwords and SRP still work.
		out = result(update(true)).must(t)
		if out["CaseSensitive"] != true || out["UsersRekeyed"] != float64(2) {
			t.Fatalf("UpdateUsernameConfiguration %v", out)
		}
		if found("ann") || !found("Ann") || found("ann@example.com") || !found("Ann@Example.com") {
			t.Fatal("a case-sensitive pool again finds other spellings")
		}
		s.signIn(clientID, "Ann", pw)
		result(s.srpSignIn(poolID, clientID, "Ann", pw, nil)).must(t)
		result(s.srpSignIn(poolID, clientID, "bob", pw, nil)).must(t)
		// The same setting again changes no user.
		if out := result(update(true)).must(t); out["UsersRekeyed"] != float64(0) {
			t.Fatalf("a change to the same setting: %v", out)
		}

		// Audited.
		var events struct{ Events []map[string]any }
		result(0, s.admin("ListAuditEvents", map[string]any{"UserPoolId": poolID}, &events)).must(t)
		var changes []string
		for _, e := range events.Events {
			if e["EventType"] == "UsernameConfigurationUpdated" {
				details, _ := e["Details"].(map[string]any)
				changes = append(changes, details["CaseSensitive"].(string)+"/"+details["UsersRekeyed"].(string))
			}
		}
		if len(changes) != 3 || changes[0] != "true/0" || changes[1] != "true/2" || changes[2] != "false/2" {
			t.Fatalf("audited changes (newest first) %v", changes)
		}

		// A pool made case-insensitive: its users' SRP verifiers bound to
		// the lower-cased name are left behind when the names become exact.
		other := s.pool(&cip.CreateUserPoolInput{UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}})
		otherClient, _ := s.appClient(other, false)
		s.user(other, "Cy", pw)
		result(s.srpSignIn(other, otherClient, "cy", pw, nil)).must(t)
		result(0, s.admin("UpdateUsernameConfiguration", map[string]any{"UserPoolId": other, "CaseSensitive": true}, nil)).must(t)
		result(s.srpSignIn(other, otherClient, "Cy", pw, nil)).must(t)
		s.signIn(otherClient, "Cy", pw) // gives Cy both verifiers again
		result(s.srpSignIn(other, otherClient, "Cy", pw, nil)).must(t)

		// Bad input.
		wantCode(t, s.admin("UpdateUsernameConfiguration", map[string]any{"UserPoolId": "us-east-1_nope", "CaseSensitive": true}, nil),
			"ResourceNotFoundException", "")
		wantCode(t, s.admin("UpdateUsernameConfiguration", map[string]any{"UserPoolId": poolID}, nil), "ValidationException", "")
	})
}
