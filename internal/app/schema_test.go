package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSchemaValidation: CreateUserPool and AddCustomAttributes refuse the
// schema entries Cognito refuses, with Cognito's messages.
func TestSchemaValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		str := func(lo, hi string) *types.StringAttributeConstraintsType {
			return &types.StringAttributeConstraintsType{MinLength: aws.String(lo), MaxLength: aws.String(hi)}
		}
		cases := []struct {
			name string
			attr types.SchemaAttributeType
			msg  string
		}{
			{"custom without data type", types.SchemaAttributeType{Name: aws.String("team")},
				"Invalid AttributeDataType input, consider using the provided AttributeDataType enum."},
			{"standard with another type", types.SchemaAttributeType{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeNumber},
				"You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
			{"standard developer-only", types.SchemaAttributeType{Name: aws.String("email"), DeveloperOnlyAttribute: aws.Bool(true)},
				"You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
			{"length not a number", types.SchemaAttributeType{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("invalid_value")}},
				"Invalid StringAttributeConstraints for schema attribute email"},
			{"value not a number", types.SchemaAttributeType{Name: aws.String("updated_at"), AttributeDataType: types.AttributeDataTypeNumber,
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MaxValue: aws.String("invalid_value")}},
				"Invalid NumberAttributeConstraints for schema attribute updated_at"},
			{"length over 2048", types.SchemaAttributeType{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MaxLength: aws.String("2049")}},
				"user.email: String attributes cannot have a length of more than 2048"},
			{"min length over max", types.SchemaAttributeType{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: str("2", "1")},
				"user.email: Max length cannot be less than min length."},
			{"min value over max", types.SchemaAttributeType{Name: aws.String("updated_at"), AttributeDataType: types.AttributeDataTypeNumber,
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("2"), MaxValue: aws.String("1")}},
				"user.updated_at: Max value cannot be less than min value."},
			{"custom min length over max", types.SchemaAttributeType{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: str("5", "3")},
				"user.custom:team: Max length cannot be less than min length."},
		}
		for _, c := range cases {
			_, err := s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"), Schema: []types.SchemaAttributeType{c.attr}})
			wantCode(t, err, "InvalidParameterException", c.msg)
		}

		// A standard attribute named without its data type is fine, and so
		// are sound constraints.
		p := result(s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"), Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("given_name"), AttributeDataType: types.AttributeDataTypeString, StringAttributeConstraints: str("2", "50")},
			{Name: aws.String("level"), AttributeDataType: types.AttributeDataTypeNumber,
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1"), MaxValue: aws.String("10")}},
		}})).must(t).UserPool

		_, err := s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: p.Id,
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("nick")}}})
		wantCode(t, err, "InvalidParameterException", "Invalid AttributeDataType input")
		_, err = s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: p.Id,
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("nick"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: str("0", "4096")}}})
		wantCode(t, err, "InvalidParameterException", "user.custom:nick: String attributes cannot have a length of more than 2048")
	})
}
