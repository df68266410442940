package policy

import (
	"errors"
	"testing"
)

// fuzzSeeds are documents the fuzzers start from: the AWS examples and
// edge cases of the grammar.
var fuzzSeeds = []string{
	s3CognitoPolicy,
	cognitoAuthTrust,
	dynamoRowsPolicy,
	mfaSelfManagePolicy,
	amplifyAuthRolePolicy,
	`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::*:user/${aws:username, 'x'}","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":["a*","${*}"]},"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]},"DateLessThanIfExists":{"aws:CurrentTime":"2030-01-01"},"Null":{"k":"false"},"BinaryEquals":{"b":"QQ=="},"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:t"},"NumericGreaterThanEquals":{"n":1.5}}}}`,
	`{"Statement":[{"Sid":"A","Effect":"Allow","NotPrincipal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/r"]},"Action":"*"}]}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${a}${b}${c}${d}${e}${f}${g}${h}${i}${j}"}}`,
	`{"Version":`,
	`[]`,
}

// FuzzParse checks that Parse never panics, that every error is an *Error
// with a message, and that whatever parses can be evaluated.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		for _, parse := range []func(string) (*Document, error){Parse, ParseIdentityPolicy, ParseManagedPolicy, ParseTrustPolicy} {
			d, err := parse(doc)
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) || pe.Message == "" {
					t.Fatalf("error %T %q", err, err)
				}
				if d != nil {
					t.Fatalf("a document and an error")
				}
				continue
			}
			if len(d.Statements) == 0 {
				t.Fatalf("a document without statements")
			}
			req := Request{
				Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::123456789012:user/a"},
				Action:    "s3:GetObject",
				Resource:  "arn:aws:s3:::b/k",
				Context:   ctx("aws:username", "a", "aws:SourceIp", "10.1.2.3", "aws:CurrentTime", "2024-01-01T00:00:00Z"),
			}
			checkResult(t, EvaluateDetailed(req, d), d)
		}
	})
}

// FuzzEvaluate checks that evaluating any request against any valid
// document never panics and reports a statement that exists.
func FuzzEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "s3:GetObject", "arn:aws:s3:::bucket-name/cognito/application-name/x/y", "cognito-identity.amazonaws.com:sub", "x", "AWS", "123456789012")
	}
	f.Add(cognitoAuthTrust, "sts:AssumeRoleWithWebIdentity", "", "cognito-identity.amazonaws.com:amr", "authenticated", "Federated", "cognito-identity.amazonaws.com")
	f.Add(mfaSelfManagePolicy, "iam:ListUsers", "arn:aws:iam::1:mfa/é", "aws:MultiFactorAuthPresent", "false", "", "")
	f.Fuzz(func(t *testing.T, doc, action, resource, key, value, ptype, pid string) {
		d, err := Parse(doc)
		if err != nil {
			return
		}
		req := Request{Action: action, Resource: resource, Context: map[string][]string{key: {value}, "aws:SourceIp": {value}, "aws:CurrentTime": {value}}}
		if ptype != "" {
			req.Principal = &Principal{Type: ptype, ID: pid}
		}
		checkResult(t, EvaluateDetailed(req, d, nil, d), d)
		req.Context[key] = []string{value, value + "x", ""}
		checkResult(t, EvaluateDetailed(req, d), d)
	})
}

func checkResult(t *testing.T, r Result, d *Document) {
	t.Helper()
	switch r.Decision {
	case ImplicitDeny:
		if r.Document != -1 || r.Statement != -1 || r.Sid != "" {
			t.Fatalf("implicit deny with a statement: %+v", r)
		}
	case Allow, ExplicitDeny:
		if r.Statement < 0 || r.Statement >= len(d.Statements) || d.Statements[r.Statement].Sid != r.Sid {
			t.Fatalf("result names no statement: %+v", r)
		}
		if want := map[Decision]string{Allow: EffectAllow, ExplicitDeny: EffectDeny}[r.Decision]; d.Statements[r.Statement].Effect != want {
			t.Fatalf("%s decided by a statement with Effect %s", r.Decision, d.Statements[r.Statement].Effect)
		}
	default:
		t.Fatalf("decision %q", r.Decision)
	}
}
