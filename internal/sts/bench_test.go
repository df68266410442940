package sts

import (
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// BenchmarkMintCredentials measures AssumeRoleWithWebIdentity as identity
// pools call it: role read, trust policy evaluation, minting and sealing.
func BenchmarkMintCredentials(b *testing.B) {
	f := newFixture(b)
	arn := f.role("Auth", cognitoTrust, 0, nil)
	f.sts.SetRecorder(nil)
	in := cognitoRequest(arn)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.sts.AssumeRoleWithWebIdentity(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealSession measures minting alone (keys, seal).
func BenchmarkSealSession(b *testing.B) {
	f := newFixture(b)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		sess := &Session{RoleARN: "arn:aws:iam::000000000000:role/Auth", RoleID: "AROAABCDEFGHIJKLMNOPQ", SessionName: "CognitoIdentityCredentials",
			Provider: CognitoProvider, Subject: identityID, Audience: []string{identityPool}, AMR: []string{"authenticated"},
			IdentityID: identityID, IdentityPoolID: identityPool, UserPoolID: userPool, Username: "alice", UserSub: userSub,
			PrincipalTags: map[string]string{"team": "blue"}}
		if _, err := f.sts.mint(sess, now, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyVendedSigV4 measures verifying a SigV4 request signed
// with vended credentials: opening the session token and checking the
// signature, with no storage.
func BenchmarkVerifyVendedSigV4(b *testing.B) {
	f := newFixture(b)
	arn := f.role("Auth", cognitoTrust, 0, nil)
	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn))
	if err != nil {
		b.Fatal(err)
	}
	req := signedBy(b, c, "POST", "https://api.example.com/items?x=1", `{"item":"a"}`, f.clock())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := awsproto.VerifyRequest(ctx, req, "", f.sts, f.clock()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorizeRequest measures the whole AuthorizeRequest: signature,
// role and policies read, user read, evaluation.
func BenchmarkAuthorizeRequest(b *testing.B) {
	f := newFixture(b)
	arn := f.role("Auth", cognitoTrust, 0, map[string]string{"files": ownFolder})
	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, cognitoRequest(arn))
	if err != nil {
		b.Fatal(err)
	}
	req := signedBy(b, c, "PUT", "https://api.example.com/files/a.txt", "hello", f.clock())
	in := AuthorizeInput{Request: req, Action: "s3:PutObject", Resource: "arn:aws:s3:::bucket/private/" + identityID + "/a.txt"}
	b.ReportAllocs()
	for b.Loop() {
		res, err := f.sts.AuthorizeRequest(ctx, in)
		if err != nil || !res.Allowed {
			b.Fatal(res, err)
		}
	}
}
