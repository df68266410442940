package app_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestPoolTags(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		out := result(s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName: aws.String("tagged"), UserPoolTags: map[string]string{"env": "test"},
		})).must(t)
		poolID, arn := aws.ToString(out.UserPool.Id), aws.ToString(out.UserPool.Arn)
		if !reflect.DeepEqual(out.UserPool.UserPoolTags, map[string]string{"env": "test"}) {
			t.Fatalf("created with tags %v", out.UserPool.UserPoolTags)
		}
		tags := func() map[string]string {
			t.Helper()
			listed := result(s.idp.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: aws.String(arn)})).must(t).Tags
			described := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool.UserPoolTags
			if !reflect.DeepEqual(listed, described) {
				t.Fatalf("ListTagsForResource %v but DescribeUserPool %v", listed, described)
			}
			return listed
		}
		if got := tags(); !reflect.DeepEqual(got, map[string]string{"env": "test"}) {
			t.Fatalf("tags %v", got)
		}

		result(s.idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: map[string]string{"env": "prod", "team": "red", "empty": ""}})).must(t)
		if got, want := tags(), map[string]string{"env": "prod", "team": "red", "empty": ""}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after TagResource %v, want %v", got, want)
		}
		result(s.idp.UntagResource(ctx, &cip.UntagResourceInput{ResourceArn: aws.String(arn),
			TagKeys: []string{"env", "not-there"}})).must(t)
		if got, want := tags(), map[string]string{"team": "red", "empty": ""}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after UntagResource %v, want %v", got, want)
		}

		// UpdateUserPool keeps the tags it is not given and replaces them
		// when it is.
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})).must(t)
		if got, want := tags(), map[string]string{"team": "red", "empty": ""}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after UpdateUserPool without tags %v, want %v", got, want)
		}
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID),
			UserPoolTags: map[string]string{"owner": "ops"}})).must(t)
		if got, want := tags(), map[string]string{"owner": "ops"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after UpdateUserPool with tags %v, want %v", got, want)
		}

		// A pool without tags shows {}.
		bare := s.pool(nil)
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(bare)})).must(t).UserPool
		if d.UserPoolTags == nil || len(d.UserPoolTags) != 0 {
			t.Fatalf("tags of a bare pool %v", d.UserPoolTags)
		}
		listed := result(s.idp.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: d.Arn})).must(t)
		if listed.Tags == nil || len(listed.Tags) != 0 {
			t.Fatalf("listed tags of a bare pool %v", listed.Tags)
		}

		many := map[string]string{}
		for i := 0; i < 51; i++ {
			many[fmt.Sprintf("k%02d", i)] = "v"
		}
		_, err := s.idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
		wantCode(t, err, "InvalidParameterException", "50 tags")
		_, err = s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x"), UserPoolTags: many})
		wantCode(t, err, "InvalidParameterException", "50 tags")

		for _, missing := range []string{
			"arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nothere00",
			"arn:aws:cognito-idp:us-east-1:123456789012:userpool/" + poolID, // another account
			"arn:aws:cognito-idp:eu-west-1:000000000000:userpool/" + poolID, // another region
		} {
			_, err = s.idp.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: aws.String(missing)})
			wantCode(t, err, "ResourceNotFoundException", "")
			_, err = s.idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String(missing), Tags: map[string]string{"a": "b"}})
			wantCode(t, err, "ResourceNotFoundException", "")
		}
		_, err = s.idp.UntagResource(ctx, &cip.UntagResourceInput{
			ResourceArn: aws.String("arn:aws:iam::000000000000:role/not-a-pool"), TagKeys: []string{"a"}})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.rawClient().TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String("nonsense"), Tags: map[string]string{"a": "b"}})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

