package sts

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/iam"
)

// signedBy signs a request to a resource server with c, as an SDK would,
// and describes it as the resource server received it.
func signedBy(t testing.TB, c *Credentials, method, rawURL, body string, at time.Time) awsproto.SignedRequest {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		req, hashOf(body), "execute-api", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	h := req.Header.Clone()
	if body != "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return awsproto.SignedRequest{Method: method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Host: req.Host, Header: h, Body: []byte(body)}
}

func TestAuthorizeRequest(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Auth", cognitoTrust, 0, map[string]string{"files": ownFolder})
	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn))
	if err != nil {
		t.Fatal(err)
	}
	req := signedBy(t, c, "PUT", "https://api.example.com/files/a.txt?v=1", "hello", f.clock())
	own := "arn:aws:s3:::bucket/private/" + identityID + "/a.txt"

	res, err := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: "s3:PutObject", Resource: own, SourceIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Allowed || res.Decision != "Allow" || res.IdentityID != identityID || res.IdentityPoolID != identityPool ||
		res.RoleARN != arn || res.AssumedRoleARN != c.AssumedRoleARN || res.PrincipalTags["team"] != "blue" ||
		res.User == nil || res.User.Username != "alice" || res.User.Sub != userSub || res.User.UserPoolID != userPool ||
		res.User.Attributes["email"] != "alice@example.com" || res.User.Attributes["sub"] != userSub ||
		!res.Expiration.Equal(c.Expiration) || res.AccessKeyID != c.AccessKeyID {
		t.Fatalf("allowed result = %+v (user %+v)", res, res.User)
	}

	for _, tt := range []struct {
		name             string
		action, resource string
		context          map[string][]string
		want             string
	}{
		{"another identity's folder", "s3:GetObject", "arn:aws:s3:::bucket/private/us-east-1:someone-else/a.txt", nil, "ImplicitDeny"},
		{"explicit deny", "s3:GetObject", "arn:aws:s3:::bucket/private/" + identityID + "/secret/x", nil, "ExplicitDeny"},
		{"action not allowed", "s3:DeleteObject", own, nil, "ImplicitDeny"},
		{"principal tag", "s3:GetObject", "arn:aws:s3:::bucket/teams/blue/doc", nil, "Allow"},
		{"other team", "s3:GetObject", "arn:aws:s3:::bucket/teams/red/doc", nil, "ImplicitDeny"},
		{"caller cannot set aws: keys", "s3:GetObject", "arn:aws:s3:::bucket/teams/red/doc",
			map[string][]string{"aws:PrincipalTag/team": {"red"}, "cognito-identity.amazonaws.com:sub": {"x"}}, "ImplicitDeny"},
		{"caller cannot set aws: keys in another ASCII case", "s3:GetObject", "arn:aws:s3:::bucket/teams/red/doc",
			map[string][]string{"AWS:PrincipalTag/team": {"red"}}, "ImplicitDeny"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: tt.action, Resource: tt.resource, Context: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tt.want || res.Allowed != (tt.want == "Allow") || res.IdentityID != identityID {
				t.Fatalf("decision %s (allowed %v), want %s", res.Decision, res.Allowed, tt.want)
			}
		})
	}

	// Requests that do not verify are answered Unauthenticated.
	tampered := req
	tampered.Body = []byte("HELLO")
	otherToken := req
	otherToken.Header = req.Header.Clone()
	otherToken.Header.Set("X-Amz-Security-Token", c.SessionToken[:len(c.SessionToken)-4]+"AAAA")
	for _, tt := range []struct {
		name    string
		req     awsproto.SignedRequest
		service string
		code    string
	}{
		{"tampered body", tampered, "", "SignatureDoesNotMatch"},
		{"tampered token", otherToken, "", "InvalidClientTokenId"},
		{"wrong service", req, "s3", "SignatureDoesNotMatch"},
		{"unsigned", awsproto.SignedRequest{Method: "GET", Path: "/", Header: http.Header{"Host": {"api.example.com"}}}, "", "MissingAuthenticationToken"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: tt.req, Service: tt.service, Action: "s3:PutObject", Resource: own})
			if err != nil {
				t.Fatal(err)
			}
			if res.Allowed || res.Decision != DecisionUnauthenticated || res.ErrorCode != tt.code || res.IdentityID != "" {
				t.Fatalf("result = %+v, want Unauthenticated %s", res, tt.code)
			}
		})
	}
	if _, err := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req}); err == nil {
		t.Fatal("no action: want an error")
	}

	// A session policy narrows the role's permissions.
	narrow := cognitoRequest(arn)
	narrow.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	nc, err := f.sts.AssumeRoleWithWebIdentity(ctx, narrow)
	if err != nil {
		t.Fatal(err)
	}
	nreq := signedBy(t, nc, "PUT", "https://api.example.com/files/a.txt", "x", f.clock())
	if res, _ := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: nreq, Action: "s3:PutObject", Resource: own}); res.Allowed {
		t.Fatal("session policy did not narrow PutObject")
	}
	if res, _ := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: nreq, Action: "s3:GetObject", Resource: own}); !res.Allowed {
		t.Fatal("session policy should leave GetObject")
	}

	// Policy changes apply at once; a deleted (or re-created) role allows
	// nothing.
	if _, err := f.iam.DeleteRolePolicy(ctx, &iam.RolePolicyInput{RoleName: "Auth", PolicyName: "files"}); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: "s3:PutObject", Resource: own}); res.Allowed {
		t.Fatal("allowed after the policy was deleted")
	}
	if _, err := f.iam.DeleteRole(ctx, &iam.RoleNameInput{RoleName: "Auth"}); err != nil {
		t.Fatal(err)
	}
	f.role("Auth", cognitoTrust, 0, map[string]string{"files": ownFolder})
	res, err = f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: "s3:PutObject", Resource: own})
	if err != nil || res.Allowed || res.Decision != "ImplicitDeny" || !strings.Contains(res.Reason, "no longer exists") {
		t.Fatalf("re-created role: %+v %v", res, err)
	}

	// Expired credentials are Unauthenticated with ExpiredToken.
	f.advance(time.Hour)
	res, err = f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: "s3:PutObject", Resource: own})
	if err != nil || res.Decision != DecisionUnauthenticated || res.ErrorCode != "ExpiredToken" {
		t.Fatalf("expired: %+v %v", res, err)
	}
}

