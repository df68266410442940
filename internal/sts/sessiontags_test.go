package sts

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// taggedToken signs an identity pool OpenID token of this server that
// passes claim as its session tags ("https://aws.amazon.com/tags").
func (f *fixture) taggedToken(claim any) string {
	f.t.Helper()
	now := f.clock()
	tok, err := f.tokens.Sign(ctx, CognitoKeys, "openid", map[string]any{
		"iss": testPublicURL + "/cognito-identity", "sub": identityID, "aud": identityPool,
		"amr": []string{"authenticated"}, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
		"https://aws.amazon.com/tags": claim,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// TestSessionTagsFromTheToken checks AssumeRoleWithWebIdentity against the
// session-tag rules of "Passing session tags using AssumeRoleWithWebIdentity"
// (IAM User Guide): the token's principal tags become the session's, only
// with sts:TagSession in the trust policy, within STS's limits, with
// sts:TransitiveTagKeys and aws:RequestTag/<key> in the trust context.
func TestSessionTagsFromTheToken(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Auth", cognitoTrust, 0, nil)
	srv := f.serve()
	anon := stsClient(srv, "", "", "")
	assume := func(role, tok string) (*awssts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(role), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(tok)})
	}

	good := map[string]any{
		"principal_tags":      map[string]any{"Sub": []string{userSub}, "IdentityId": []string{identityID}, "dept": []string{"RD"}},
		"transitive_tag_keys": []string{"Sub", "IdentityId"},
	}
	out, err := assume(arn, f.taggedToken(good))
	if err != nil {
		t.Fatal(err)
	}
	sess, err := f.sts.OpenSession(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SessionToken))
	if err != nil {
		t.Fatal(err)
	}
	if len(sess.PrincipalTags) != 3 || sess.PrincipalTags["Sub"] != userSub || sess.PrincipalTags["IdentityId"] != identityID {
		t.Fatalf("principal tags = %v", sess.PrincipalTags)
	}
	// 3+36 + 10+46 + 4+2 = 101 bytes of 360.
	//lint:ignore SA1019 Cognate answers PackedPolicySize, which the STS API reference still documents
	if p := aws.ToInt32(out.PackedPolicySize); p != 29 {
		t.Fatalf("PackedPolicySize = %d, want 29", p)
	}

	for _, tt := range []struct {
		name  string
		claim any
		code  string
		msg   string
	}{
		{"51 tags", map[string]any{"principal_tags": func() map[string]any {
			m := map[string]any{}
			for i := range 51 {
				m[fmt.Sprintf("k%02d", i)] = []string{"v"}
			}
			return m
		}()}, "ValidationError", "Cannot exceed quota for TagsPerSession: 50"},
		{"key of 129 characters", map[string]any{"principal_tags": map[string]any{strings.Repeat("k", 129): []string{"v"}}}, "ValidationError", "1 to 128 characters"},
		{"value of 257 characters", map[string]any{"principal_tags": map[string]any{"k": []string{strings.Repeat("v", 257)}}}, "ValidationError", "at most 256 characters"},
		{"comma in a value", map[string]any{"principal_tags": map[string]any{"groups": []string{"a,b"}}}, "ValidationError", "session tag 'groups'"},
		{"aws: key", map[string]any{"principal_tags": map[string]any{"aws:userid": []string{"x"}}}, "ValidationError", "reserved prefix aws:"},
		{"AWS: key", map[string]any{"principal_tags": map[string]any{"AWS:x": []string{"x"}}}, "ValidationError", "reserved prefix aws:"},
		{"keys differing only in case", map[string]any{"principal_tags": map[string]any{"Sub": []string{"a"}, "sub": []string{"b"}}}, "ValidationError", "Duplicate tag keys"},
		{"several values", map[string]any{"principal_tags": map[string]any{"dept": []string{"a", "b"}}}, "ValidationError", "multivalued session tags are not supported"},
		{"transitive key of no tag", map[string]any{"principal_tags": map[string]any{"dept": []string{"a"}}, "transitive_tag_keys": []string{"team"}}, "ValidationError", "Transitive tag key 'team'"},
		{"not an object", []any{map[string]any{"principal_tags": map[string]any{"dept": []string{"a"}}}}, "ValidationError", "must be an object"},
		{"over the packed size", map[string]any{"principal_tags": map[string]any{"a": []string{strings.Repeat("x", 200)}, "b": []string{strings.Repeat("y", 200)}}},
			"PackedPolicyTooLarge", "Packed size of session tags consumes 112% of allotted space."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assume(arn, f.taggedToken(tt.claim))
			wantCode(t, err, tt.code, tt.msg)
		})
	}
	var packed *ststypes.PackedPolicyTooLargeException
	if _, err := assume(arn, f.taggedToken(map[string]any{"principal_tags": map[string]any{"a": []string{strings.Repeat("x", 256)}, "b": []string{strings.Repeat("y", 256)}}})); !errors.As(err, &packed) {
		t.Fatalf("the SDK should type PackedPolicyTooLarge: %T %v", err, err)
	}

	// Without sts:TagSession the trust policy refuses tagged tokens.
	noTags := f.role("NoTags", strings.Replace(cognitoTrust, `["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`, `"sts:AssumeRoleWithWebIdentity"`, 1), 0, nil)
	_, err = assume(noTags, f.taggedToken(good))
	wantCode(t, err, "AccessDenied", "Not authorized to perform sts:TagSession")

	// sts:TagSession can limit which tags and which transitive keys pass.
	limited := f.role("Limited", `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",
 "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"`+identityPool+`"}}},
{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:TagSession",
 "Condition":{"StringEquals":{"aws:RequestTag/IdentityId":"${cognito-identity.amazonaws.com:sub}"},
  "ForAllValues:StringEquals":{"sts:TransitiveTagKeys":["Sub","IdentityId"],"aws:TagKeys":["Sub","IdentityId","dept"]}}}]}`, 0, nil)
	if _, err := assume(limited, f.taggedToken(good)); err != nil {
		t.Fatalf("allowed tags: %v", err)
	}
	for name, claim := range map[string]any{
		"another identity's id": map[string]any{"principal_tags": map[string]any{"IdentityId": []string{guestID}}},
		"a tag not allowed":     map[string]any{"principal_tags": map[string]any{"IdentityId": []string{identityID}, "admin": []string{"yes"}}},
		"a transitive key not allowed": map[string]any{"principal_tags": map[string]any{"IdentityId": []string{identityID}, "dept": []string{"x"}},
			"transitive_tag_keys": []string{"dept"}},
	} {
		if _, err := assume(limited, f.taggedToken(claim)); err == nil {
			t.Fatalf("%s: the trust policy allowed it", name)
		} else {
			wantCode(t, err, "AccessDenied", "Not authorized to perform sts:TagSession")
		}
	}
}

