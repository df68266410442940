package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestAuthorizeRequestContextKeyFolding: a resource server's Context key
// cannot stand for a key Cognate sets. The role allows only principals
// tagged dept=finance and the session has no dept tag, so a Context key
// that the policy engine read as aws:PrincipalTag/dept would allow. The
// long s ('ſ', U+017F) folds to 's' under Unicode case folding, and the
// "aws:" filter let "awſ:PrincipalTag/dept" through; IAM compares key
// names ignoring ASCII case only.
func TestAuthorizeRequestContextKeyFolding(t *testing.T) {
	s := startWith(t, "sqlite")
	id, key := s.app.RootCredentials()
	is := &idServer{server: s, ci: s.identityClient(id, key)}
	up := is.userPool()
	poolID := is.identityPool(false, up)
	roles := s.iamClient(false)
	result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"),
		AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated"))})).must(t)
	result(roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("authenticated"), PolicyName: aws.String("finance"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
"Condition":{"StringEquals":{"aws:PrincipalTag/dept":"finance"}}}]}`)})).must(t)

	logins := map[string]string{loginKey(up.poolID): is.idToken(up, "mia")}
	identity := result(is.getID(poolID, logins)).must(t)
	out := result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})).must(t)
	c := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretKey, SessionToken: *out.Credentials.SessionToken}

	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/reports", nil)
	sum := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{"Host": req.Host}
	for k, v := range req.Header {
		headers[k] = v[0]
	}
	for _, ctxKey := range []string{"aws:PrincipalTag/dept", "AWS:PRINCIPALTAG/DEPT", "awſ:PrincipalTag/dept", "AWſ:principaltag/dept"} {
		var got authorizeOut
		result(0, s.admin("AuthorizeRequest", map[string]any{
			"Method": "GET", "Path": "/reports", "Headers": headers,
			"Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/reports/q3",
			"Context": map[string]string{ctxKey: "finance"},
		}, &got)).must(t)
		if got.Allowed || got.Decision != "ImplicitDeny" || got.IdentityId != identity {
			t.Errorf("Context {%q: finance}: %+v, want ImplicitDeny", ctxKey, got)
		}
	}
}
