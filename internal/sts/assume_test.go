package sts

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/secret"
)

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	var pe *awsproto.Error
	switch {
	case errors.As(err, &ae):
		if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
			t.Fatalf("got %s: %s; want %s: %s", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
		}
	case errors.As(err, &pe):
		if pe.Type != code || !strings.Contains(pe.Message, msg) {
			t.Fatalf("got %s: %s; want %s: %s", pe.Type, pe.Message, code, msg)
		}
	default:
		t.Fatalf("got %v, want %s", err, code)
	}
}

// cognitoRequest is what identity pools pass for the linked identity.
func cognitoRequest(roleARN string) WebIdentityRequest {
	return WebIdentityRequest{
		RoleARN: roleARN, RoleSessionName: "CognitoIdentityCredentials",
		Token:      WebIdentity{Provider: CognitoProvider, Issuer: testPublicURL + "/cognito-identity", Subject: identityID, Audience: []string{identityPool}, AMR: []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/" + userPool}},
		IdentityID: identityID, IdentityPoolID: identityPool, UserPoolID: userPool, Username: "alice", UserSub: userSub,
		PrincipalTags: map[string]string{"team": "blue"}, Operation: "GetCredentialsForIdentity", SourceIP: "198.51.100.7",
	}
}

func TestAssumeRoleWithWebIdentityGoAPI(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Auth", cognitoTrust, 0, nil)

	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || len(c.AccessKeyID) != 20 || len(c.SecretAccessKey) != 40 ||
		!c.Expiration.Equal(f.clock().Add(time.Hour)) || c.AssumedRoleARN != "arn:aws:sts::000000000000:assumed-role/Auth/CognitoIdentityCredentials" {
		t.Fatalf("credentials = %+v", c)
	}
	sess, err := f.sts.OpenSession(c.AccessKeyID, c.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	if sess.IdentityID != identityID || sess.UserSub != userSub || sess.Username != "alice" || sess.PrincipalTags["team"] != "blue" ||
		sess.SecretAccessKey != c.SecretAccessKey || sess.RoleARN != arn {
		t.Fatalf("session = %+v", sess)
	}
	is := f.rec.last()
	if is.Operation != "GetCredentialsForIdentity" || is.AccessKeyID != c.AccessKeyID || is.IdentityID != identityID ||
		is.UserPoolID != userPool || is.Username != "alice" || is.UserSub != userSub || is.SourceIP != "198.51.100.7" ||
		!is.Expiration.Equal(c.Expiration) || is.AssumedRoleARN != c.AssumedRoleARN {
		t.Fatalf("recorded %+v", is)
	}

	guest := cognitoRequest(arn)
	guest.Token.AMR = []string{"unauthenticated"}
	_, err = f.sts.AssumeRoleWithWebIdentity(ctx, guest)
	wantCode(t, err, CodeAccessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity")

	otherPool := cognitoRequest(arn)
	otherPool.Token.Audience = []string{"us-east-1:another-pool"}
	_, err = f.sts.AssumeRoleWithWebIdentity(ctx, otherPool)
	wantCode(t, err, CodeAccessDenied, "")

	// Principal tags need sts:TagSession in the trust policy.
	noTags := f.role("NoTags", strings.Replace(cognitoTrust, `["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`, `"sts:AssumeRoleWithWebIdentity"`, 1), 0, nil)
	_, err = f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(noTags))
	wantCode(t, err, CodeAccessDenied, "Not authorized to perform sts:TagSession")
	untagged := cognitoRequest(noTags)
	untagged.PrincipalTags = nil
	if _, err := f.sts.AssumeRoleWithWebIdentity(ctx, untagged); err != nil {
		t.Fatalf("without tags: %v", err)
	}

	for _, tt := range []struct {
		name   string
		change func(r *WebIdentityRequest)
		code   string
		msg    string
	}{
		{"no such role", func(r *WebIdentityRequest) { r.RoleARN = "arn:aws:iam::000000000000:role/Nope" }, CodeAccessDenied, ""},
		{"other account", func(r *WebIdentityRequest) { r.RoleARN = "arn:aws:iam::123456789012:role/Auth" }, CodeAccessDenied, ""},
		{"wrong path", func(r *WebIdentityRequest) { r.RoleARN = "arn:aws:iam::000000000000:role/x/Auth" }, CodeAccessDenied, ""},
		{"too long", func(r *WebIdentityRequest) { r.DurationSeconds = 3601 }, CodeValidation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"too short", func(r *WebIdentityRequest) { r.DurationSeconds = 899 }, CodeValidation, "greater than or equal to 900"},
		{"bad session name", func(r *WebIdentityRequest) { r.RoleSessionName = "a b" }, CodeValidation, "roleSessionName"},
		{"bad session policy", func(r *WebIdentityRequest) { r.Policy = `{"Statement":[]}` }, CodeMalformedPolicy, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := cognitoRequest(arn)
			tt.change(&r)
			_, err := f.sts.AssumeRoleWithWebIdentity(ctx, r)
			wantCode(t, err, tt.code, tt.msg)
		})
	}

	// An unrecorded issuance is a failed one.
	f.rec.fail = errors.New("audit log down")
	if _, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn)); err == nil || !strings.Contains(err.Error(), "audit log down") {
		t.Fatalf("recorder failure: %v", err)
	}
	f.rec.fail = nil
	f.sts.SetRecorder(nil)
	if _, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn)); err != nil {
		t.Fatalf("nil recorder: %v", err)
	}
}

