package awsproto

import (
	"strings"
	"sync"
	"testing"

	"github.com/cognate-dev/cognate/internal/awsmodel"
)

var (
	idpOnce  sync.Once
	idpModel *Model
)

// cognitoModel loads the real cognito-idp model once per test binary.
func cognitoModel(tb testing.TB) *Model {
	tb.Helper()
	idpOnce.Do(func() {
		m, err := LoadModel(awsmodel.Service("cognito-idp"))
		if err != nil {
			tb.Fatalf("LoadModel: %v", err)
		}
		idpModel = m
	})
	if idpModel == nil {
		tb.Fatal("model failed to load")
	}
	return idpModel
}

func TestLoadModels(t *testing.T) {
	tests := []struct {
		service, prefix, signing string
		ops, unsigned            int
		skipped                  int
	}{
		{"cognito-idp", "AWSCognitoIdentityProviderService", "cognito-idp", 122, 32, 1},
		{"cognito-identity", "AWSCognitoIdentityService", "cognito-identity", 23, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			m, err := LoadModel(awsmodel.Service(tt.service))
			if err != nil {
				t.Fatal(err)
			}
			if m.TargetPrefix() != tt.prefix || m.SigningName() != tt.signing {
				t.Errorf("prefix %q signing %q", m.TargetPrefix(), m.SigningName())
			}
			unsigned := 0
			for _, op := range m.Operations() {
				if !m.RequiresSigV4(op) {
					unsigned++
				}
			}
			if len(m.Operations()) != tt.ops || unsigned != tt.unsigned {
				t.Errorf("%d ops, %d unsigned; want %d, %d", len(m.Operations()), unsigned, tt.ops, tt.unsigned)
			}
			// Patterns RE2 cannot compile (Java lookbehind) are skipped.
			if got := m.SkippedPatterns(); len(got) != tt.skipped {
				t.Errorf("skipped patterns = %q, want %d", got, tt.skipped)
			}
		})
	}
}

func TestRequiresSigV4(t *testing.T) {
	m := cognitoModel(t)
	for op, want := range map[string]bool{
		"GetUser":          false,
		"InitiateAuth":     false,
		"SignUp":           false,
		"DescribeUserPool": true,
		"AdminCreateUser":  true,
		"NoSuchOperation":  true,
	} {
		if got := m.RequiresSigV4(op); got != want {
			t.Errorf("RequiresSigV4(%s) = %v, want %v", op, got, want)
		}
	}
	if m.HasOperation("NoSuchOperation") || !m.HasOperation("GetUser") {
		t.Error("HasOperation wrong")
	}
}

// TestSetPattern: a shape's pattern can be replaced by the service's own
// rule, which validation applies and its message quotes.
func TestSetPattern(t *testing.T) {
	m, err := LoadModel(awsmodel.Service("cognito-idp")) // a model of its own: SetPattern changes it
	if err != nil {
		t.Fatal(err)
	}
	body := func(pw string) []byte {
		return []byte(`{"ClientId":"abc","Username":"ann","Password":"` + pw + `"}`)
	}
	if _, err := m.validate("SignUp", body("a b")); err == nil {
		t.Fatal("the model's [\\S]+ accepted an inner space")
	}
	if err := m.SetPattern("PasswordType", "^no-space-at-ends$", func(s string) bool { return s == strings.TrimSpace(s) }); err != nil {
		t.Fatal(err)
	}
	if _, err := m.validate("SignUp", body("a b")); err != nil {
		t.Fatalf("inner space: %v", err)
	}
	_, verr := m.validate("SignUp", body(" a"))
	if verr == nil || verr.Message != "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^no-space-at-ends$" {
		t.Fatalf("leading space: %v", verr)
	}
	if err := m.SetPattern("NoSuchShape", "", nil); err == nil {
		t.Fatal("SetPattern of an unknown shape: no error")
	}
}
