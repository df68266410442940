package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestUserPoolLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		before := time.Now().Add(-time.Second)
		out := result(s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName: aws.String("shop"),
			Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
				MinimumLength: aws.Int32(10), RequireNumbers: true,
			}},
			Schema: []types.SchemaAttributeType{
				{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
				{Name: aws.String("email"), Required: aws.Bool(true)},
			},
			UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
			DeletionProtection:    types.DeletionProtectionTypeActive,
		})).must(t)
		p := out.UserPool
		if !strings.HasPrefix(*p.Id, "us-east-1_") || len(*p.Id) != len("us-east-1_")+9 {
			t.Fatalf("pool id %q", *p.Id)
		}
		if want := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + *p.Id; aws.ToString(p.Arn) != want {
			t.Fatalf("arn %q, want %q", aws.ToString(p.Arn), want)
		}
		if p.CreationDate == nil || p.CreationDate.Before(before) {
			t.Fatalf("creation date %v", p.CreationDate)
		}

		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})).must(t).UserPool
		pp := d.Policies.PasswordPolicy
		if aws.ToInt32(pp.MinimumLength) != 10 || !pp.RequireNumbers || pp.RequireSymbols {
			t.Fatalf("password policy %+v", pp)
		}
		if pp.TemporaryPasswordValidityDays != 7 {
			t.Fatalf("temporary password validity %v", pp.TemporaryPasswordValidityDays)
		}
		schema := map[string]types.SchemaAttributeType{}
		for _, a := range d.SchemaAttributes {
			schema[aws.ToString(a.Name)] = a
		}
		if _, ok := schema["custom:tier"]; !ok {
			t.Fatalf("custom attribute missing from schema: %v", schema)
		}
		if !aws.ToBool(schema["email"].Required) || aws.ToBool(schema["sub"].Mutable) {
			t.Fatalf("standard attributes: email %+v, sub %+v", schema["email"], schema["sub"])
		}
		if d.MfaConfiguration != types.UserPoolMfaTypeOff || d.DeletionProtection != types.DeletionProtectionTypeActive {
			t.Fatalf("defaults: mfa %s, deletion protection %s", d.MfaConfiguration, d.DeletionProtection)
		}
		if aws.ToBool(d.UsernameConfiguration.CaseSensitive) {
			t.Fatal("UsernameConfiguration lost")
		}

		list := result(s.idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})).must(t)
		if len(list.UserPools) != 1 || aws.ToString(list.UserPools[0].Name) != "shop" {
			t.Fatalf("list %+v", list.UserPools)
		}

		_, err := s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: p.Id})
		wantCode(t, err, "InvalidParameterException", "deletion protection")

		// UpdateUserPool: what is left out returns to its default.
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: p.Id, MfaConfiguration: types.UserPoolMfaTypeOff})).must(t)
		d = result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})).must(t).UserPool
		if d.DeletionProtection != types.DeletionProtectionTypeInactive || aws.ToInt32(d.Policies.PasswordPolicy.MinimumLength) != 8 {
			t.Fatalf("after update: %s, %v", d.DeletionProtection, d.Policies.PasswordPolicy.MinimumLength)
		}
		if _, ok := attrSchema(d.SchemaAttributes, "custom:tier"); !ok {
			t.Fatal("update lost the schema")
		}

		result(s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: p.Id})).must(t)
		_, err = s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})
		wantCode(t, err, "ResourceNotFoundException", "does not exist")
	})
}

func attrSchema(list []types.SchemaAttributeType, name string) (types.SchemaAttributeType, bool) {
	for _, a := range list {
		if aws.ToString(a.Name) == name {
			return a, true
		}
	}
	return types.SchemaAttributeType{}, false
}

func TestUserPoolValidation(t *testing.T) {
	s := newServer(t, "sqlite")
	_, err := s.rawClient().CreateUserPool(ctx, &cip.CreateUserPoolInput{})
	wantCode(t, err, "InvalidParameterException", "Value null at 'poolName' failed to satisfy constraint: Member must not be null")

	_, err = s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:           aws.String("x"),
		AliasAttributes:    []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
	})
	wantCode(t, err, "InvalidParameterException", "")

	_, err = s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_nope")})
	wantCode(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")

	_, err = s.idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	wantCode(t, err, "InvalidParameterException", "Member must have value less than or equal to 60")
}

func TestListUserPoolsPages(t *testing.T) {
	s := newServer(t, "sqlite")
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		want[s.pool(nil)] = true
	}
	seen := map[string]bool{}
	var token *string
	for pages := 0; ; pages++ {
		out := result(s.idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2), NextToken: token})).must(t)
		for _, p := range out.UserPools {
			if seen[*p.Id] {
				t.Fatalf("pool %s listed twice", *p.Id)
			}
			seen[*p.Id] = true
		}
		if out.NextToken == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		token = out.NextToken
	}
	if len(seen) != len(want) {
		t.Fatalf("listed %d pools, want %d", len(seen), len(want))
	}
}

// TestEmptyListsAreSent checks that listing operations send their list as
// [] when it is empty, as AWS does: boto3 callers index resp["Users"].
func TestEmptyListsAreSent(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	for _, tt := range []struct {
		target, body, member string
	}{
		{"ListUserPoolClients", `{"UserPoolId":"` + poolID + `","MaxResults":10}`, "UserPoolClients"},
		{"ListUsers", `{"UserPoolId":"` + poolID + `"}`, "Users"},
		{"ListGroups", `{"UserPoolId":"` + poolID + `"}`, "Groups"},
	} {
		out := s.signedJSON("AWSCognitoIdentityProviderService."+tt.target, tt.body)
		if v, ok := out[tt.member].([]any); !ok || len(v) != 0 {
			t.Errorf("%s: %s = %#v, want []", tt.target, tt.member, out[tt.member])
		}
	}
}
