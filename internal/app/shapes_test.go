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
