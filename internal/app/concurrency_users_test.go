package app_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestConcurrentUserWrites races different writes to one user:
// AdminSetUserPassword, AdminUpdateUserAttributes,
// AdminSetUserMFAPreference and AdminDisableUser. All report success, so
// all must stick. (Each is a read-modify-write of the user; storage
// refuses a write of a user changed since it was read, and the operation
// is redone. Before that, a new password was lost in 5 of 6 rounds on
// PostgreSQL and AdminDisableUser undone in 4 of 6 on SQLite.)
func TestConcurrentUserWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		for round := range 4 {
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "u", "Correct-Horse-9")
			newPassword := fmt.Sprint("New-Horse-9-", round)
			wantNoFailure(t, "user writes", race(t, func(i int) error {
				var err error
				switch i % 4 {
				case 0:
					_, err = s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("u"),
						Password: &newPassword, Permanent: true})
				case 1:
					_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("u"),
						UserAttributes: []types.AttributeType{attr("name", "n")}})
				case 2:
					_, err = s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: aws.String("u")})
				case 3:
					_, err = s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String("u")})
				}
				return err
			}))
			u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("u")})).must(t)
			if v, _ := attrValue(u.UserAttributes, "name"); v != "n" {
				t.Errorf("round %d: attribute update lost", round)
			}
			if u.Enabled {
				t.Errorf("round %d: AdminDisableUser lost", round)
			}
			result(s.idp.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: &poolID, Username: aws.String("u")})).must(t)
			_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "u", "PASSWORD": newPassword}})
			if err != nil {
				t.Errorf("round %d: new password lost: %v", round, err)
			}
		}
	})
}
