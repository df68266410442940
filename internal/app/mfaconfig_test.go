package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

const snsRole = "arn:aws:iam::000000000000:role/sns-caller"

func (s *server) mfaConfig(poolID string) *cip.GetUserPoolMfaConfigOutput {
	s.t.Helper()
	return result(s.idp.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID)})).must(s.t)
}

func (s *server) describe(poolID string) *types.UserPoolType {
	s.t.Helper()
	return result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(s.t).UserPool
}

func TestUserPoolMfaConfig(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		c := s.mfaConfig(poolID)
		if c.MfaConfiguration != types.UserPoolMfaTypeOff || c.SmsMfaConfiguration != nil || c.EmailMfaConfiguration != nil ||
			c.SoftwareTokenMfaConfiguration == nil || c.SoftwareTokenMfaConfiguration.Enabled ||
			c.WebAuthnConfiguration == nil || c.WebAuthnConfiguration.UserVerification != types.UserVerificationTypePreferred {
			t.Fatalf("a new pool's MFA config: %+v", c)
		}

		set := result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId:                    aws.String(poolID),
			MfaConfiguration:              types.UserPoolMfaTypeOptional,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		})).must(t)
		if set.MfaConfiguration != types.UserPoolMfaTypeOptional || !set.SoftwareTokenMfaConfiguration.Enabled || set.SmsMfaConfiguration != nil {
			t.Fatalf("set answered %+v", set)
		}
		if c := s.mfaConfig(poolID); c.MfaConfiguration != types.UserPoolMfaTypeOptional || !c.SoftwareTokenMfaConfiguration.Enabled {
			t.Fatalf("after set: %+v", c)
		}
		if d := s.describe(poolID); d.MfaConfiguration != types.UserPoolMfaTypeOptional {
			t.Fatalf("DescribeUserPool shows %s", d.MfaConfiguration)
		}

		// Every factor at once; factors left out of a later call turn off.
		result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId:       aws.String(poolID),
			MfaConfiguration: types.UserPoolMfaTypeOn,
			SmsMfaConfiguration: &types.SmsMfaConfigType{
				SmsAuthenticationMessage: aws.String("Your sign-in code is {####}"),
				SmsConfiguration:         &types.SmsConfigurationType{SnsCallerArn: aws.String(snsRole), ExternalId: aws.String("ext")},
			},
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
			EmailMfaConfiguration:         &types.EmailMfaConfigType{Message: aws.String("Code: {####}"), Subject: aws.String("Sign-in code")},
			WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("auth.example.com"),
				UserVerification: types.UserVerificationTypeRequired},
		})).must(t)
		c = s.mfaConfig(poolID)
		if c.MfaConfiguration != types.UserPoolMfaTypeOn || c.SmsMfaConfiguration == nil ||
			aws.ToString(c.SmsMfaConfiguration.SmsAuthenticationMessage) != "Your sign-in code is {####}" ||
			aws.ToString(c.SmsMfaConfiguration.SmsConfiguration.SnsCallerArn) != snsRole ||
			!c.SoftwareTokenMfaConfiguration.Enabled || c.EmailMfaConfiguration == nil ||
			aws.ToString(c.EmailMfaConfiguration.Subject) != "Sign-in code" ||
			aws.ToString(c.WebAuthnConfiguration.RelyingPartyId) != "auth.example.com" ||
			c.WebAuthnConfiguration.UserVerification != types.UserVerificationTypeRequired {
			t.Fatalf("all factors: %+v", c)
		}
		d := s.describe(poolID)
		if d.MfaConfiguration != types.UserPoolMfaTypeOn || aws.ToString(d.SmsAuthenticationMessage) != "Your sign-in code is {####}" ||
			d.SmsConfiguration == nil || aws.ToString(d.SmsConfiguration.ExternalId) != "ext" {
			t.Fatalf("DescribeUserPool after SMS MFA: %s %v %+v", d.MfaConfiguration, aws.ToString(d.SmsAuthenticationMessage), d.SmsConfiguration)
		}
		result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId: aws.String(poolID), EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("{####}!")},
		})).must(t)
		c = s.mfaConfig(poolID)
		if c.MfaConfiguration != types.UserPoolMfaTypeOn || c.SmsMfaConfiguration != nil || c.SoftwareTokenMfaConfiguration.Enabled ||
			c.EmailMfaConfiguration == nil || aws.ToString(c.WebAuthnConfiguration.RelyingPartyId) != "auth.example.com" {
			t.Fatalf("email only, mode and WebAuthn kept: %+v", c)
		}

		// Cognito's rules: ON or OPTIONAL needs a factor; OFF takes none.
		_, err := s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false}})
		wantCode(t, err, "InvalidParameterException", "can't disable all MFAs with a required or optional configuration")
		_, err = s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			MfaConfiguration: types.UserPoolMfaTypeOff, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
		wantCode(t, err, "InvalidParameterException", "can't turn off MFA and configure an MFA together")
		_, err = s.rawClient().SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			MfaConfiguration:    types.UserPoolMfaTypeOptional,
			SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("no placeholder")}})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.rawClient().SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			MfaConfiguration: "SOMETIMES"})
		wantCode(t, err, "InvalidParameterException", "")
		if c := s.mfaConfig(poolID); c.EmailMfaConfiguration == nil || c.MfaConfiguration != types.UserPoolMfaTypeOn {
			t.Fatalf("a refused call changed the config: %+v", c)
		}

		result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			MfaConfiguration: types.UserPoolMfaTypeOff})).must(t)
		c = s.mfaConfig(poolID)
		if c.MfaConfiguration != types.UserPoolMfaTypeOff || c.EmailMfaConfiguration != nil || c.SoftwareTokenMfaConfiguration.Enabled {
			t.Fatalf("after OFF: %+v", c)
		}
		if d := s.describe(poolID); d.MfaConfiguration != types.UserPoolMfaTypeOff {
			t.Fatalf("DescribeUserPool after OFF: %s", d.MfaConfiguration)
		}
		_, err = s.idp.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

