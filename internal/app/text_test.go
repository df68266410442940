package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestValuesWithNUL checks that a value storage cannot hold (a NUL
// character where the model sets no pattern: attribute values, group
// descriptions) is refused as InvalidParameterException, not an internal
// error, and that nothing is stored.
func TestValuesWithNUL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "alice", "Correct-Horse-9")
		access := *s.signIn(clientID, "alice", "Correct-Horse-9").AccessToken
		result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g")})).must(t)
		nul := "a\x00b"
		named := []types.AttributeType{attr("name", nul)}
		calls := map[string]func() error{
			"AdminCreateUser": func() error {
				_, err := s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("bob"),
					UserAttributes: named, MessageAction: types.MessageActionTypeSuppress})
				return err
			},
			"SignUp": func() error {
				_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("carol"),
					Password: aws.String("Correct-Horse-9"), UserAttributes: named})
				return err
			},
			"AdminUpdateUserAttributes": func() error {
				_, err := s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID,
					Username: aws.String("alice"), UserAttributes: named})
				return err
			},
			"UpdateUserAttributes": func() error {
				_, err := s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &access, UserAttributes: named})
				return err
			},
			"CreateGroup": func() error {
				_, err := s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("h"), Description: &nul})
				return err
			},
			"UpdateGroup": func() error {
				_, err := s.idp.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g"), Description: &nul})
				return err
			},
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) {
				wantCode(t, call(), "InvalidParameterException", "without NUL characters")
			})
		}
		users := result(s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID})).must(t)
		if len(users.Users) != 1 {
			t.Fatalf("%d users, want alice alone", len(users.Users))
		}
		if _, ok := attrValue(users.Users[0].Attributes, "name"); ok {
			t.Fatal("alice got a name")
		}
		groups := result(s.idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID})).must(t)
		if len(groups.Groups) != 1 || groups.Groups[0].Description != nil {
			t.Fatalf("groups changed: %+v", groups.Groups)
		}
	})
}
