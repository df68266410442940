package app_test

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestLogDeliveryConfiguration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypePlus})
		get := func() *types.LogDeliveryConfigurationType {
			t.Helper()
			return result(s.idp.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String(poolID)})).must(t).LogDeliveryConfiguration
		}
		if d := get(); aws.ToString(d.UserPoolId) != poolID || d.LogConfigurations == nil || len(d.LogConfigurations) != 0 {
			t.Fatalf("unset log delivery %+v", d)
		}
		// The raw answer sends LogConfigurations as [] (the SDK cannot tell [] from absent).
		raw := s.signedJSON("AWSCognitoIdentityProviderService.GetLogDeliveryConfiguration", `{"UserPoolId":"`+poolID+`"}`)
		if lc, ok := raw["LogDeliveryConfiguration"].(map[string]any)["LogConfigurations"].([]any); !ok || len(lc) != 0 {
			t.Fatalf("raw answer %v", raw)
		}

		want := []types.LogConfigurationType{
			{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError,
				CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:cognito")}},
			{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo,
				S3Configuration: &types.S3ConfigurationType{BucketArn: aws.String("arn:aws:s3:::cognito-logs")}},
		}
		set := result(s.idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{
			UserPoolId: aws.String(poolID), LogConfigurations: want})).must(t).LogDeliveryConfiguration
		if aws.ToString(set.UserPoolId) != poolID || !reflect.DeepEqual(set.LogConfigurations, want) {
			t.Fatalf("set %+v", set)
		}
		if d := get(); !reflect.DeepEqual(d.LogConfigurations, want) {
			t.Fatalf("got %+v", d.LogConfigurations)
		}
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})).must(t)
		if d := get(); !reflect.DeepEqual(d.LogConfigurations, want) {
			t.Fatalf("after UpdateUserPool %+v", d.LogConfigurations)
		}

		// Errors leave the configuration as it was.
		_, err := s.idp.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00"),
			LogConfigurations: want[:1]})
		wantCode(t, err, "ResourceNotFoundException", "")
		cw := &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:x")}
		fh := &types.FirehoseConfigurationType{StreamArn: aws.String("arn:aws:firehose:us-east-1:123456789012:deliverystream/x")}
		for name, list := range map[string][]types.LogConfigurationType{
			"no destination":       {{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError}},
			"two destinations":     {{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo, CloudWatchLogsConfiguration: cw, FirehoseConfiguration: fh}},
			"notification to S3":   {{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError, FirehoseConfiguration: fh}},
			"notification at INFO": {{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelInfo, CloudWatchLogsConfiguration: cw}},
			"auth events at ERROR": {{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: cw}},
			"same source twice": {
				{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: cw},
				{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: cw}},
			"bad ARN": {{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError,
				CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("not-an-arn-at-all-really")}}},
		} {
			_, err = s.idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(poolID), LogConfigurations: list})
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			wantCode(t, err, "InvalidParameterException", "")
		}
		if d := get(); !reflect.DeepEqual(d.LogConfigurations, want) {
			t.Fatalf("after refused calls %+v", d.LogConfigurations)
		}

		// User auth events need the Plus plan.
		essentials := s.pool(nil)
		_, err = s.idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(essentials),
			LogConfigurations: want[1:]})
		wantCode(t, err, "FeatureUnavailableInTierException", "Plus")
		result(s.idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(essentials),
			LogConfigurations: want[:1]})).must(t)

		// An empty list removes the configuration.
		result(s.idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(poolID),
			LogConfigurations: []types.LogConfigurationType{}})).must(t)
		if d := get(); len(d.LogConfigurations) != 0 {
			t.Fatalf("after clearing %+v", d.LogConfigurations)
		}
	})
}