func TestDescribeUserPoolDefaults(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		out := result(s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("plain")})).must(t).UserPool
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: out.Id})).must(t).UserPool
		if aws.ToString(d.Name) != "plain" || d.Arn == nil || d.CreationDate == nil || d.LastModifiedDate == nil ||
			d.EstimatedNumberOfUsers != 0 {
			t.Fatalf("identity of the pool: %+v", d)
		}
		pp := d.Policies.PasswordPolicy
		if aws.ToInt32(pp.MinimumLength) != 8 || !pp.RequireUppercase || !pp.RequireLowercase || !pp.RequireNumbers ||
			!pp.RequireSymbols || pp.TemporaryPasswordValidityDays != 7 {
			t.Fatalf("default password policy %+v", pp)
		}
		if d.MfaConfiguration != types.UserPoolMfaTypeOff || d.DeletionProtection != types.DeletionProtectionTypeInactive ||
			d.UserPoolTier != types.UserPoolTierTypeEssentials {
			t.Fatalf("defaults: %s %s %s", d.MfaConfiguration, d.DeletionProtection, d.UserPoolTier)
		}
		acu := d.AdminCreateUserConfig
		if acu == nil || acu.AllowAdminCreateUserOnly || acu.UnusedAccountValidityDays != 7 || acu.InviteMessageTemplate == nil ||
			aws.ToString(acu.InviteMessageTemplate.EmailSubject) != "Your temporary password" ||
			aws.ToString(acu.InviteMessageTemplate.SMSMessage) != "Your username is {username} and temporary password is {####}. " {
			t.Fatalf("AdminCreateUserConfig %+v", acu)
		}
		vt := d.VerificationMessageTemplate
		if vt == nil || aws.ToString(vt.EmailMessage) != "Your verification code is {####}. " ||
			aws.ToString(vt.EmailSubject) != "Your verification code" || vt.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithCode ||
			aws.ToString(d.SmsVerificationMessage) != "Your verification code is {####}. " {
			t.Fatalf("verification messages %+v", vt)
		}
		if d.EmailConfiguration == nil || d.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault {
			t.Fatalf("EmailConfiguration %+v", d.EmailConfiguration)
		}
		if d.LambdaConfig == nil || d.UserAttributeUpdateSettings == nil {
			t.Fatalf("LambdaConfig %v, UserAttributeUpdateSettings %v", d.LambdaConfig, d.UserAttributeUpdateSettings)
		}
		// Every standard attribute, with Cognito's constraints.
		want := map[string]string{"sub": "String 1-2048 required immutable", "email": "String 0-2048", "birthdate": "String 10-10",
			"email_verified": "Boolean", "updated_at": "Number", "identities": "String"}
		names := map[string]bool{}
		for _, a := range d.SchemaAttributes {
			name := aws.ToString(a.Name)
			names[name] = true
			desc := string(a.AttributeDataType)
			if c := a.StringAttributeConstraints; c != nil && c.MinLength != nil {
				desc += " " + aws.ToString(c.MinLength) + "-" + aws.ToString(c.MaxLength)
			}
			if aws.ToBool(a.Required) {
				desc += " required"
			}
			if !aws.ToBool(a.Mutable) {
				desc += " immutable"
			}
			if w, ok := want[name]; ok && w != desc {
				t.Errorf("attribute %s: %s, want %s", name, desc, w)
			}
			if a.DeveloperOnlyAttribute == nil {
				t.Errorf("attribute %s lacks DeveloperOnlyAttribute", name)
			}
		}
		if len(names) != 21 {
			t.Fatalf("%d standard attributes: %v", len(names), names)
		}

		// UpdateUserPool resets what it is not given, except the tier.
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: out.Id, UserPoolTier: types.UserPoolTierTypePlus,
			DeletionProtection: types.DeletionProtectionTypeActive})).must(t)
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: out.Id})).must(t)
		d = result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: out.Id})).must(t).UserPool
		if d.UserPoolTier != types.UserPoolTierTypePlus || d.DeletionProtection != types.DeletionProtectionTypeInactive {
			t.Fatalf("after updates: tier %s, deletion protection %s", d.UserPoolTier, d.DeletionProtection)
		}
		if d.LastModifiedDate.Before(*d.CreationDate) {
			t.Fatal("LastModifiedDate before CreationDate")
		}
		list := result(s.idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})).must(t)
		if len(list.UserPools) != 1 {
			t.Fatalf("pools %+v", list.UserPools)
		}
		result(s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: out.Id})).must(t)
		list = result(s.idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})).must(t)
		if list.UserPools == nil || len(list.UserPools) != 0 {
			t.Fatalf("pools after deletion %+v", list.UserPools)
		}
	})
}