// TestIdentityPoolTokenOnTheWire exchanges an identity pool OpenID token
// with AssumeRoleWithWebIdentity, then asks GetCallerIdentity with the
// credentials: it names the identity and the user linked to it.
func TestIdentityPoolTokenOnTheWire(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Auth", cognitoTrust, 0, nil)
	srv := f.serve()
	anon := stsClient(srv, "", "", "")

	tok := f.openIDToken(identityID, []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/" + userPool}, 10*time.Minute)
	out, err := anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(tok),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != identityID || aws.ToString(out.Audience) != identityPool ||
		aws.ToString(out.Provider) != testPublicURL+"/cognito-identity" {
		t.Fatalf("result = %+v", out)
	}
	if is := f.rec.last(); is.Operation != "AssumeRoleWithWebIdentity" || is.UserSub != userSub || is.Username != "alice" {
		t.Fatalf("recorded %+v", is)
	}
	c := out.Credentials
	signed := stsClient(srv, aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	who, err := signed.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::000000000000:assumed-role/Auth/app" || !strings.HasSuffix(aws.ToString(who.UserId), ":app") {
		t.Fatalf("GetCallerIdentity = %+v", who)
	}

	// The extra elements, which SDKs skip, on the wire.
	req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Security-Token", aws.ToString(c.SessionToken))
	err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken: aws.ToString(c.SessionToken)}, req, hashOf("Action=GetCallerIdentity&Version=2011-06-15"), "sts", "us-east-1", f.clock())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"<IdentityId>" + identityID + "</IdentityId>", "<IdentityPoolId>" + identityPool + "</IdentityPoolId>",
		"<UserPoolId>" + userPool + "</UserPoolId>", "<Username>alice</Username>", "<UserSub>" + userSub + "</UserSub>",
	} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("GetCallerIdentity lacks %s:\n%s", want, body)
		}
	}

	// Guests' tokens do not satisfy the authenticated role's trust policy.
	guestTok := f.openIDToken(guestID, []string{"unauthenticated"}, 10*time.Minute)
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(guestTok)})
	wantCode(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

	// Expired tokens, tokens of deleted identities and forged tokens fail.
	expired := f.openIDToken(identityID, []string{"authenticated"}, time.Minute)
	f.advance(2 * time.Minute)
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(expired)})
	wantCode(t, err, "ExpiredTokenException", "Token expired")
	if err := f.store.Identities().Delete(ctx, guestID); err != nil {
		t.Fatal(err)
	}
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(f.openIDToken(guestID, []string{"authenticated"}, time.Minute))})
	wantCode(t, err, "InvalidIdentityToken", "")
	forged := tok[:strings.LastIndexByte(tok, '.')+1] + strings.Repeat("A", 342)
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(forged)})
	wantCode(t, err, "InvalidIdentityToken", "")
}

// TestVendedCredentialsExpireAndRotate checks expiry, and that a rotated
// server key keeps old tokens working until the old key leaves the ring.
func TestVendedCredentialsExpireAndRotate(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Auth", cognitoTrust, 0, nil)
	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, func() WebIdentityRequest {
		r := cognitoRequest(arn)
		r.DurationSeconds = 900
		return r
	}())
	if err != nil {
		t.Fatal(err)
	}
	srv := f.serve()
	signed := stsClient(srv, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	if _, err := signed.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	rotated, _ := secret.NewKeyRing(map[uint32][]byte{1: bytesOf(7), 2: bytesOf(9)}, 2)
	f.sts.ring = rotated
	if _, err := f.sts.OpenSession(c.AccessKeyID, c.SessionToken); err != nil {
		t.Fatalf("old token under a rotated ring: %v", err)
	}
	fresh, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := rotated.Version(mustDecode(t, fresh.SessionToken)); v != 2 {
		t.Fatalf("new tokens sealed under key %d, want 2", v)
	}
	// A ring without the old key (a restart, so no cached sessions).
	f.sts.ring, _ = secret.NewKeyRing(map[uint32][]byte{2: bytesOf(9)}, 2)
	f.sts.sessions = newSessionCache(sessionCacheSize)
	if _, err := f.sts.OpenSession(c.AccessKeyID, c.SessionToken); !errors.Is(err, awsproto.ErrUnknownAccessKey) {
		t.Fatalf("token of a retired key: %v", err)
	}
	f.sts.ring = rotated

	f.advance(15 * time.Minute)
	_, err = signed.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken", "The security token included in the request is expired")
	if _, err := f.sts.OpenSession(c.AccessKeyID, c.SessionToken); !errors.Is(err, awsproto.ErrExpiredToken) {
		t.Fatalf("OpenSession after expiry: %v", err)
	}
}
