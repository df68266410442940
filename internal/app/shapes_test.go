package app_test

import "testing"

// TestDescribeUserPoolSendsAttributeUpdateSettings: DescribeUserPool sends
// UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate as
// [] when no attribute waits for verification, as Cognito does (the AWS
// CLI's describe-user-pool example shows it), so boto3 callers can index it.
func TestDescribeUserPoolSendsAttributeUpdateSettings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		for _, target := range []string{"DescribeUserPool"} {
			out := s.signedJSON("AWSCognitoIdentityProviderService."+target, `{"UserPoolId":"`+poolID+`"}`)
			pool, _ := out["UserPool"].(map[string]any)
			us, _ := pool["UserAttributeUpdateSettings"].(map[string]any)
			if v, ok := us["AttributesRequireVerificationBeforeUpdate"].([]any); !ok || len(v) != 0 {
				t.Fatalf("%s: UserAttributeUpdateSettings = %#v, want {AttributesRequireVerificationBeforeUpdate: []}", target, pool["UserAttributeUpdateSettings"])
			}
		}
	})
}

// TestSignInSendsChallengeParameters: a sign-in that ends with tokens still
// sends ChallengeParameters, as {}, as Cognito does (boto3 callers index
// resp["ChallengeParameters"]).
func TestSignInSendsChallengeParameters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "ivy", "Correct-Horse-9")
		for _, tt := range []struct{ target, body string }{
			{"InitiateAuth", `{"ClientId":"` + clientID + `","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"ivy","PASSWORD":"Correct-Horse-9"}}`},
			{"AdminInitiateAuth", `{"UserPoolId":"` + poolID + `","ClientId":"` + clientID + `","AuthFlow":"ADMIN_USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"ivy","PASSWORD":"Correct-Horse-9"}}`},
		} {
			out := s.signedJSON("AWSCognitoIdentityProviderService."+tt.target, tt.body)
			if v, ok := out["ChallengeParameters"].(map[string]any); !ok || len(v) != 0 {
				t.Fatalf("%s: ChallengeParameters = %#v, want {}", tt.target, out["ChallengeParameters"])
			}
			if _, ok := out["AuthenticationResult"]; !ok {
				t.Fatalf("%s: no AuthenticationResult: %v", tt.target, out)
			}
		}
	})
}
