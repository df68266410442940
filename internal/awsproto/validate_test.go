package awsproto

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

const accessToken = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIwZjFlIiwiaXNzIjoiaHR0cHM6Ly9jb2duaXRvLWlkcC51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS91cy1lYXN0LTFfYWJjIiwiY2xpZW50X2lkIjoiYWJjIiwidG9rZW5fdXNlIjoiYWNjZXNzIiwic2NvcGUiOiJhd3MuY29nbml0by5zaWduaW4udXNlci5hZG1pbiIsImF1dGhfdGltZSI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjEyMyIsInVzZXJuYW1lIjoiYWxpY2UifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"

func TestValidate(t *testing.T) {
	m := cognitoModel(t)
	tests := []struct {
		name, op, body string
		wantType       string // "" for valid
		wantMsg        string
	}{
		{"valid GetUser", "GetUser", `{"AccessToken":"` + accessToken + `"}`, "", ""},
		{"empty body is {}", "ListUserPools", ``, TypeInvalidParameter,
			"1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null"},
		{"missing required", "DescribeUserPool", `{}`, TypeInvalidParameter,
			"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"null is absent", "DescribeUserPool", `{"UserPoolId":null}`, TypeInvalidParameter,
			"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"pattern", "DescribeUserPool", `{"UserPoolId":"nounderscore"}`, TypeInvalidParameter,
			"1 validation error detected: Value 'nounderscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"},
		{"length and pattern", "DescribeUserPool", `{"UserPoolId":""}`, TypeInvalidParameter,
			"2 validation errors detected: Value '' at 'userPoolId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"},
		{"max length", "DescribeUserPool", `{"UserPoolId":"us-east-1_` + strings.Repeat("a", 50) + `"}`, TypeInvalidParameter,
			"Member must have length less than or equal to 55"},
		{"enum", "InitiateAuth", `{"AuthFlow":"BOGUS","ClientId":"abc"}`, TypeInvalidParameter,
			"1 validation error detected: Value 'BOGUS' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"},
		{"sensitive value not echoed", "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"bad client!"}`, TypeInvalidParameter,
			"1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+"},
		{"two missing", "AdminGetUser", `{}`, TypeInvalidParameter,
			"2 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; Value null at 'username' failed to satisfy constraint: Member must not be null"},
		{"nested list path", "AdminCreateUser", `{"UserPoolId":"us-east-1_abc","Username":"bob","UserAttributes":[{"Name":"email","Value":"b@x"},{"Value":"x"}]}`, TypeInvalidParameter,
			"1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null"},
		{"integer range", "ListUserPools", `{"MaxResults":0}`, TypeInvalidParameter,
			"1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"integer max", "ListUserPools", `{"MaxResults":61}`, TypeInvalidParameter,
			"Member must have value less than or equal to 60"},
		{"list length", "AdminCreateUser", `{"UserPoolId":"us-east-1_abc","Username":"bob","DesiredDeliveryMediums":["EMAIL","SMS","EMAIL"]}`, "", ""},
		{"map of sensitive values", "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"a","PASSWORD":"p"}}`, "", ""},
		{"unknown members ignored", "DescribeUserPool", `{"UserPoolId":"us-east-1_abc","Extra":{"deep":[1,2,{"x":null}]}}`, "", ""},
		{"string for number", "ListUserPools", `{"MaxResults":"10"}`, TypeSerialization, "STRING_VALUE cannot be converted to Integer"},
		{"number for string", "DescribeUserPool", `{"UserPoolId":5}`, TypeSerialization, "NUMBER_VALUE cannot be converted to String"},
		{"object for string", "DescribeUserPool", `{"UserPoolId":{}}`, TypeSerialization, "Start of structure or map found where not expected."},
		{"fraction for integer", "ListUserPools", `{"MaxResults":1.5}`, TypeSerialization, "cannot be converted to Integer"},
		{"int32 overflow", "ListUserPools", `{"MaxResults":2147483648}`, TypeSerialization, "out of range"},
		{"top-level array", "ListUserPools", `[]`, TypeSerialization, "Start of list found where not expected."},
		{"malformed", "DescribeUserPool", `{"UserPoolId":"a_b"`, TypeSerialization, "Malformed JSON"},
		{"trailing data", "DescribeUserPool", `{"UserPoolId":"a_b"} x`, TypeSerialization, "Malformed JSON"},
		{"bad escape", "DescribeUserPool", `{"UserPoolId":"a\q"}`, TypeSerialization, "Malformed JSON"},
		{"escaped key matches", "DescribeUserPool", `{"\u0055serPoolId":"a_b"}`, "", ""},
		{"invalid utf8", "DescribeUserPool", "{\"UserPoolId\":\"a_\xff\"}", TypeSerialization, "UTF-8"},
		{"deep nesting", "DescribeUserPool", `{"UserPoolId":"a_b","X":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`, TypeSerialization, "too deep"},
		{"unknown op", "NoSuchOp", `{}`, TypeUnknownOperation, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Validate(tt.op, []byte(tt.body))
			if tt.wantType == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("Validate = %v, want *Error %s", err, tt.wantType)
			}
			if ae.Type != tt.wantType || !strings.Contains(ae.Message, tt.wantMsg) {
				t.Errorf("Validate =\n  %s: %s\nwant\n  %s: %s", ae.Type, ae.Message, tt.wantType, tt.wantMsg)
			}
		})
	}
}

