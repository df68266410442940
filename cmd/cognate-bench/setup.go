package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// fixture is what set-up created.
type fixture struct {
	suffix                     string
	poolID, clientID           string
	username, password         string
	accessToken, refreshToken  string
	idToken                    string
	identityPoolID, identityID string
	loginKey                   string
	credentials                aws.Credentials
}

const benchPassword = "Bench-Password-1"

// setUpUserPool creates a pool, an app client allowing password and
// refresh sign-in, and a confirmed user, and signs the user in once.
func setUpUserPool(ctx context.Context, admin *cip.Client) (*fixture, error) {
	fx := &fixture{suffix: time.Now().Format("20060102150405"), username: "bench-user", password: benchPassword}
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench-" + fx.suffix)})
	if err != nil {
		return nil, err
	}
	fx.poolID = *pool.UserPool.Id
	cl, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &fx.poolID, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		},
	})
	if err != nil {
		return nil, err
	}
	fx.clientID = *cl.UserPoolClient.ClientId
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &fx.poolID, Username: aws.String(fx.username), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		return nil, err
	}
	if _, err := admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: &fx.poolID, Username: aws.String(fx.username), Password: aws.String(fx.password), Permanent: true,
	}); err != nil {
		return nil, err
	}
	res, err := admin.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
		UserPoolId: &fx.poolID, ClientId: aws.String(fx.clientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": fx.username, "PASSWORD": fx.password},
	})
	if err != nil {
		return nil, err
	}
	if res.AuthenticationResult == nil {
		return nil, fmt.Errorf("sign-in returned challenge %s", res.ChallengeName)
	}
	fx.accessToken = *res.AuthenticationResult.AccessToken
	fx.refreshToken = *res.AuthenticationResult.RefreshToken
	fx.idToken = *res.AuthenticationResult.IdToken
	return fx, nil
}

// setUpIdentityPool creates an identity pool trusting the fixture's user
// pool, an authenticated role whose trust policy admits the pool's
// identities, the user's identity, and one set of vended credentials.
func (fx *fixture) setUpIdentityPool(ctx context.Context, ids *cid.Client, roles *iam.Client) error {
	out, err := ids.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("bench" + fx.suffix), AllowUnauthenticatedIdentities: false,
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
			ProviderName: aws.String("cognito-idp.us-east-1.amazonaws.com/" + fx.poolID), ClientId: aws.String(fx.clientID),
		}},
	})
	if err != nil {
		return fmt.Errorf("CreateIdentityPool: %w", err)
	}
	fx.identityPoolID = *out.IdentityPoolId
	roleName := "bench-" + fx.suffix
	role, err := roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &roleName, AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},` +
			`"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"` +
			fx.identityPoolID + `"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`)})
	if err != nil {
		return fmt.Errorf("CreateRole: %w", err)
	}
	if _, err := ids.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
		IdentityPoolId: &fx.identityPoolID, Roles: map[string]string{"authenticated": *role.Role.Arn},
	}); err != nil {
		return fmt.Errorf("SetIdentityPoolRoles: %w", err)
	}
	// Amplify's Logins key: the ID token's issuer without its scheme.
	iss, err := issuer(fx.idToken)
	if err != nil {
		return err
	}
	fx.loginKey = iss[strings.Index(iss, "://")+3:]
	logins := map[string]string{fx.loginKey: fx.idToken}
	id, err := ids.GetId(ctx, &cid.GetIdInput{IdentityPoolId: &fx.identityPoolID, Logins: logins})
	if err != nil {
		return fmt.Errorf("GetId: %w", err)
	}
	fx.identityID = *id.IdentityId
	creds, err := ids.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &fx.identityID, Logins: logins})
	if err != nil {
		return fmt.Errorf("GetCredentialsForIdentity: %w", err)
	}
	c := creds.Credentials
	fx.credentials = aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretKey, SessionToken: *c.SessionToken}
	return nil
}

// issuer returns a JWT's iss claim (unverified: the driver only routes by it).
func issuer(jwt string) (string, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("ID token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("ID token payload: %w", err)
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &c); err != nil || !strings.Contains(c.Iss, "://") {
		return "", fmt.Errorf("ID token has no usable iss")
	}
	return c.Iss, nil
}
