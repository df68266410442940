package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// stmt wraps statement JSON in a 2012-10-17 document.
func stmt(s string) string { return `{"Version":"2012-10-17","Statement":` + s + `}` }

func TestParseErrors(t *testing.T) {
	const allowAll = `{"Effect":"Allow","Action":"*","Resource":"*"}`
	for _, tc := range []struct {
		name  string
		parse func(string) (*Document, error)
		doc   string
		want  string
	}{
		{"not JSON", Parse, `{"Version":`, "Syntax errors in policy."},
		{"empty", Parse, ``, "Syntax errors in policy."},
		{"JSON null", Parse, `null`, "Syntax errors in policy."},
		{"an array", Parse, `[` + allowAll + `]`, "Syntax errors in policy."},
		{"duplicate key", Parse, stmt(`{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}`), "Syntax errors in policy."},
		{"duplicate condition key", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"a","k":"b"}}}`), "Syntax errors in policy."},
		{"duplicate top-level key", Parse, `{"Version":"2012-10-17","Statement":[],"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "Syntax errors in policy."},
		{"trailing data", Parse, stmt(allowAll) + `{}`, "Syntax errors in policy."},
		{"unknown top-level field", Parse, `{"Version":"2012-10-17","Foo":1,"Statement":` + allowAll + `}`, "Unknown field Foo"},
		{"field names are case-sensitive", Parse, `{"version":"2012-10-17","Statement":` + allowAll + `}`, "Unknown field version"},
		{"unknown statement field", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Foo":"x"}`), "Unknown field Foo"},
		{"unknown version", Parse, `{"Version":"2012-10-18","Statement":` + allowAll + `}`, "Syntax errors in policy."},
		{"version not a string", Parse, `{"Version":2012,"Statement":` + allowAll + `}`, "Syntax errors in policy."},
		{"Id not a string", Parse, `{"Version":"2012-10-17","Id":1,"Statement":` + allowAll + `}`, "Syntax errors in policy."},
		{"no Statement", Parse, `{"Version":"2012-10-17"}`, "Syntax errors in policy."},
		{"empty Statement", Parse, stmt(`[]`), "Syntax errors in policy."},
		{"Statement a string", Parse, stmt(`"x"`), "Syntax errors in policy."},
		{"statement not an object", Parse, stmt(`[` + allowAll + `,"x"]`), "Syntax errors in policy."},
		{"no Effect", Parse, stmt(`{"Action":"*","Resource":"*"}`), "Missing required field Effect"},
		{"bad Effect", Parse, stmt(`{"Effect":"Maybe","Action":"*","Resource":"*"}`), "Syntax errors in policy."},
		{"Effect in lower case", Parse, stmt(`{"Effect":"allow","Action":"*","Resource":"*"}`), "The policy failed legacy parsing"},
		{"Effect not a string", Parse, stmt(`{"Effect":true,"Action":"*","Resource":"*"}`), "Syntax errors in policy."},
		{"Action and NotAction", Parse, stmt(`{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}`), "Syntax errors in policy."},
		{"Resource and NotResource", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}`), "Syntax errors in policy."},
		{"Principal and NotPrincipal", Parse, stmt(`{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}`), "Syntax errors in policy."},
		{"no Action", Parse, stmt(`{"Effect":"Allow","Resource":"*"}`), "Policy statement must contain actions."},
		{"empty Action", Parse, stmt(`{"Effect":"Allow","Action":[],"Resource":"*"}`), "Policy statement must contain actions."},
		{"Action a number", Parse, stmt(`{"Effect":"Allow","Action":1,"Resource":"*"}`), "Syntax errors in policy."},
		{"Action array with a number", Parse, stmt(`{"Effect":"Allow","Action":["s3:GetObject",1],"Resource":"*"}`), "Syntax errors in policy."},
		{"Action array with null", Parse, stmt(`{"Effect":"Allow","Action":["s3:GetObject",null],"Resource":"*"}`), "Syntax errors in policy."},
		{"Action without vendor", Parse, stmt(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"Action with two colons", Parse, stmt(`{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}`), "Actions/Condition can contain only one colon."},
		{"Action with a bad vendor", Parse, stmt(`{"Effect":"Allow","Action":"s 3:GetObject","Resource":"*"}`), "Vendor s 3 is not valid"},
		{"empty Resource", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":[]}`), "Policy statement must contain resources."},
		{"Resource not an ARN", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"bucket"}`), `Resource bucket must be in ARN format or "*".`},
		{"Resource too short", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3"}`), `Resource arn:aws:s3 must be in ARN format or "*".`},
		{"Resource without service", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:aws::::x"}`), "Resource vendor must be fully qualified and cannot contain regexes."},
		{"Resource with wildcard service", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:s*:::x"}`), "Resource vendor must be fully qualified and cannot contain regexes."},
		{"Resource a number", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":7}`), "Syntax errors in policy."},
		{"duplicate Sid", Parse, stmt(`[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]`), "Statement IDs (SID) in a single policy must be unique."},
		{"Sid not a string", Parse, stmt(`{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}`), "Syntax errors in policy."},
		{"Condition not an object", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}`), "Syntax errors in policy."},
		{"unknown condition operator", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}`), "Syntax errors in policy."},
		{"NullIfExists", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}`), "Syntax errors in policy."},
		{"unknown set qualifier", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}`), "Syntax errors in policy."},
		{"operator body not an object", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":["k"]}}`), "Syntax errors in policy."},
		{"condition value an object", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":{"a":"b"}}}}`), "Syntax errors in policy."},
		{"condition value null", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":null}}}`), "Syntax errors in policy."},
		{"condition value nested array", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":[["a"]]}}}`), "Syntax errors in policy."},
		{"bad date", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2020-13-01"}}}`), "The policy failed legacy parsing"},
		{"bad number", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"k":"ten"}}}`), "Syntax errors in policy."},
		{"variable in a number", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"k":"${aws:x}"}}}`), "Syntax errors in policy."},
		{"bad CIDR", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}`), "Syntax errors in policy."},
		{"bad IP", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"intranet"}}}`), "Syntax errors in policy."},
		{"bad base64", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"k":"!!"}}}`), "Syntax errors in policy."},
		{"bad Null", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"k":"maybe"}}}`), "Syntax errors in policy."},
		{"principal string not *", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"arn:aws:iam::123456789012:root"}`), `Invalid principal in policy: "arn:aws:iam::123456789012:root"`},
		{"principal empty object", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{}}`), "Syntax errors in policy."},
		{"principal unknown type", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Users":"alice"}}`), `Invalid principal in policy: "Users":"alice"`},
		{"principal partial wildcard", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"}}`), `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"`},
		{"principal not an ARN", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"alice"}}`), `Invalid principal in policy: "AWS":"alice"`},
		{"principal empty", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":""}}`), `Invalid principal in policy: "Federated":""`},
		{"principal number", Parse, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":123456789012}}`), "Syntax errors in policy."},

		{"identity: no Resource", ParseIdentityPolicy, stmt(`{"Effect":"Allow","Action":"s3:*"}`), "Policy statement must contain resources."},
		{"identity: Principal", ParseIdentityPolicy, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), "Policy document should not specify a principal."},
		{"identity: NotPrincipal", ParseIdentityPolicy, stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), "Policy document should not specify a principal."},
		{"identity: Sid not alphanumeric", ParseIdentityPolicy, stmt(`{"Sid":"my-sid","Effect":"Allow","Action":"*","Resource":"*"}`), "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"managed: no Version", ParseManagedPolicy, `{"Statement":` + allowAll + `}`, "Policy document must be version 2012-10-17 or greater."},
		{"managed: 2008-10-17", ParseManagedPolicy, `{"Version":"2008-10-17","Statement":` + allowAll + `}`, "Policy document must be version 2012-10-17 or greater."},
		{"trust: no Principal", ParseTrustPolicy, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), "Missing required field Principal"},
		{"trust: Resource", ParseTrustPolicy, stmt(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}`), "Has prohibited field Resource"},
		{"trust: not an STS action", ParseTrustPolicy, stmt(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","s3:GetObject"]}`), "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.parse(tc.doc)
			if err == nil {
				t.Fatalf("parsed: %+v", d)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if pe.Message != tc.want || err.Error() != tc.want {
				t.Fatalf("message = %q (%s), want %q", pe.Message, pe.Detail, tc.want)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parse func(string) (*Document, error)
		doc   string
	}{
		{"statement object", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)},
		{"no Version", Parse, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`},
		{"Version 2008", ParseIdentityPolicy, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`},
		{"trust policy 2008", ParseTrustPolicy, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}}`},
		{"whitespace", Parse, "\n {\n\t\"Version\" : \"2012-10-17\" ,\"Statement\" : [ {\"Effect\":\"Allow\" , \"Action\" : [ \"s3:*\" ] ,\"Resource\":\"*\"} ] }\n"},
		{"wildcard vendor", Parse, stmt(`{"Effect":"Allow","Action":"*:Get*","Resource":"*"}`)},
		{"empty condition block", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}`)},
		{"empty Sid twice", ParseIdentityPolicy, stmt(`[{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"","Effect":"Deny","Action":"*","Resource":"*"}]`)},
		{"Sid with spaces outside IAM", Parse, stmt(`{"Sid":"Allow public read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)},
		{"resource policy without Resource", Parse, stmt(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sns:*"}`)},
		{"condition numbers and booleans", Parse, stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":[10, 2.5e1]},"Bool":{"aws:SecureTransport":true}}}`)},
		{"principal unique ID", ParseTrustPolicy, stmt(`{"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEID123456"},"Action":"sts:AssumeRole"}`)},
		{"principal OIDC provider", ParseTrustPolicy, stmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"client"}}}`)},
		{"same key in sibling objects", Parse, stmt(`[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"a"},"StringLike":{"k":"b"}}},{"Effect":"Allow","Action":"*","Resource":"*"}]`)},
		{"variables across resource colons", ParseIdentityPolicy, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustParse(t, tc.parse, tc.doc)
		})
	}
}

// The exported fields describe the document as written.
func TestParseDescribesDocument(t *testing.T) {
	d := mustParse(t, ParseTrustPolicy, `{"Version":"2012-10-17","Id":"trust","Statement":[{"Sid":"Cognito","Effect":"Allow",
		"Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":["a","b"]},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`)
	if d.Version != Version2012 || d.ID != "trust" || len(d.Statements) != 1 {
		t.Fatalf("document: %+v", d)
	}
	st := d.Statements[0]
	if st.Sid != "Cognito" || st.Effect != EffectAllow || !reflect.DeepEqual(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) || st.Resource != nil {
		t.Fatalf("statement: %+v", st)
	}
	if st.Principal == nil || st.Principal.Any || !reflect.DeepEqual(st.Principal.IDs, map[string][]string{"Federated": {"cognito-identity.amazonaws.com"}}) || st.NotPrincipal != nil {
		t.Fatalf("principal: %+v", st.Principal)
	}
	want := []Condition{
		{Operator: "ForAnyValue:StringLike", Key: "cognito-identity.amazonaws.com:amr", Values: []string{"authenticated"}},
		{Operator: "StringEquals", Key: "cognito-identity.amazonaws.com:aud", Values: []string{"a", "b"}},
	}
	if !reflect.DeepEqual(st.Conditions, want) {
		t.Fatalf("conditions: %+v", st.Conditions)
	}
	if e := (&Error{Message: "m", Detail: "d"}); e.Error() != "m" {
		t.Fatalf("Error() = %q", e.Error())
	}
}

// Detail points at the problem for logs.
func TestParseErrorDetail(t *testing.T) {
	_, err := Parse(stmt(`[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}]`))
	if d := detail(err); !strings.Contains(d, "Statement[1]") || !strings.Contains(d, "StringEqualz") {
		t.Fatalf("detail = %q", d)
	}
}

func TestTemplateVariables(t *testing.T) {
	for _, tc := range []struct {
		in     string
		pieces []piece
	}{
		{"plain", nil},
		{"a${x}b", []piece{{kind: pieceGlob, text: "a"}, {kind: pieceVar, key: "x"}, {kind: pieceGlob, text: "b"}}},
		{"${ aws:username , 'anon' }", []piece{{kind: pieceVar, key: "aws:username", text: "anon", def: true}}},
		{"${k, 'it''s'}", []piece{{kind: pieceVar, key: "k", text: "it's", def: true}}},
		{"${k, ''}", []piece{{kind: pieceVar, key: "k", text: "", def: true}}},
		{"${*}${?}${$}", []piece{{kind: pieceText, text: "*"}, {kind: pieceText, text: "?"}, {kind: pieceText, text: "$"}}},
		{"${a}${b}", []piece{{kind: pieceVar, key: "a"}, {kind: pieceVar, key: "b", vi: 1}}},
		{"${}", nil},
		{"${unclosed", nil},
		{"${k, default}", nil},
		{"${k, 'open}", nil},
		{"$x${y}", []piece{{kind: pieceGlob, text: "$x"}, {kind: pieceVar, key: "y"}}},
		{"a${b", nil},
		{"${${k}}", []piece{{kind: pieceGlob, text: "${"}, {kind: pieceVar, key: "k"}, {kind: pieceGlob, text: "}"}}},
	} {
		got := compileTemplate(tc.in, true)
		if !reflect.DeepEqual(got.pieces, tc.pieces) {
			t.Errorf("%q: pieces %+v, want %+v", tc.in, got.pieces, tc.pieces)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		fold bool
		want bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"**", "abc", false, true},
		{"a*b*c", "aXbYc", false, true},
		{"a*b*c", "aXbY", false, false},
		{"*.txt", "a.b.txt", false, true},
		{"?", "", false, false},
		{"??", "é", false, false},
		{"?", "é", false, true},
		{"s3:get*", "S3:GetObject", true, true},
		{"s3:get*", "S3:GetObject", false, false},
		{"S3:GETOBJECT", "s3:getobject", true, true},
		{"*a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", false, false},
	} {
		if got := globMatch(tc.p, tc.s, tc.fold); got != tc.want {
			t.Errorf("globMatch(%q, %q, %v) = %v", tc.p, tc.s, tc.fold, got)
		}
	}
}
