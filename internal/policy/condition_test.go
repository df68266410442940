package policy

import (
	"encoding/json"
	"testing"
)

// absent marks a condition key missing from the request.
var absent []string

// condCase is one condition operator with policy values (JSON) and request
// values, and whether the condition holds.
type condCase struct {
	op     string
	policy string // the JSON value of the key in the Condition element
	req    []string
	want   bool
}

// evalCondition evaluates {"Condition": {op: {"k": policy}}} in an Allow
// statement against a request whose context holds req for "k".
func evalCondition(t *testing.T, c condCase) bool {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{` +
		quote(c.op) + `:{"k":` + c.policy + `}}}}`
	d := mustParse(t, nil, doc)
	req := Request{Action: "svc:Do", Resource: "arn:aws:svc:::r"}
	if c.req != nil {
		req.Context = map[string][]string{"k": c.req}
	}
	return Evaluate(req, d) == Allow
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, c := range cases {
		name := c.op + " " + c.policy + " vs " + fmtReq(c.req)
		t.Run(name, func(t *testing.T) {
			if got := evalCondition(t, c); got != c.want {
				t.Fatalf("holds = %v, want %v", got, c.want)
			}
		})
	}
}

func fmtReq(req []string) string {
	if req == nil {
		return "<absent>"
	}
	b, _ := json.Marshal(req)
	return string(b)
}

func TestStringOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"StringEquals", `"a"`, []string{"a"}, true},
		{"StringEquals", `"a"`, []string{"A"}, false},
		{"StringEquals", `"a"`, absent, false},
		{"StringEquals", `["a","b"]`, []string{"b"}, true},
		{"StringEquals", `["a","b"]`, []string{"c"}, false},
		{"StringEquals", `"a"`, []string{"b", "a"}, true},
		{"StringEquals", `"a*"`, []string{"abc"}, false},
		{"StringEquals", `"a*"`, []string{"a*"}, true},
		{"StringEquals", `""`, []string{""}, true},
		{"StringEquals", `"a"`, []string{}, false},
		{"StringNotEquals", `"a"`, []string{"b"}, true},
		{"StringNotEquals", `"a"`, []string{"a"}, false},
		{"StringNotEquals", `["a","b"]`, []string{"b"}, false},
		{"StringNotEquals", `["a","b"]`, []string{"c"}, true},
		{"StringNotEquals", `"a"`, absent, true},
		{"StringNotEquals", `"a"`, []string{"c", "a"}, false},
		{"StringEqualsIgnoreCase", `"Hello"`, []string{"hELLO"}, true},
		{"StringEqualsIgnoreCase", `"Éclair"`, []string{"éCLAIR"}, true},
		{"StringEqualsIgnoreCase", `"Hello"`, []string{"Hell"}, false},
		{"StringEqualsIgnoreCase", `"H*"`, []string{"hello"}, false},
		{"StringNotEqualsIgnoreCase", `"a"`, []string{"A"}, false},
		{"StringNotEqualsIgnoreCase", `"a"`, []string{"b"}, true},
		{"StringNotEqualsIgnoreCase", `"a"`, absent, true},
		{"StringLike", `"a*c"`, []string{"abbbc"}, true},
		{"StringLike", `"a*c"`, []string{"ac"}, true},
		{"StringLike", `"a*c"`, []string{"abcd"}, false},
		{"StringLike", `"a?c"`, []string{"abc"}, true},
		{"StringLike", `"a?c"`, []string{"abbc"}, false},
		{"StringLike", `"a?c"`, []string{"aéc"}, true},
		{"StringLike", `"*"`, []string{""}, true},
		{"StringLike", `"a*"`, []string{"A"}, false},
		{"StringLike", `"*a*b*"`, []string{"xxaxxbxx"}, true},
		{"StringLike", `"*a*b"`, []string{"xxaxxbxxa"}, false},
		{"StringLike", `"home/*"`, absent, false},
		{"StringNotLike", `"home/*"`, []string{"home/x"}, false},
		{"StringNotLike", `"home/*"`, []string{"other/x"}, true},
		{"StringNotLike", `["a*","b*"]`, []string{"bx"}, false},
		{"StringNotLike", `"home/*"`, absent, true},
		{"StringEqualsIfExists", `"a"`, absent, true},
		{"StringEqualsIfExists", `"a"`, []string{"b"}, false},
		{"StringEqualsIfExists", `"a"`, []string{"a"}, true},
		{"StringNotEqualsIfExists", `"a"`, absent, true},
		{"StringNotEqualsIfExists", `"a"`, []string{"a"}, false},
		{"StringLikeIfExists", `["t1.*","t2.*"]`, []string{"t2.micro"}, true},
		{"StringLikeIfExists", `["t1.*","t2.*"]`, []string{"m5.large"}, false},
		{"stringequals", `"a"`, []string{"a"}, true},
	})
}

func TestNumericOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"NumericEquals", `"10"`, []string{"10"}, true},
		{"NumericEquals", `"10"`, []string{"10.0"}, true},
		{"NumericEquals", `"10"`, []string{"1e1"}, true},
		{"NumericEquals", `10`, []string{"10"}, true},
		{"NumericEquals", `"10"`, []string{"11"}, false},
		{"NumericEquals", `"10"`, []string{"ten"}, false},
		{"NumericEquals", `"123456789012345678"`, []string{"123456789012345679"}, false},
		{"NumericLessThan", `"9007199254740993"`, []string{"9007199254740992"}, true},
		{"NumericEquals", `"1"`, []string{"1e400"}, false},
		{"NumericEquals", `"10"`, []string{"0xA"}, false},
		{"NumericEquals", `"10"`, absent, false},
		{"NumericNotEquals", `"10"`, []string{"11"}, true},
		{"NumericNotEquals", `"10"`, []string{"10"}, false},
		{"NumericNotEquals", `["10","11"]`, []string{"11"}, false},
		{"NumericNotEquals", `"10"`, absent, true},
		{"NumericLessThan", `"10"`, []string{"9.99"}, true},
		{"NumericLessThan", `"10"`, []string{"10"}, false},
		{"NumericLessThan", `"-1.5"`, []string{"-2"}, true},
		{"NumericLessThanEquals", `"10"`, []string{"10"}, true},
		{"NumericLessThanEquals", `"10"`, []string{"10.5"}, false},
		{"NumericGreaterThan", `"10"`, []string{"11"}, true},
		{"NumericGreaterThan", `"10"`, []string{"10"}, false},
		{"NumericGreaterThanEquals", `"10"`, []string{"10"}, true},
		{"NumericGreaterThanEquals", `"10"`, []string{"-10"}, false},
		{"NumericGreaterThanIfExists", `"10"`, absent, true},
		{"NumericGreaterThanIfExists", `"10"`, []string{"1"}, false},
	})
}

func TestDateOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"2020-01-01T00:00:00Z"}, true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"1577836800"}, true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"2020-01-01"}, true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"2020-01-01T01:00:00+01:00"}, true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"2020-01-01t00:00:00z"}, true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"2020-01-01T00:00:01Z"}, false},
		{"DateEquals", `"1577836800"`, []string{"2020-01-01T00:00:00.000Z"}, true},
		{"DateEquals", `1577836800`, []string{"2020-01-01T00:00:00Z"}, true},
		{"DateEquals", `"2020-01"`, []string{"2020-01-01T00:00Z"}, true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, []string{"tomorrow"}, false},
		{"DateNotEquals", `"2020-01-01T00:00:00Z"`, []string{"2021-01-01T00:00:00Z"}, true},
		{"DateNotEquals", `"2020-01-01T00:00:00Z"`, []string{"1577836800"}, false},
		{"DateNotEquals", `"2020-01-01T00:00:00Z"`, absent, true},
		{"DateLessThan", `"2020-01-01"`, []string{"2019-12-31T23:59:59Z"}, true},
		{"DateLessThan", `"2020-01-01"`, []string{"2020-01-01T00:00:00Z"}, false},
		{"DateLessThanEquals", `"2020-01-01"`, []string{"2020-01-01T00:00:00Z"}, true},
		{"DateGreaterThan", `"2020-01-01T00:00:00Z"`, []string{"2020-01-01T00:00:00.001Z"}, true},
		{"DateGreaterThan", `"2020-01-01T00:00:00Z"`, absent, false},
		{"DateGreaterThanEquals", `"1577836800"`, []string{"2020-01-01T00:00:00Z"}, true},
		{"DateGreaterThanEquals", `"1577836800"`, []string{"1577836799"}, false},
		{"DateLessThanIfExists", `"2020-01-01"`, absent, true},
	})
}

func TestBoolBinaryNullOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"Bool", `"true"`, []string{"true"}, true},
		{"Bool", `"true"`, []string{"True"}, true},
		{"Bool", `true`, []string{"true"}, true},
		{"Bool", `"true"`, []string{"false"}, false},
		{"Bool", `"false"`, absent, false},
		{"BoolIfExists", `"false"`, absent, true},
		{"BoolIfExists", `"false"`, []string{"true"}, false},
		{"BinaryEquals", `"QmluYXJ5VmFsdWVJbkJhc2U2NA=="`, []string{"BinaryValueInBase64"}, true},
		{"BinaryEquals", `"QmluYXJ5VmFsdWVJbkJhc2U2NA=="`, []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, false},
		{"BinaryEquals", `"QmluYXJ5VmFsdWVJbkJhc2U2NA"`, []string{"BinaryValueInBase64"}, true},
		{"BinaryEquals", `"QQ=="`, absent, false},
		{"Null", `"true"`, absent, true},
		{"Null", `"true"`, []string{}, true},
		{"Null", `"true"`, []string{""}, false},
		{"Null", `"false"`, []string{"x"}, true},
		{"Null", `"false"`, absent, false},
		{"Null", `["true","false"]`, absent, true},
		{"Null", `false`, []string{"x"}, true},
	})
}

func TestIPAddressOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"IpAddress", `"203.0.113.0/24"`, []string{"203.0.113.200"}, true},
		{"IpAddress", `"203.0.113.0/24"`, []string{"203.0.112.200"}, false},
		{"IpAddress", `"10.1.2.3/8"`, []string{"10.200.0.1"}, true},
		{"IpAddress", `"10.0.0.1"`, []string{"10.0.0.1"}, true},
		{"IpAddress", `"10.0.0.1"`, []string{"10.0.0.2"}, false},
		{"IpAddress", `"2001:DB8::/32"`, []string{"2001:db8:ffff::1"}, true},
		{"IpAddress", `"2001:db8::1"`, []string{"2001:db8::1"}, true},
		{"IpAddress", `"2001:db8::1"`, []string{"2001:db8::2"}, false},
		{"IpAddress", `"0.0.0.0/0"`, []string{"2001:db8::2"}, false},
		{"IpAddress", `"::/0"`, []string{"192.0.2.1"}, false},
		{"IpAddress", `"::ffff:192.0.2.0/120"`, []string{"192.0.2.9"}, true},
		{"IpAddress", `"192.0.2.0/24"`, []string{"fe80::1%eth0"}, false},
		{"IpAddress", `"192.0.2.0/24"`, absent, false},
		{"NotIpAddress", `"192.0.2.0/24"`, []string{"192.0.2.1"}, false},
		{"NotIpAddress", `"192.0.2.0/24"`, []string{"198.51.100.1"}, true},
		{"NotIpAddress", `"192.0.2.0/24"`, absent, true},
		{"IpAddressIfExists", `"192.0.2.0/24"`, absent, true},
	})
}

func TestARNOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"ArnLike", `"arn:aws:s3:::bucket/*"`, []string{"arn:aws:s3:::bucket/a/b:c"}, true},
		{"ArnLike", `"arn:aws:s3:::bucket/*"`, []string{"arn:aws:s3:::other/a"}, false},
		{"ArnEquals", `"arn:aws:iam::*:role/x"`, []string{"arn:aws:iam::123456789012:role/x"}, true},
		{"ArnEquals", `"arn:aws:iam::*:role/x"`, []string{"arn:aws:iam::123456789012:role/X"}, false},
		{"ArnEquals", `"arn:aws:iam::*:role/x"`, []string{"not-an-arn"}, false},
		{"ArnLike", `"arn:aws:sns:*:*:topic"`, []string{"arn:aws:sns:us-east-1:123:extra:topic"}, false},
		{"ArnLike", `"*"`, []string{"not-an-arn"}, true},
		{"ArnNotEquals", `"arn:aws:iam::*:role/x"`, []string{"not-an-arn"}, true},
		{"ArnNotLike", `"arn:aws:iam::*:role/x"`, []string{"arn:aws:iam::1:role/x"}, false},
		{"ArnNotLike", `"arn:aws:iam::*:role/x"`, absent, true},
		{"ArnLikeIfExists", `"arn:aws:iam::*:role/x"`, absent, true},
	})
}

// IAM User Guide, "Set operators for multivalued context keys".
func TestSetQualifiers(t *testing.T) {
	runCondCases(t, []condCase{
		{"ForAnyValue:StringEquals", `["a","b"]`, []string{"c", "b"}, true},
		{"ForAnyValue:StringEquals", `["a","b"]`, []string{"c"}, false},
		{"ForAnyValue:StringEquals", `["a","b"]`, absent, false},
		{"ForAnyValue:StringEquals", `["a","b"]`, []string{}, false},
		{"ForAllValues:StringEquals", `["a","b"]`, []string{"a", "b"}, true},
		{"ForAllValues:StringEquals", `["a","b"]`, []string{"b"}, true},
		{"ForAllValues:StringEquals", `["a","b"]`, []string{"a", "c"}, false},
		{"ForAllValues:StringEquals", `["a","b"]`, absent, true},
		{"ForAllValues:StringEquals", `["a","b"]`, []string{}, true},
		{"ForAnyValue:StringNotEquals", `"a"`, []string{"a", "b"}, true},
		{"ForAnyValue:StringNotEquals", `"a"`, []string{"a"}, false},
		{"ForAnyValue:StringNotEquals", `"a"`, absent, false},
		{"ForAllValues:StringNotEquals", `["a","b"]`, []string{"c", "d"}, true},
		{"ForAllValues:StringNotEquals", `["a","b"]`, []string{"c", "a"}, false},
		{"ForAllValues:StringNotEquals", `["a","b"]`, absent, true},
		{"ForAllValues:StringLike", `"tag-*"`, []string{"tag-a", "tag-b"}, true},
		{"ForAllValues:StringLike", `"tag-*"`, []string{"tag-a", "x"}, false},
		{"ForAnyValue:StringLike", `"authenticated"`, []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/p"}, true},
		{"ForAnyValue:StringLike", `"authenticated"`, []string{"unauthenticated"}, false},
		{"ForAnyValue:StringEqualsIfExists", `"a"`, absent, true},
		{"ForAllValues:NumericLessThan", `"10"`, []string{"1", "2"}, true},
		{"ForAllValues:NumericLessThan", `"10"`, []string{"1", "20"}, false},
		{"forallvalues:stringequals", `"a"`, []string{"a"}, true},
	})
}

// Several operators, and several keys of one operator, are ANDed.
func TestConditionBlocksAreANDed(t *testing.T) {
	d := mustParse(t, nil, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
		"StringEquals":{"aws:PrincipalTag/team":"blue","aws:RequestedRegion":["us-east-1","eu-west-1"]},
		"Bool":{"aws:SecureTransport":"true"}}}}`)
	req := func(team, region, tls string) Request {
		return Request{Action: "x:y", Resource: "*", Context: ctx("aws:PrincipalTag/team", team, "aws:RequestedRegion", region, "aws:SecureTransport", tls)}
	}
	runChecks(t, []check{
		{"all hold", req("blue", "eu-west-1", "true"), Allow, ""},
		{"second value of a key", req("blue", "us-east-1", "true"), Allow, ""},
		{"one key fails", req("red", "eu-west-1", "true"), ImplicitDeny, ""},
		{"other key fails", req("blue", "ap-south-1", "true"), ImplicitDeny, ""},
		{"other operator fails", req("blue", "eu-west-1", "false"), ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "Policy variables with no value": a variable with no
// value matches nothing, so a positive operator fails and a negated one
// holds; a resource with no value covers nothing, so NotResource excludes
// nothing.
func TestVariablesInConditions(t *testing.T) {
	d := mustParse(t, nil, `{"Version":"2012-10-17","Statement":[
		{"Sid":"SameTeam","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/team":"${aws:PrincipalTag/team}"}}},
		{"Sid":"OtherTeam","Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"s3:ExistingObjectTag/team":"${aws:PrincipalTag/team}"}}},
		{"Sid":"OwnUser","Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:user/${aws:username}"}}},
		{"Sid":"NotOwn","Effect":"Allow","Action":"s3:DeleteObject","NotResource":"arn:aws:s3:::b/${aws:username}/*"}]}`)
	runChecks(t, []check{
		{"equal tags", Request{Action: "s3:GetObject", Resource: "*", Context: ctx("s3:ExistingObjectTag/team", "blue", "aws:PrincipalTag/team", "blue")}, Allow, "SameTeam"},
		{"different tags", Request{Action: "s3:GetObject", Resource: "*", Context: ctx("s3:ExistingObjectTag/team", "red", "aws:PrincipalTag/team", "blue")}, ImplicitDeny, ""},
		{"no principal tag: positive fails", Request{Action: "s3:GetObject", Resource: "*", Context: ctx("s3:ExistingObjectTag/team", "")}, ImplicitDeny, ""},
		{"no principal tag: negated holds", Request{Action: "s3:PutObject", Resource: "*", Context: ctx("s3:ExistingObjectTag/team", "blue")}, Allow, "OtherTeam"},
		{"negated with equal tags", Request{Action: "s3:PutObject", Resource: "*", Context: ctx("s3:ExistingObjectTag/team", "blue", "aws:PrincipalTag/team", "blue")}, ImplicitDeny, ""},
		{"ARN variable", Request{Action: "iam:GetUser", Resource: "*", Context: ctx("aws:SourceArn", "arn:aws:iam::123456789012:user/alice", "aws:username", "alice")}, Allow, "OwnUser"},
		{"ARN variable, other user", Request{Action: "iam:GetUser", Resource: "*", Context: ctx("aws:SourceArn", "arn:aws:iam::123456789012:user/bob", "aws:username", "alice")}, ImplicitDeny, ""},
		{"NotResource excludes own folder", Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/alice/x", Context: ctx("aws:username", "alice")}, ImplicitDeny, ""},
		{"NotResource allows elsewhere", Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/bob/x", Context: ctx("aws:username", "alice")}, Allow, "NotOwn"},
		{"NotResource with no value excludes nothing", Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/alice/x"}, Allow, "NotOwn"},
	}, d)
}
