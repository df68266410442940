package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// The tests in this file pin deviations from AWS that the boto3 probes in
// clients/python found.

// TestGuestOpenIDTokenIsNotALogin: a guest's basic-flow OpenID token (amr
// "unauthenticated") proves no login. Presented as the
// cognito-identity.amazonaws.com login it must not make the request
// authenticated (the authenticated role, whatever its trust policy says),
// nor keep a guest going after the pool stops allowing guests.
func TestGuestOpenIDTokenIsNotALogin(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(true, up)
		guest := result(s.getID(pool, nil)).must(t)
		tok := *result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})).must(t).Token
		logins := map[string]string{"cognito-identity.amazonaws.com": tok}

		_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		_, err = s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		other := result(s.getID(pool, nil)).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &other, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		_, err = s.ci.UnlinkIdentity(ctx, &cid.UnlinkIdentityInput{IdentityId: &guest, Logins: logins, LoginsToRemove: []string{"x"}})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")

		// The guest itself still gets the unauthenticated role.
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})).must(t)
		if r := s.issuer.last(t); r.RoleARN != guestRole {
			t.Fatalf("guest got %s", r.RoleARN)
		}
	})
}

// rootCall posts in as JSON to the operation target ("<prefix>.<op>"),
// signed (SigV4) with the root credentials; the caller closes the body.
func (s *server) rootCall(t *testing.T, target string, in any) *http.Response {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, s.http.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	id, key := s.app.RootCredentials()
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key}, req,
		hex.EncodeToString(sum[:]), "cognito-identity", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// rawIdentityCall calls an AWSCognitoIdentityService or CognateAdmin
// operation (target "<prefix>.<op>") signed with the root credentials and
// returns the decoded JSON body, so a test sees which members were sent.
func (s *server) rawIdentityCall(t *testing.T, target string, in any) map[string]any {
	t.Helper()
	resp := s.rootCall(t, target, in)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", target, resp.StatusCode, raw)
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v: %s", target, err, raw)
	}
	return out
}

// TestIdentityEmptyListsAreSent: boto3 callers index DeleteIdentities'
// UnprocessedIdentityIds (AWS sends [] when every identity was deleted)
// and DescribeIdentityOwner's Users and Logins (a guest has none) directly.
func TestIdentityEmptyListsAreSent(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(true, up)
		guest := result(s.getID(pool, nil)).must(t)
		owner := s.rawIdentityCall(t, "CognateAdmin.DescribeIdentityOwner", map[string]any{"IdentityId": guest})
		for _, k := range []string{"Users", "Logins"} {
			if v, ok := owner[k].([]any); !ok || len(v) != 0 {
				t.Errorf("DescribeIdentityOwner %s = %#v, want []", k, owner[k])
			}
		}
		del := s.rawIdentityCall(t, "AWSCognitoIdentityService.DeleteIdentities", map[string]any{"IdentityIdsToDelete": []string{guest}})
		if v, ok := del["UnprocessedIdentityIds"].([]any); !ok || len(v) != 0 {
			t.Errorf("DeleteIdentities UnprocessedIdentityIds = %#v, want []", del["UnprocessedIdentityIds"])
		}
	})
}

// vended signs a user in to an identity pool whose authenticated role
// allows the private-folder policy, with the real STS, and returns the
// identity and its credentials.
func vended(t *testing.T, backend string) (*server, string, aws.Credentials) {
	t.Helper()
	s := startWith(t, backend)
	id, key := s.app.RootCredentials()
	is := &idServer{server: s, ci: s.identityClient(id, key)}
	up := is.userPool()
	poolID := is.identityPool(false, up)
	roles := s.iamClient(false)
	result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"), AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated"))})).must(t)
	result(roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("authenticated"), PolicyName: aws.String("files"), PolicyDocument: aws.String(privateFolder)})).must(t)
	logins := map[string]string{awsKey(up.poolID): is.idToken(up, "nia")}
	identity := result(is.getID(poolID, logins)).must(t)
	out := result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})).must(t)
	return s, identity, aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretKey, SessionToken: *out.Credentials.SessionToken}
}

