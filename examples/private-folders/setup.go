package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const (
	region       = "us-east-1"
	demoPassword = "Correct-Horse-9"
)

var demoUsers = []struct{ name, email string }{{"ann", "ann@example.com"}, {"bob", "bob@example.com"}}

// privateFolders is the policy Amplify documents for the authenticated
// role: each identity reads, writes and lists private/<its id>/.
func privateFolders(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],
 "Resource":"arn:aws:s3:::` + bucket + `/private/${cognito-identity.amazonaws.com:sub}/*"},
{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + bucket + `",
 "Condition":{"StringLike":{"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}/","private/${cognito-identity.amazonaws.com:sub}/*"]}}}]}`
}

func trust(identityPoolID string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"` + identityPoolID + `"},
"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`
}

func (d *demo) awsConfig() aws.Config {
	return aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider(d.rootID, d.rootKey, "")}
}

func (d *demo) idp() *cip.Client {
	return cip.NewFromConfig(d.awsConfig(), func(o *cip.Options) { o.BaseEndpoint = aws.String(d.api) })
}

func (d *demo) s3() *s3.Client {
	return s3.NewFromConfig(d.awsConfig(), func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(d.gateway), true })
}

// setUp creates the user pool, its users, the identity pool, the role and
// the bucket.
func (d *demo) setUp(ctx context.Context) error {
	idp := d.idp()
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("private-folders")})
	if err != nil {
		return fmt.Errorf("user pool: %w", err)
	}
	d.userPoolID = *pool.UserPool.Id
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &d.userPoolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	})
	if err != nil {
		return fmt.Errorf("app client: %w", err)
	}
	d.clientID = *client.UserPoolClient.ClientId
	for _, u := range demoUsers {
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: &d.userPoolID, Username: aws.String(u.name), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(u.email)},
				{Name: aws.String("email_verified"), Value: aws.String("true")}},
		}); err != nil {
			return fmt.Errorf("user %s: %w", u.name, err)
		}
		if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: &d.userPoolID, Username: aws.String(u.name), Password: aws.String(demoPassword), Permanent: true,
		}); err != nil {
			return fmt.Errorf("password of %s: %w", u.name, err)
		}
	}
	ci := cid.NewFromConfig(d.awsConfig(), func(o *cid.Options) { o.BaseEndpoint = aws.String(d.api) })
	ipool, err := ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("private_folders"), AllowUnauthenticatedIdentities: false,
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
			ProviderName: aws.String("cognito-idp." + region + ".amazonaws.com/" + d.userPoolID), ClientId: &d.clientID,
		}},
	})
	if err != nil {
		return fmt.Errorf("identity pool: %w", err)
	}
	d.identityPoolID = *ipool.IdentityPoolId
	roles := iam.NewFromConfig(d.awsConfig(), func(o *iam.Options) { o.BaseEndpoint = aws.String(d.api) })
	role, err := roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("private-folders-users"), AssumeRolePolicyDocument: aws.String(trust(d.identityPoolID))})
	if err != nil {
		return fmt.Errorf("role: %w", err)
	}
	if _, err := roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role.Role.RoleName, PolicyName: aws.String("private-folders"),
		PolicyDocument: aws.String(privateFolders(d.bucket))}); err != nil {
		return fmt.Errorf("role policy: %w", err)
	}
	if _, err := ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: &d.identityPoolID,
		Roles: map[string]string{"authenticated": *role.Role.Arn}}); err != nil {
		return fmt.Errorf("identity pool roles: %w", err)
	}
	if _, err := d.s3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &d.bucket}); err != nil {
		return fmt.Errorf("bucket: %w", err)
	}
	return nil
}

// cognateAdmin calls a CognateAdmin operation with the root credentials.
func (d *demo) cognateAdmin(ctx context.Context, op string, in, out any) error {
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.api+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "CognateAdmin."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: d.rootID, SecretAccessKey: d.rootKey}, req,
		hex.EncodeToString(sum[:]), "cognito-identity", region, time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CognateAdmin.%s: HTTP %d: %s", op, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}
