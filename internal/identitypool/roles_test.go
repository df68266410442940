package identitypool

import (
	"errors"
	"testing"

	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
)

const (
	roleA    = "arn:aws:iam::000000000000:role/a"
	roleB    = "arn:aws:iam::000000000000:role/b"
	roleAuth = "arn:aws:iam::000000000000:role/auth"
)

func testResolution(mapping *ci.RoleMapping, claims map[string]any) *resolution {
	s := New(Deps{PublicURL: "http://127.0.0.1:7350"})
	cfg := &poolConfig{Roles: map[string]string{"authenticated": roleAuth}}
	l := &login{kind: kindUserPool, provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
		mappingKey: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client1", claims: claims}
	if mapping != nil {
		// Keyed by the Amplify form: it must still apply.
		cfg.RoleMappings = map[string]ci.RoleMapping{"127.0.0.1:7350/us-east-1_abc:client1": *mapping}
	}
	return &resolution{svc: s, pool: &ipool{cfg: cfg}, logins: []*login{l}, authenticated: true}
}

// TestTokenRoleMapping follows "Using tokens to assign roles to users".
func TestTokenRoleMapping(t *testing.T) {
	token := func(amb string) *ci.RoleMapping {
		return &ci.RoleMapping{Type: ci.RoleMappingTypeToken, AmbiguousRoleResolution: amb}
	}
	cases := []struct {
		name    string
		mapping *ci.RoleMapping
		claims  map[string]any
		custom  string
		want    string
		denied  bool
	}{
		{"preferred role", token("Deny"), map[string]any{"cognito:preferred_role": roleA, "cognito:roles": []any{roleA, roleB}}, "", roleA, false},
		{"custom among roles", token("Deny"), map[string]any{"cognito:preferred_role": roleA, "cognito:roles": []any{roleA, roleB}}, roleB, roleB, false},
		{"custom not among roles", token("AuthenticatedRole"), map[string]any{"cognito:roles": []any{roleA}}, roleAuth, "", true},
		{"comma-separated roles", token("Deny"), map[string]any{"cognito:roles": roleA + "," + roleB}, roleB, roleB, false},
		{"ambiguous, authenticated role", token("AuthenticatedRole"), map[string]any{"cognito:roles": []any{roleA, roleB}}, "", roleAuth, false},
		{"ambiguous, deny", token("Deny"), map[string]any{"cognito:roles": []any{roleA, roleB}}, "", "", true},
		{"no mapping", nil, map[string]any{"cognito:preferred_role": roleA}, "", roleAuth, false},
		{"no mapping, custom in roles", nil, map[string]any{"cognito:roles": []any{roleA}}, roleA, roleA, false},
		{"no mapping, custom elsewhere", nil, map[string]any{}, roleA, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := testResolution(c.mapping, c.claims).chooseRole(c.custom)
			var e *Error
			switch {
			case c.denied && (!errors.As(err, &e) || e.Kind != NotAuthorized):
				t.Fatalf("got %q, %v; want NotAuthorizedException", got, err)
			case !c.denied && (err != nil || got != c.want):
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestRuleMatching(t *testing.T) {
	rule := func(claim string, mt string, v string) ci.MappingRule {
		return ci.MappingRule{Claim: claim, MatchType: mt, Value: v, RoleARN: roleA}
	}
	claims := map[string]any{
		"custom:dept": "sales-emea", "cognito:groups": []any{"admins", "staff"}, "email_verified": true, "level": float64(3),
	}
	cases := []struct {
		rule ci.MappingRule
		want bool
	}{
		{rule("custom:dept", "Equals", "sales-emea"), true},
		{rule("custom:dept", "Equals", "sales"), false},
		{rule("custom:dept", "StartsWith", "sales"), true},
		{rule("custom:dept", "Contains", "emea"), true},
		{rule("custom:dept", "NotEqual", "it"), true},
		{rule("custom:dept", "NotEqual", "sales-emea"), false},
		{rule("missing", "NotEqual", "x"), false}, // NotEqual needs the claim
		{rule("cognito:groups", "Contains", "admin"), true},
		{rule("cognito:groups", "Equals", "staff"), true},
		{rule("cognito:groups", "NotEqual", "admins"), false},
		{rule("email_verified", "Equals", "true"), true},
		{rule("level", "Equals", "3"), true},
	}
	for _, c := range cases {
		if got := ruleMatches(c.rule, claims); got != c.want {
			t.Errorf("%s %s %q: %v, want %v", c.rule.Claim, c.rule.MatchType, c.rule.Value, got, c.want)
		}
	}
}

func TestUserPoolProviderNames(t *testing.T) {
	s := New(Deps{PublicURL: "https://id.example.com:8443/base"})
	cases := []struct {
		name, want string
		ok         bool
	}{
		{"cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123", true},
		{"id.example.com:8443/base/us-east-1_AbC123", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123", true},
		{"cognito-idp.eu-west-1.amazonaws.com/us-east-1_AbC123", "", false}, // region mismatch
		{"id.example.com/us-east-1_AbC123", "", false},                      // not this server's issuer
		{"cognito-idp.us-east-1.amazonaws.com/us-east-1_", "", false},
		{"accounts.google.com", "", false},
	}
	for _, c := range cases {
		got, ok := s.userPoolProvider(c.name)
		if ok != c.ok || got.provider != c.want {
			t.Errorf("userPoolProvider(%q) = %q, %v; want %q, %v", c.name, got.provider, ok, c.want, c.ok)
		}
	}
}

func TestAMR(t *testing.T) {
	r := &resolution{authenticated: true, logins: []*login{
		{kind: kindOIDC, provider: "login.partner.example", subject: "p-1"},
		{kind: kindUserPool, provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", subject: "sub-1"},
	}}
	want := []string{"authenticated", "login.partner.example", "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
		"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:CognitoSignIn:sub-1", "login.partner.example:p-1"}
	got := r.amr()
	if len(got) != len(want) {
		t.Fatalf("amr %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("amr %v, want %v", got, want)
		}
	}
	if g := (&resolution{}).amr(); len(g) != 1 || g[0] != "unauthenticated" {
		t.Fatalf("guest amr %v", g)
	}
}