// TestValidateBlanksFoldedKeys checks that a key differing from a member only
// in case cannot smuggle an unvalidated value past the validator into
// encoding/json, which matches keys case-insensitively.
func TestValidateBlanksFoldedKeys(t *testing.T) {
	m := cognitoModel(t)
	// The folded key comes last, so encoding/json would otherwise pick it.
	body := []byte(`{"UserPoolId":"us-east-1_abc","Username":"bob","USERNAME":"` + strings.Repeat("x", 200) + `"}`)
	clean, err := m.validate("AdminGetUser", body)
	if err != nil {
		t.Fatal(err)
	}
	var in cognitoidp.AdminGetUserRequest
	if err := json.Unmarshal(clean, &in); err != nil {
		t.Fatal(err)
	}
	if in.Username != "bob" {
		t.Errorf("Username = %q, want bob (folded key must be ignored)", in.Username)
	}
	if len(clean) != len(body) {
		t.Errorf("blanking changed the length")
	}
}

func TestPatternFastPath(t *testing.T) {
	tests := []struct {
		src, in string
		fast    bool
		want    bool
	}{
		{`[\S]+`, "abc", true, true},
		{`[\S]+`, "a c", true, false},
		{`[\S]+`, "", true, false},
		{`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, "Zoë_日本", true, true},
		{`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, "a b", true, false},
		{`^[0-9a-fA-F]+$`, "00ff", true, true},
		{`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`, "", true, true},
		{`(?s).*`, "a\nb", true, true},
		{`[\w-]+_[0-9a-zA-Z]+`, "us-east-1_abc", false, true},
		{`[\w-]+_[0-9a-zA-Z]+`, "us-east-1_abc!", false, false},
		{`(un)?authenticated`, "unauthenticated", false, true},
		{`(un)?authenticated`, "xauthenticated", false, false},
	}
	for _, tt := range tests {
		p, err := compilePattern(tt.src)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if (p.class != nil) != tt.fast {
			t.Errorf("%s: fast path = %v, want %v", tt.src, p.class != nil, tt.fast)
		}
		if got := p.match([]byte(tt.in)); got != tt.want || got != p.re.MatchString(tt.in) {
			t.Errorf("%s on %q = %v, regexp %v, want %v", tt.src, tt.in, got, p.re.MatchString(tt.in), tt.want)
		}
	}
	if _, err := compilePattern(`^[0-9A-Za-z\.\-_]*(?<!\.)$`); err == nil {
		t.Error("lookbehind should not compile")
	}
}
