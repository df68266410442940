package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// cognitoTrust is a trust policy for an identity pool's role: the pool's
// identities with the given amr.
func cognitoTrust(poolID, amr string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"` + poolID + `"},
"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"` + amr + `"}}}]}`
}

const privateFolder = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
"Resource":"arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*"}]}`

// rawCallerIdentity calls GetCallerIdentity with creds and returns the
// XML, extra elements included.
func (s *server) rawCallerIdentity(t *testing.T, c aws.Credentials) string {
	t.Helper()
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	req, _ := http.NewRequest("POST", s.http.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GetCallerIdentity: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// authorizeOut is CognateAdmin.AuthorizeRequest's answer.
type authorizeOut struct {
	Allowed                             bool
	Decision, Message                   string
	IdentityId, IdentityPoolId, RoleArn string
	User                                *struct {
		UserPoolId, Username, Sub string
		Attributes                map[string]string
	}
	PrincipalTags map[string]string
}

// authorize signs a request to a resource server with c and asks
// CognateAdmin.AuthorizeRequest about it.
func (s *server) authorize(t *testing.T, c aws.Credentials, action, resource string, tamper func(h map[string]string)) authorizeOut {
	t.Helper()
	body := `{"name":"a.txt"}`
	req, _ := http.NewRequest("PUT", "https://api.example.com/upload?dir=private", strings.NewReader(body))
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{"Host": req.Host}
	for k, v := range req.Header {
		headers[k] = v[0]
	}
	if tamper != nil {
		tamper(headers)
	}
	var out authorizeOut
	result(0, s.admin("AuthorizeRequest", map[string]any{
		"Method": "PUT", "Path": "/upload", "Query": "dir=private", "Headers": headers, "Body": []byte(body),
		"Action": action, "Resource": resource, "Context": map[string]string{"aws:SourceIp": "203.0.113.9"},
	}, &out)).must(t)
	return out
}

// TestIdentityPoolCredentialsWithSTS runs the whole story with the real
// STS: a user signs in, the identity pool vends credentials for the role
// its trust policy admits, GetCallerIdentity and AuthorizeRequest name
// both the identity and the user, the basic flow's OpenID token works with
// AssumeRoleWithWebIdentity, and guests cannot borrow the user's role.
func TestIdentityPoolCredentialsWithSTS(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			s := startWith(t, backend)
			id, key := s.app.RootCredentials()
			is := &idServer{server: s, ci: s.identityClient(id, key)}
			up := is.userPool()
			poolID := is.identityPool(true, up)
			roles := s.iamClient(false)
			result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"), AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated"))})).must(t)
			result(roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("authenticated"), PolicyName: aws.String("files"), PolicyDocument: aws.String(privateFolder)})).must(t)
			result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("guest"), AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "unauthenticated"))})).must(t)

			logins := map[string]string{loginKey(up.poolID): is.idToken(up, "mia")}
			identity := result(is.getID(poolID, logins)).must(t)
			user := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("mia")})).must(t)
			sub, _ := attrValue(user.UserAttributes, "sub")

			out := result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})).must(t)
			c := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretKey, SessionToken: *out.Credentials.SessionToken}
			if !accessKeyPattern.MatchString(c.AccessKeyID) {
				t.Fatalf("access key %s", c.AccessKeyID)
			}
			who := result(s.stsClient(c.AccessKeyID, c.SecretAccessKey, c.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})).must(t)
			if aws.ToString(who.Arn) != "arn:aws:sts::000000000000:assumed-role/authenticated/CognitoIdentityCredentials" {
				t.Fatalf("GetCallerIdentity = %s", aws.ToString(who.Arn))
			}
			xml := s.rawCallerIdentity(t, c)
			for _, want := range []string{"<IdentityId>" + identity + "</IdentityId>", "<IdentityPoolId>" + poolID + "</IdentityPoolId>",
				"<UserPoolId>" + up.poolID + "</UserPoolId>", "<Username>mia</Username>", "<UserSub>" + sub + "</UserSub>"} {
				if !strings.Contains(xml, want) {
					t.Fatalf("GetCallerIdentity lacks %s: %s", want, xml)
				}
			}

			// A resource server learns both ids and whether the role allows.
			own := "arn:aws:s3:::bucket/private/" + identity + "/a.txt"
			got := s.authorize(t, c, "s3:PutObject", own, nil)
			if !got.Allowed || got.Decision != "Allow" || got.IdentityId != identity || got.IdentityPoolId != poolID ||
				got.RoleArn != "arn:aws:iam::000000000000:role/authenticated" || got.User == nil || got.User.Username != "mia" ||
				got.User.Sub != sub || got.User.Attributes["email"] != "mia@example.com" {
				t.Fatalf("AuthorizeRequest = %+v (user %+v)", got, got.User)
			}
			if got := s.authorize(t, c, "s3:PutObject", "arn:aws:s3:::bucket/private/us-east-1:someone-else/a.txt", nil); got.Allowed || got.Decision != "ImplicitDeny" || got.IdentityId != identity {
				t.Fatalf("another identity's folder: %+v", got)
			}
			forged := s.authorize(t, c, "s3:PutObject", own, func(h map[string]string) {
				h["X-Amz-Date"] = time.Now().Add(time.Minute).UTC().Format("20060102T150405Z")
			})
			if forged.Allowed || forged.Decision != "Unauthenticated" || !strings.HasPrefix(forged.Message, "SignatureDoesNotMatch") || forged.IdentityId != "" {
				t.Fatalf("altered request: %+v", forged)
			}

			// Guests get the guest role, and their credentials name no user.
			guest := result(is.getID(poolID, nil)).must(t)
			gout := result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})).must(t)
			gc := aws.Credentials{AccessKeyID: *gout.Credentials.AccessKeyId, SecretAccessKey: *gout.Credentials.SecretKey, SessionToken: *gout.Credentials.SessionToken}
			gxml := s.rawCallerIdentity(t, gc)
			if !strings.Contains(gxml, "assumed-role/guest/CognitoIdentityCredentials") || !strings.Contains(gxml, "<IdentityId>"+guest+"</IdentityId>") || strings.Contains(gxml, "<UserSub>") {
				t.Fatalf("guest GetCallerIdentity: %s", gxml)
			}

			// The basic flow: GetOpenIdToken, then STS.
			anon := func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} }
			tok := *result(is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &identity, Logins: logins})).must(t).Token
			basic := result(s.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String("arn:aws:iam::000000000000:role/authenticated"), RoleSessionName: aws.String("basic"), WebIdentityToken: aws.String(tok),
			}, anon)).must(t)
			if aws.ToString(basic.SubjectFromWebIdentityToken) != identity || aws.ToString(basic.Audience) != poolID {
				t.Fatalf("basic flow = %+v", basic)
			}
			bxml := s.rawCallerIdentity(t, aws.Credentials{AccessKeyID: *basic.Credentials.AccessKeyId, SecretAccessKey: *basic.Credentials.SecretAccessKey, SessionToken: *basic.Credentials.SessionToken})
			if !strings.Contains(bxml, "<UserSub>"+sub+"</UserSub>") || !strings.Contains(bxml, "assumed-role/authenticated/basic") {
				t.Fatalf("basic-flow GetCallerIdentity: %s", bxml)
			}
			var events struct {
				Events []struct {
					EventType, Username string
					Details             map[string]string
				}
			}
			result(0, s.admin("ListAuditEvents", map[string]any{"IdentityId": identity}, &events)).must(t)
			if len(events.Events) == 0 || events.Events[0].EventType != "CredentialsIssued" ||
				events.Events[0].Details["Source"] != "sts:AssumeRoleWithWebIdentity" || events.Events[0].Username != "mia" ||
				events.Events[0].Details["AccessKeyId"] != aws.ToString(basic.Credentials.AccessKeyId) {
				t.Fatalf("audit of the STS issuance: %+v", events.Events)
			}

			// A guest's token does not open the authenticated role.
			gtok := *result(is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})).must(t).Token
			_, err := s.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String("arn:aws:iam::000000000000:role/authenticated"), RoleSessionName: aws.String("borrow"), WebIdentityToken: aws.String(gtok),
			}, anon)
			wantCode(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

			// A trust policy for another pool refuses, as Cognito reports it.
			result(roles.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("authenticated"),
				PolicyDocument: aws.String(cognitoTrust("us-east-1:00000000-0000-0000-0000-000000000000", "authenticated"))})).must(t)
			_, err = is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})
			wantCode(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration")
		})
	}
}
