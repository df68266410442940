package awsproto

import (
	"encoding/json"
	"testing"

	"github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// fuzzTargets are operations whose generated input type the fuzzer decodes
// after validation: whatever the validator accepts must decode.
var fuzzTargets = map[string]func() any{
	"GetUser":                func() any { return new(cognitoidp.GetUserRequest) },
	"InitiateAuth":           func() any { return new(cognitoidp.InitiateAuthRequest) },
	"RespondToAuthChallenge": func() any { return new(cognitoidp.RespondToAuthChallengeRequest) },
	"AdminCreateUser":        func() any { return new(cognitoidp.AdminCreateUserRequest) },
	"CreateUserPool":         func() any { return new(cognitoidp.CreateUserPoolRequest) },
	"ListUserPools":          func() any { return new(cognitoidp.ListUserPoolsRequest) },
}

func FuzzValidate(f *testing.F) {
	m := cognitoModel(f)
	seeds := []struct{ op, body string }{
		{"GetUser", `{"AccessToken":"abc"}`},
		{"InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"a","SRP_A":"ff"}}`},
		{"AdminCreateUser", `{"UserPoolId":"us-east-1_a","Username":"b","UserAttributes":[{"Name":"email","Value":"x\u00e9"}],"DesiredDeliveryMediums":["EMAIL"]}`},
		{"CreateUserPool", `{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":8,"RequireNumbers":true}},"UserPoolTags":{"k":"v"}}`},
		{"ListUserPools", `{"MaxResults":10,"NextToken":"x"}`},
		{"RespondToAuthChallenge", `{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"c","ChallengeResponses":{"TIMESTAMP":"x"},"ClientMetadata":null}`},
		{"GetUser", `{"accesstoken":"x","AccessToken":"y"}`},
		{"CreateUserPool", `{"PoolName":"p","LambdaConfig":{"CustomSMSSender":{"LambdaArn":"arn:aws:lambda:x:1:y","LambdaVersion":"V1_0"}}}`},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		clean, err := m.validate(op, body)
		if err != nil {
			if err.Type == "" || err.Message == "" && err.Type != TypeUnknownOperation {
				t.Fatalf("error without type or message: %#v", err)
			}
			return
		}
		if !json.Valid(clean) {
			t.Fatalf("validator accepted invalid JSON %q", clean)
		}
		if mk, ok := fuzzTargets[op]; ok {
			if err := json.Unmarshal(clean, mk()); err != nil {
				t.Fatalf("validated body %q does not decode: %v", clean, err)
			}
		}
	})
}
