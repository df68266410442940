package policy

import "testing"

func TestKeyEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"aws:PrincipalTag/dept", "aws:PrincipalTag/dept", true},
		{"AWS:principaltag/DEPT", "aws:PrincipalTag/dept", true},
		{"s3:prefix", "S3:Prefix", true},
		{"awſ:PrincipalTag/dept", "aws:PrincipalTag/dept", false},     // long s
		{"aws:PrincipalTag/\u212Aey", "aws:PrincipalTag/key", false},  // Kelvin sign
		{"aws:PrincipalTag/ÉQUIPE", "aws:PrincipalTag/équipe", false}, // only ASCII folds
		{"aws:PrincipalTag/équipe", "aws:PrincipalTag/équipe", true},
		{"aws:userid", "aws:userid ", false},
		{"", "", true},
	}
	for _, tt := range tests {
		if got := KeyEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("KeyEqual(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := KeyEqual(tt.b, tt.a); got != tt.want {
			t.Errorf("KeyEqual(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestKeyHasPrefix(t *testing.T) {
	tests := []struct {
		key, prefix string
		want        bool
	}{
		{"aws:SourceIp", "aws:", true},
		{"AWS:SourceIp", "aws:", true},
		{"Aws:PrincipalTag/dept", "aws:", true},
		{"awſ:PrincipalTag/dept", "aws:", false},
		{"aw", "aws:", false},
		{"Cognito-Identity.amazonaws.com:sub", "cognito-identity.amazonaws.com:", true},
		{"s3:prefix", "aws:", false},
	}
	for _, tt := range tests {
		if got := KeyHasPrefix(tt.key, tt.prefix); got != tt.want {
			t.Errorf("KeyHasPrefix(%q, %q) = %v, want %v", tt.key, tt.prefix, got, tt.want)
		}
	}
}

// TestConditionKeysFoldOnlyASCII: a condition on aws:PrincipalTag/dept
// reads the request's key in any ASCII case, and never a key that only
// Unicode folding would make the same (the long s). The same
// holds for policy variables.
func TestConditionKeysFoldOnlyASCII(t *testing.T) {
	d := mustParse(t, nil, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Tag","Effect":"Allow","Action":"svc:Tag","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/dept":"eng"}}},
		{"Sid":"Var","Effect":"Allow","Action":"svc:Var","Resource":"arn:aws:svc:::${aws:PrincipalTag/dept}/*"}]}`)
	req := func(action, key, resource string) Request {
		return Request{Action: action, Resource: resource, Context: ctx(key, "eng")}
	}
	runChecks(t, []check{
		{name: "exact key", req: req("svc:Tag", "aws:PrincipalTag/dept", "*"), want: Allow},
		{name: "ASCII case", req: req("svc:Tag", "AWS:principaltag/DEPT", "*"), want: Allow},
		{name: "long s", req: req("svc:Tag", "awſ:PrincipalTag/dept", "*"), want: ImplicitDeny},
		{name: "variable, ASCII case", req: req("svc:Var", "Aws:PrincipalTag/Dept", "arn:aws:svc:::eng/x"), want: Allow},
		{name: "variable, long s", req: req("svc:Var", "awſ:PrincipalTag/dept", "arn:aws:svc:::eng/x"), want: ImplicitDeny},
	}, d)
}
