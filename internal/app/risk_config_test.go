package app_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestRiskConfiguration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypePlus,
			UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}})
		clientID, _ := s.appClient(poolID, false)
		other, _ := s.appClient(poolID, false)
		describe := func(client string) *types.RiskConfigurationType {
			t.Helper()
			in := &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(poolID)}
			if client != "" {
				in.ClientId = aws.String(client)
			}
			return result(s.idp.DescribeRiskConfiguration(ctx, in)).must(t).RiskConfiguration
		}

		// Nothing set: just the pool id.
		if r := describe(""); aws.ToString(r.UserPoolId) != poolID || r.ClientId != nil ||
			r.AccountTakeoverRiskConfiguration != nil || r.CompromisedCredentialsRiskConfiguration != nil ||
			r.RiskExceptionConfiguration != nil || r.LastModifiedDate != nil {
			t.Fatalf("unset risk configuration %+v", r)
		}

		before := time.Now().Add(-time.Second)
		compromised := &types.CompromisedCredentialsRiskConfigurationType{
			EventFilter: []types.EventFilterType{types.EventFilterTypeSignIn, types.EventFilterTypeSignUp},
			Actions:     &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock},
		}
		takeover := &types.AccountTakeoverRiskConfigurationType{
			Actions: &types.AccountTakeoverActionsType{
				HighAction:   &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeBlock, Notify: true},
				MediumAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeMfaIfConfigured, Notify: false},
			},
			NotifyConfiguration: &types.NotifyConfigurationType{
				SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
				From:      aws.String("security@example.com"),
				BlockEmail: &types.NotifyEmailType{Subject: aws.String("Blocked sign-in"),
					TextBody: aws.String("We blocked a sign-in to your account.")},
			},
		}
		exceptions := &types.RiskExceptionConfigurationType{
			BlockedIPRangeList: []string{"192.0.2.0/24"}, SkippedIPRangeList: []string{"10.0.0.0/8", "2001:db8::/32"},
		}
		set := result(s.idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID),
			CompromisedCredentialsRiskConfiguration: compromised, AccountTakeoverRiskConfiguration: takeover,
			RiskExceptionConfiguration: exceptions})).must(t).RiskConfiguration
		if set.LastModifiedDate == nil || set.LastModifiedDate.Before(before) || aws.ToString(set.UserPoolId) != poolID {
			t.Fatalf("SetRiskConfiguration %+v", set)
		}
		check := func(what string, r *types.RiskConfigurationType) {
			t.Helper()
			if !reflect.DeepEqual(r.CompromisedCredentialsRiskConfiguration, compromised) ||
				!reflect.DeepEqual(r.AccountTakeoverRiskConfiguration, takeover) ||
				!reflect.DeepEqual(r.RiskExceptionConfiguration, exceptions) {
				t.Fatalf("%s: %+v %+v %+v", what, r.CompromisedCredentialsRiskConfiguration,
					r.AccountTakeoverRiskConfiguration, r.RiskExceptionConfiguration)
			}
		}
		check("set", set)
		check("described", describe(""))
		// A client without its own configuration has the pool's.
		if r := describe(clientID); r.ClientId != nil {
			t.Fatalf("client falls back to the pool: %+v", r)
		} else {
			check("client fallback", r)
		}

		// A client's own configuration.
		own := result(s.idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{
				SkippedIPRangeList: []string{"198.51.100.7/32"}}})).must(t).RiskConfiguration
		if aws.ToString(own.ClientId) != clientID {
			t.Fatalf("client set %+v", own)
		}
		if r := describe(clientID); aws.ToString(r.ClientId) != clientID || r.AccountTakeoverRiskConfiguration != nil ||
			r.RiskExceptionConfiguration == nil || !reflect.DeepEqual(r.RiskExceptionConfiguration.SkippedIPRangeList, []string{"198.51.100.7/32"}) {
			t.Fatalf("client configuration %+v", r)
		}
		check("other client", describe(other))

		// UpdateUserPool keeps it.
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID), UserPoolTier: types.UserPoolTierTypePlus,
			UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}})).must(t)
		check("after UpdateUserPool", describe(""))

		// No configurations: the client's is removed and it falls back again.
		cleared := result(s.idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID)})).must(t).RiskConfiguration
		if cleared.RiskExceptionConfiguration != nil || cleared.LastModifiedDate != nil {
			t.Fatalf("cleared %+v", cleared)
		}
		check("client after clearing", describe(clientID))

		// Errors.
		_, err := s.idp.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(poolID), ClientId: aws.String("nosuchclient")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID), ClientId: aws.String("nosuchclient"),
			RiskExceptionConfiguration: exceptions})
		wantCode(t, err, "ResourceNotFoundException", "")

		bad := map[string]*cip.SetRiskConfigurationInput{
			"not a CIDR":   {RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"192.0.2.300/24"}}},
			"bare address": {RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"192.0.2.1"}}},
			"notify without NotifyConfiguration": {AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{
				Actions: &types.AccountTakeoverActionsType{LowAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeNoAction, Notify: true}}}},
			"no action": {AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{}}},
			"bad enum": {CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
				Actions: &types.CompromisedCredentialsActionsType{EventAction: "EXPLODE"}}},
		}
		for name, in := range bad {
			in.UserPoolId = aws.String(poolID)
			_, err = s.idp.SetRiskConfiguration(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			wantCode(t, err, "InvalidParameterException", "")
		}
		check("after refused calls", describe(""))
	})
}