// TestAuthorizeS3Requests: S3 clients sign the request path URI-encoded
// once, not twice as other services do ("Each path segment must be
// URI-encoded twice (except for Amazon S3 which only gets URI-encoded
// once)", Create a signed AWS API request). A private-folder key holds the
// identity id, whose ':' travels as %3A: AuthorizeRequest must verify
// what an S3 SDK signs, header-signed and presigned.
func TestAuthorizeS3Requests(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			s, identity, c := vended(t, backend)
			key := "private/" + identity + "/a.txt"
			rawURL := "https://s3.example.com/bucket/" + strings.ReplaceAll(key, ":", "%3A")
			s3Signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
			ask := func(req *http.Request, payload string) authorizeOut {
				t.Helper()
				headers := map[string]string{"Host": req.URL.Host}
				for k, v := range req.Header {
					headers[k] = v[0]
				}
				var out authorizeOut
				result(0, s.admin("AuthorizeRequest", map[string]any{
					"Method": req.Method, "Path": req.URL.EscapedPath(), "Query": req.URL.RawQuery, "Headers": headers,
					"PayloadHash": payload, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/" + key,
				}, &out)).must(t)
				return out
			}

			req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
			if !strings.Contains(req.URL.EscapedPath(), "%3A") {
				t.Fatalf("path %s", req.URL.EscapedPath())
			}
			req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
			if err := s3Signer.SignHTTP(ctx, c, req, emptySHA256, "s3", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			if got := ask(req, emptySHA256); got.Decision != "Allow" || got.IdentityId != identity {
				t.Fatalf("S3-signed GET: %+v", got)
			}

			pre, _ := http.NewRequest(http.MethodGet, rawURL+"?X-Amz-Expires=300", nil)
			signed, _, err := s3Signer.PresignHTTP(ctx, c, pre, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			preq, _ := http.NewRequest(http.MethodGet, signed, nil)
			if got := ask(preq, "UNSIGNED-PAYLOAD"); got.Decision != "Allow" || got.IdentityId != identity {
				t.Fatalf("S3 presigned GET: %+v", got)
			}

			// The encoding still matters: the path as signed, not another.
			other, _ := http.NewRequest(http.MethodGet, strings.Replace(signed, "%3A", ":", 1), nil)
			if got := ask(other, "UNSIGNED-PAYLOAD"); got.Decision != "Unauthenticated" {
				t.Fatalf("re-encoded path: %+v", got)
			}
			// Other services still sign the path encoded twice.
			api, _ := http.NewRequest(http.MethodGet, strings.Replace(rawURL, "s3.example.com", "api.example.com", 1), nil)
			if err := v4.NewSigner().SignHTTP(ctx, c, api, emptySHA256, "execute-api", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			if got := ask(api, emptySHA256); got.Decision != "Allow" {
				t.Fatalf("execute-api GET: %+v", got)
			}
		})
	}
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// TestLookupDeveloperIdentityPages: LookupDeveloperIdentity's
// DeveloperUserIdentifierList is paginated by MaxResults and NextToken, as
// the API reference documents.
func TestLookupDeveloperIdentityPages(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		pool := s.identityPool(false)
		var identity string
		for _, user := range []string{"u1", "u2", "u3"} {
			in := &cid.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: &pool, Logins: map[string]string{"login.example.app": user}}
			if identity != "" {
				in.IdentityId = &identity
			}
			identity = *result(s.ci.GetOpenIdTokenForDeveloperIdentity(ctx, in)).must(t).IdentityId
		}
		var got []string
		var token *string
		for pages := 0; ; pages++ {
			out := result(s.ci.LookupDeveloperIdentity(ctx, &cid.LookupDeveloperIdentityInput{
				IdentityPoolId: &pool, IdentityId: &identity, MaxResults: aws.Int32(2), NextToken: token,
			})).must(t)
			if len(out.DeveloperUserIdentifierList) > 2 || aws.ToString(out.IdentityId) != identity || pages > 3 {
				t.Fatalf("page %d: %+v", pages, out)
			}
			got = append(got, out.DeveloperUserIdentifierList...)
			if token = out.NextToken; token == nil {
				break
			}
		}
		if strings.Join(got, ",") != "u1,u2,u3" {
			t.Fatalf("identifiers %v", got)
		}
		_, err := s.ci.LookupDeveloperIdentity(ctx, &cid.LookupDeveloperIdentityInput{
			IdentityPoolId: &pool, IdentityId: &identity, MaxResults: aws.Int32(2), NextToken: aws.String("bm9wZQ"),
		})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

// TestAmbiguousRoleDenied: a role mapping whose AmbiguousRoleResolution is
// Deny refuses as Cognito words it: NotAuthorizedException "The ambiguous
// role mapping rules for: <provider> denied this request."
func TestAmbiguousRoleDenied(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(false, up)
		rule := citypes.MappingRule{Claim: aws.String("custom:team"), MatchType: citypes.MappingRuleMatchTypeEquals,
			Value: aws.String("red"), RoleARN: aws.String(authRole)}
		for _, m := range []citypes.RoleMapping{
			{Type: citypes.RoleMappingTypeRules, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny,
				RulesConfiguration: &citypes.RulesConfigurationType{Rules: []citypes.MappingRule{rule}}},
			{Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny},
		} {
			result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
				IdentityPoolId: &pool, Roles: map[string]string{"authenticated": authRole},
				RoleMappings: map[string]citypes.RoleMapping{awsKey(up.poolID) + ":" + up.clientID: m},
			})).must(t)
			logins := map[string]string{loginKey(up.poolID): s.idToken(up, "zed")}
			identity := result(s.getID(pool, logins)).must(t)
			_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})
			wantCode(t, err, "NotAuthorizedException", "The ambiguous role mapping rules for: "+awsKey(up.poolID)+" denied this request.")
		}
	})
}

// TestTamperedLoginTokenMessage: a login token whose signature does not
// verify is refused as Cognito words it, "Invalid login token. Couldn't
// verify signed token." (clients match on it); one that is not a JWT at
// all is "Not a valid OpenId Connect identity token."
func TestTamperedLoginTokenMessage(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(false, up)
		tok := s.idToken(up, "tam")
		parts := strings.Split(tok, ".")
		sig := []byte(parts[2])
		sig[10] ^= 1
		forged := parts[0] + "." + parts[1] + "." + string(sig)
		_, err := s.getID(pool, map[string]string{awsKey(up.poolID): forged})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
		_, err = s.getID(pool, map[string]string{awsKey(up.poolID): "not-a-jwt"})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token. Not a valid OpenId Connect identity token.")
	})
}