func TestMfaConfigWithPoolSettings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		// CreateUserPool can require MFA only with SMS configured.
		_, err := s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x"), MfaConfiguration: types.UserPoolMfaTypeOn})
		wantCode(t, err, "InvalidParameterException", "required when MFA is required/optional")
		smsPool := s.pool(&cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
			SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String(snsRole)}})
		c := s.mfaConfig(smsPool)
		if c.MfaConfiguration != types.UserPoolMfaTypeOptional || c.SmsMfaConfiguration == nil ||
			aws.ToString(c.SmsMfaConfiguration.SmsConfiguration.SnsCallerArn) != snsRole {
			t.Fatalf("pool created with SMS MFA: %+v", c)
		}

		// UpdateUserPool keeps the factors only SetUserPoolMfaConfig sets,
		// and returns MfaConfiguration to OFF when it is left out.
		poolID := s.pool(nil)
		result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})).must(t)
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID),
			MfaConfiguration: types.UserPoolMfaTypeOn})).must(t)
		if c := s.mfaConfig(poolID); c.MfaConfiguration != types.UserPoolMfaTypeOn || !c.SoftwareTokenMfaConfiguration.Enabled {
			t.Fatalf("after UpdateUserPool ON: %+v", c)
		}
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})).must(t)
		if d := s.describe(poolID); d.MfaConfiguration != types.UserPoolMfaTypeOff {
			t.Fatalf("UpdateUserPool without MfaConfiguration left %s", d.MfaConfiguration)
		}
		noFactor := s.pool(nil)
		_, err = s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(noFactor), MfaConfiguration: types.UserPoolMfaTypeOptional})
		wantCode(t, err, "InvalidParameterException", "required when MFA is required/optional")

		// Email MFA is not in the Lite plan.
		lite := s.pool(&cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypeLite})
		_, err = s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(lite),
			MfaConfiguration: types.UserPoolMfaTypeOptional, EmailMfaConfiguration: &types.EmailMfaConfigType{}})
		wantCode(t, err, "FeatureUnavailableInTierException", "")
	})
}
