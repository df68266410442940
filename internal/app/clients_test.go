package app_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var clientIDPattern = regexp.MustCompile(`^[a-z0-9]{26}$`)

func TestUserPoolClientLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		pub := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		})).must(t).UserPoolClient
		if !clientIDPattern.MatchString(*pub.ClientId) || pub.ClientSecret != nil {
			t.Fatalf("public client: id %q secret %v", *pub.ClientId, pub.ClientSecret)
		}
		if aws.ToInt32(pub.AccessTokenValidity) != 60 || pub.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes ||
			pub.RefreshTokenValidity != 30 || pub.TokenValidityUnits.RefreshToken != types.TimeUnitsTypeDays {
			t.Fatalf("default validity: %v %v %v", pub.AccessTokenValidity, pub.RefreshTokenValidity, pub.TokenValidityUnits)
		}
		if !aws.ToBool(pub.EnableTokenRevocation) || pub.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy {
			t.Fatalf("defaults: revocation %v, existence errors %s", pub.EnableTokenRevocation, pub.PreventUserExistenceErrors)
		}
		if len(pub.ExplicitAuthFlows) != 3 {
			t.Fatalf("default flows %v", pub.ExplicitAuthFlows)
		}

		conf := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientName: aws.String("backend"), GenerateSecret: true,
		})).must(t).UserPoolClient
		secret := aws.ToString(conf.ClientSecret)
		if !regexp.MustCompile(`^[\w+]{24,64}$`).MatchString(secret) {
			t.Fatalf("client secret %q", secret)
		}
		d := result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: conf.ClientId,
		})).must(t).UserPoolClient
		if aws.ToString(d.ClientSecret) != secret || aws.ToString(d.ClientName) != "backend" {
			t.Fatalf("describe: %+v", d)
		}

		up := result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: conf.ClientId, ClientName: aws.String("renamed"),
			AccessTokenValidity: aws.Int32(2), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeHours},
		})).must(t).UserPoolClient
		if aws.ToString(up.ClientSecret) != secret || aws.ToInt32(up.AccessTokenValidity) != 2 || aws.ToString(up.ClientName) != "renamed" {
			t.Fatalf("update: %+v", up)
		}

		_, err := s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: conf.ClientId, AccessTokenValidity: aws.Int32(2),
			TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeDays},
		})
		wantCode(t, err, "InvalidParameterException", "AccessTokenValidity")

		_, err = s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientName: aws.String("x"),
			ReadAttributes: []string{"custom:nope"},
		})
		wantCode(t, err, "InvalidParameterException", "read attributes")

		list := result(s.idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(poolID)})).must(t)
		if len(list.UserPoolClients) != 2 {
			t.Fatalf("list: %+v", list.UserPoolClients)
		}

		result(s.idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: pub.ClientId})).must(t)
		_, err = s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: pub.ClientId})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Unsigned operations find the pool from the client id; an unknown one is refused.
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String("nosuchclient00000000000000"), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "a", "PASSWORD": "b"},
		})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}
