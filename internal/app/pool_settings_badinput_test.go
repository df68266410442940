package app_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// Bad input to the pool-settings operations is a client error, never a
// server error.
func TestPoolSettingsBadInput(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		{Name: aws.String("score"), AttributeDataType: types.AttributeDataTypeNumber, Mutable: aws.Bool(true)}}})
	s.user(poolID, "ann", "Ann-pass-123", attr("email", "ann@example.com"), attr("custom:tier", "gold"))
	cases := []struct {
		op string
		in map[string]any
	}{
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": ""}},
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:"}},
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "dev:custom:"}},
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "email"}},
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "sub"}},
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": "", "Name": "tier"}},
		{"DeleteCustomAttribute", map[string]any{"UserPoolId": "nounderscore", "Name": "tier"}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:tier",
			"StringAttributeConstraints": map[string]any{"MinLength": "abc"}}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:tier",
			"StringAttributeConstraints": map[string]any{"MinLength": "99999999999999999999999"}}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:tier",
			"StringAttributeConstraints": map[string]any{"MinLength": "9", "MaxLength": "3"}}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:tier",
			"NumberAttributeConstraints": map[string]any{"MinValue": "1"}}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:score",
			"NumberAttributeConstraints": map[string]any{"MinValue": "1e999", "MaxValue": "-"}}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:nope", "Mutable": false}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": "email", "Mutable": false}},
		{"UpdateCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": 7}},
		{"UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": "email"}},
		{"UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": "", "Required": true}},
		{"UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": "custom:tier", "Required": true}},
		{"UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": "identities", "Required": true}},
		{"UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": "x\x00y", "Required": true}},
		{"UpdateSignInAttributes", map[string]any{"UserPoolId": poolID, "AliasAttributes": []string{"email", "email"}}},
		{"UpdateSignInAttributes", map[string]any{"UserPoolId": poolID, "AliasAttributes": []string{"sub"}}},
		{"UpdateSignInAttributes", map[string]any{"UserPoolId": poolID, "UsernameAttributes": []string{"preferred_username"}}},
		{"UpdateSignInAttributes", map[string]any{"UserPoolId": poolID, "AliasAttributes": []string{"email"}, "UsernameAttributes": []string{"email"}}},
		{"UpdateSignInAttributes", map[string]any{"UserPoolId": poolID, "AliasAttributes": "email"}},
		{"UpdateUsernameConfiguration", map[string]any{"UserPoolId": poolID}},
	}
	for _, c := range cases {
		err := s.admin(c.op, c.in, nil)
		var api *smithy.GenericAPIError
		if err == nil || !errors.As(err, &api) || api.Code == "" || api.Code == "InternalErrorException" || api.Code == "InternalFailure" {
			t.Errorf("%s %v: %v, want a client error", c.op, c.in, err)
		}
	}
}
