package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAuthFlowBelongsToItsOperation: USER_PASSWORD_AUTH is InitiateAuth's
// flow and ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH) AdminInitiateAuth's;
// each operation refuses the other's with "Initiate Auth method not
// supported.", as Cognito does, even for a client that allows both.
func TestAuthFlowBelongsToItsOperation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "erin", "Correct-Horse-9")
		params := map[string]string{"USERNAME": "erin", "PASSWORD": "Correct-Horse-9"}

		_, err := s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params,
		})
		wantCode(t, err, "InvalidParameterException", "Initiate Auth method not supported.")
		for _, flow := range []types.AuthFlowType{types.AuthFlowTypeAdminUserPasswordAuth, types.AuthFlowTypeAdminNoSrpAuth} {
			_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: flow, AuthParameters: params,
			})
			wantCode(t, err, "InvalidParameterException", "Initiate Auth method not supported.")
		}

		// Each flow works through its own operation.
		s.signIn(clientID, "erin", "Correct-Horse-9")
		a := result(s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: params,
		})).must(t)
		if a.AuthenticationResult == nil {
			t.Fatal("ADMIN_USER_PASSWORD_AUTH gave no tokens")
		}
	})
}