// TestAuthorizeRequestContextKeys: a caller-supplied Context key cannot
// stand for a key this server sets, whatever its spelling. The session has
// no dept tag, so only a forged aws:PrincipalTag/dept could allow; the long
// s ('ſ') folds to 's' under Unicode folding but not in IAM's key names.
func TestAuthorizeRequestContextKeys(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Dept", cognitoTrust, 0, map[string]string{"dept": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/dept":"finance"}}}]}`})
	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn))
	if err != nil {
		t.Fatal(err)
	}
	req := signedBy(t, c, "GET", "https://api.example.com/books", "", f.clock())
	for _, tt := range []struct {
		key  string
		want string
	}{
		{"aws:PrincipalTag/dept", "ImplicitDeny"},
		{"AWS:PrincipalTag/dept", "ImplicitDeny"},
		{"awſ:PrincipalTag/dept", "ImplicitDeny"},
		{"Awſ:principaltag/DEPT", "ImplicitDeny"},
		{"s3:dept", "ImplicitDeny"}, // passed on, but not the key the policy reads
	} {
		t.Run(tt.key, func(t *testing.T) {
			res, err := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/x",
				Context: map[string][]string{tt.key: {"finance"}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tt.want {
				t.Fatalf("Context {%q: finance}: decision %s, want %s", tt.key, res.Decision, tt.want)
			}
		})
	}
}

// TestAuthorizeRequestRefusesRootKeys checks that only vended credentials
// are considered: the root credentials are not STS's to vouch for.
func TestAuthorizeRequestRefusesRootKeys(t *testing.T) {
	f := newFixture(t)
	root := &Credentials{AccessKeyID: "AKIAROOT000000000000", SecretAccessKey: strings.Repeat("s", 40)}
	req := signedBy(t, root, "GET", "https://api.example.com/", "", f.clock())
	res, err := f.sts.AuthorizeRequest(ctx, AuthorizeInput{Request: req, Action: "execute-api:Invoke", Resource: "*"})
	if err != nil || res.Decision != DecisionUnauthenticated || res.ErrorCode != "InvalidClientTokenId" {
		t.Fatalf("root-signed: %+v %v", res, err)
	}
}
