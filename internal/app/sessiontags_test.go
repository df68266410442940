package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cognate-dev/cognate/internal/app"
)

// startTLS serves a server over TLS with its https URL as the public URL,
// as a Cognate registered at AWS must be: its OpenID issuer is then
// <https URL>/cognito-identity, reachable by clients that trust the test
// certificate (srv.http.Client()).
func startTLS(t *testing.T, backend string) *server {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	cfg := newConfig(t, backend)
	cfg.PublicURL = "https://" + hs.Listener.Addr().String()
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs.Config.Handler = a.Handler()
	hs.StartTLS()
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return s
}

// jwtClaims decodes a JWT's payload (no verification: the test reads what
// the issuer put in it).
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %s", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// tagsClaim returns a token's "https://aws.amazon.com/tags" claim: the
// principal tags (single values) and the transitive keys.
func tagsClaim(t *testing.T, tok string) (map[string]string, []string) {
	t.Helper()
	var claim struct {
		PrincipalTags     map[string][]string `json:"principal_tags"`
		TransitiveTagKeys []string            `json:"transitive_tag_keys"`
	}
	raw, _ := json.Marshal(jwtClaims(t, tok)["https://aws.amazon.com/tags"])
	if err := json.Unmarshal(raw, &claim); err != nil {
		t.Fatal(err)
	}
	if claim.PrincipalTags == nil {
		return nil, nil
	}
	tags := map[string]string{}
	for k, v := range claim.PrincipalTags {
		if len(v) != 1 {
			t.Fatalf("tag %s has %d values", k, len(v))
		}
		tags[k] = v[0]
	}
	return tags, claim.TransitiveTagKeys
}

// sessionTagsOptions is CognateAdmin's IdentityPoolOptions.
type sessionTagsOptions struct {
	IdentityPoolId      string
	IdentityIdAttribute string `json:",omitempty"`
	SessionTagsClaim    *bool  `json:",omitempty"`
}