// TestSessionTagsGoAPI checks the rules on the Go path identity pools use
// (GetCredentialsForIdentity): the same validation, before the trust
// policy.
func TestSessionTagsGoAPI(t *testing.T) {
	f := newFixture(t)
	arn := f.role("Auth", cognitoTrust, 0, nil)
	for _, tt := range []struct {
		name       string
		tags       map[string]string
		transitive []string
		code, msg  string
	}{
		{"aws: key", map[string]string{"aws:x": "y"}, nil, CodeValidation, "reserved prefix aws:"},
		{"bad character", map[string]string{"team": "blue!"}, nil, CodeValidation, "session tag 'team'"},
		{"transitive key of no tag", map[string]string{"team": "blue"}, []string{"dept"}, CodeValidation, "Transitive tag key 'dept'"},
		{"over the packed size", map[string]string{"a": strings.Repeat("x", 250), "b": strings.Repeat("y", 250)}, nil, CodePackedPolicyTooLarge, "Packed size"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := cognitoRequest(arn)
			r.PrincipalTags, r.TransitiveTagKeys = tt.tags, tt.transitive
			_, err := f.sts.AssumeRoleWithWebIdentity(ctx, r)
			wantCode(t, err, tt.code, tt.msg)
		})
	}
	r := cognitoRequest(arn)
	r.TransitiveTagKeys = []string{"team"}
	c, err := f.sts.AssumeRoleWithWebIdentity(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if c.PackedPolicySize != 3 { // "team"+"blue" = 8 bytes of 360
		t.Fatalf("PackedPolicySize = %d", c.PackedPolicySize)
	}
}