// TestSessionTagsClaimAtAnotherSTS is the set-up of README "Real AWS and
// other STS-compatible stores" with a second Cognate playing AWS: server A
// is the identity provider, served over https, whose identity pool has
// SessionTagsClaim on; server B registers A's OpenID issuer as an IAM OIDC
// provider with the identity pool id as client id, and has a role that
// trusts it with sts:TagSession and whose policy keys a folder on
// ${aws:PrincipalTag/Sub}. A's OpenID token gets credentials from B's
// AssumeRoleWithWebIdentity whose principal tags carry both ids; a role
// without sts:TagSession refuses it.
func TestSessionTagsClaimAtAnotherSTS(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			a := startTLS(t, backend)
			id, key := a.app.RootCredentials()
			ia := &idServer{server: a, ci: a.identityClient(id, key)}
			up := ia.userPool()
			poolID := ia.identityPool(true, up)
			logins := map[string]string{awsKey(up.poolID): ia.idToken(up, "mia")}
			identity := result(ia.getID(poolID, logins)).must(t)
			user := result(a.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("mia")})).must(t)
			sub, _ := attrValue(user.UserAttributes, "sub")
			openID := func() string {
				t.Helper()
				return *result(ia.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &identity, Logins: logins})).must(t).Token
			}

			// Off by default: the token carries no session tags.
			var opts sessionTagsOptions
			result(0, a.admin("DescribeIdentityPoolOptions", map[string]string{"IdentityPoolId": poolID}, &opts)).must(t)
			if opts.SessionTagsClaim == nil || *opts.SessionTagsClaim {
				t.Fatalf("options = %+v, want SessionTagsClaim false", opts)
			}
			untagged := openID()
			if tags, _ := tagsClaim(t, untagged); tags != nil {
				t.Fatalf("tags without the option: %v", tags)
			}

			result(0, a.admin("UpdateIdentityPoolOptions", sessionTagsOptions{IdentityPoolId: poolID, SessionTagsClaim: aws.Bool(true)}, &opts)).must(t)
			if opts.SessionTagsClaim == nil || !*opts.SessionTagsClaim {
				t.Fatalf("UpdateIdentityPoolOptions = %+v", opts)
			}
			tok := openID()
			claims := jwtClaims(t, tok)
			if claims["iss"] != a.cfg.PublicURL+"/cognito-identity" || claims["aud"] != poolID || claims["sub"] != identity {
				t.Fatalf("claims = %v", claims)
			}
			tags, transitive := tagsClaim(t, tok)
			want := map[string]string{"IdentityId": identity, "IdentityPoolId": poolID, "UserPoolId": up.poolID, "Sub": sub, "CognitoUsername": "mia"}
			if len(tags) != len(want) || len(transitive) != len(want) {
				t.Fatalf("tags = %v, transitive = %v; want %v, all transitive", tags, transitive, want)
			}
			for k, v := range want {
				if tags[k] != v {
					t.Fatalf("tag %s = %q, want %q (tags %v)", k, tags[k], v, tags)
				}
			}

			// B plays AWS: A's issuer is an IAM OIDC provider whose client
			// id is the identity pool id.
			b := startWith(t, backend, app.WithHTTPClient(a.http.Client()))
			roles := b.iamClient(false)
			prov := result(roles.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
				Url: aws.String(a.cfg.PublicURL + "/cognito-identity"), ClientIDList: []string{poolID},
			})).must(t)
			providerARN := aws.ToString(prov.OpenIDConnectProviderArn)
			host := strings.TrimPrefix(a.cfg.PublicURL, "https://") + "/cognito-identity"
			// The README's trust policy: the pool's tokens, with a Sub tag
			// (which a guest's token lacks).
			trust := func(actions string) string {
				return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + providerARN + `"},
"Action":` + actions + `,"Condition":{"StringEquals":{"` + host + `:aud":"` + poolID + `"},
"Null":{"aws:RequestTag/Sub":"false"}}}]}`
			}
			result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("files"),
				AssumeRolePolicyDocument: aws.String(trust(`["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`))})).must(t)
			result(roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("files"), PolicyName: aws.String("own-folder"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
"Resource":"arn:aws:s3:::bucket/users/${aws:PrincipalTag/Sub}/*"}]}`)})).must(t)
			result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("no-tags"),
				AssumeRolePolicyDocument: aws.String(trust(`"sts:AssumeRoleWithWebIdentity"`))})).must(t)

			anon := func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} }
			assume := func(role, tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
				return b.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
					RoleArn: aws.String("arn:aws:iam::000000000000:role/" + role), RoleSessionName: aws.String(sub), WebIdentityToken: aws.String(tok),
				}, anon)
			}
			out := result(assume("files", tok)).must(t)
			//lint:ignore SA1019 Cognate answers PackedPolicySize, which the STS API reference still documents
			packed := aws.ToInt32(out.PackedPolicySize)
			if aws.ToString(out.SubjectFromWebIdentityToken) != identity || aws.ToString(out.Audience) != poolID ||
				aws.ToString(out.Provider) != a.cfg.PublicURL+"/cognito-identity" || packed <= 0 {
				t.Fatalf("AssumeRoleWithWebIdentity = %+v", out)
			}
			c := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
			who := result(b.stsClient(c.AccessKeyID, c.SecretAccessKey, c.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})).must(t)
			if aws.ToString(who.Arn) != "arn:aws:sts::000000000000:assumed-role/files/"+sub {
				t.Fatalf("GetCallerIdentity = %s", aws.ToString(who.Arn))
			}
			got := b.authorize(t, c, "s3:PutObject", "arn:aws:s3:::bucket/users/"+sub+"/a.txt", nil)
			if !got.Allowed || got.PrincipalTags["Sub"] != sub || got.PrincipalTags["IdentityId"] != identity ||
				got.PrincipalTags["IdentityPoolId"] != poolID || got.PrincipalTags["UserPoolId"] != up.poolID || got.PrincipalTags["CognitoUsername"] != "mia" {
				t.Fatalf("AuthorizeRequest, own folder = %+v", got)
			}
			if got := b.authorize(t, c, "s3:PutObject", "arn:aws:s3:::bucket/users/someone-else/a.txt", nil); got.Allowed || got.Decision != "ImplicitDeny" {
				t.Fatalf("AuthorizeRequest, another folder = %+v", got)
			}

			// A guest's token has no Sub tag: the trust policy refuses it.
			guest := result(ia.getID(poolID, nil)).must(t)
			gtok := *result(ia.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})).must(t).Token
			if gtags, _ := tagsClaim(t, gtok); len(gtags) != 2 || gtags["IdentityId"] != guest || gtags["IdentityPoolId"] != poolID {
				t.Fatalf("guest's tags = %v", gtags)
			}
			_, err := assume("files", gtok)
			wantCode(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

			// Without sts:TagSession a role refuses the tagged token, as AWS
			// does; without the option there are no tags, so the README's
			// trust policy refuses the token too.
			_, err = assume("no-tags", tok)
			wantCode(t, err, "AccessDenied", "Not authorized to perform sts:TagSession")
			_, err = assume("files", untagged)
			wantCode(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

			// A's own STS gives the enhanced flow the same tags.
			result(a.iamClient(false).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"),
				AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated"))})).must(t)
			creds := result(ia.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})).must(t).Credentials
			ac := aws.Credentials{AccessKeyID: *creds.AccessKeyId, SecretAccessKey: *creds.SecretKey, SessionToken: *creds.SessionToken}
			if got := a.authorize(t, ac, "s3:GetObject", "arn:aws:s3:::bucket/x", nil); got.PrincipalTags["Sub"] != sub || got.PrincipalTags["IdentityId"] != identity {
				t.Fatalf("enhanced flow's principal tags = %v", got.PrincipalTags)
			}
		})
	}
}
