package password

import (
	"errors"
	"testing"
)

func TestPolicyCheck(t *testing.T) {
	all := DefaultPolicy()
	tests := []struct {
		name   string
		policy Policy
		pw     string
		want   string // "" for nil
	}{
		{"default ok", all, "Passw0rd!", ""},
		{"too short", all, "Pa0!", "Password did not conform with policy: Password not long enough"},
		{"no upper", all, "passw0rd!", "Password did not conform with policy: Password must have uppercase characters"},
		{"no lower", all, "PASSW0RD!", "Password did not conform with policy: Password must have lowercase characters"},
		{"no number", all, "Password!", "Password did not conform with policy: Password must have numeric characters"},
		{"no symbol", all, "Passw0rdd", "Password did not conform with policy: Password must have symbol characters"},
		{"length first", all, "pass", "Password did not conform with policy: Password not long enough"},
		{"inner space is a symbol", all, "Pass w0rd", ""},
		{"leading space is not", all, " Passw0rd", "Password did not conform with policy: Password must have symbol characters"},
		{"trailing space is not", all, "Passw0rd ", "Password did not conform with policy: Password must have symbol characters"},
		{"backslash", all, `Passw0rd\`, ""},
		{"backtick", all, "Passw0rd`", ""},
		{"equals", all, "Passw0rd=", ""},
		{"plus", all, "Passw0rd+", ""},
		{"hyphen", all, "Passw0rd-", ""},
		{"quote", all, `Passw0rd"`, ""},
		{"apostrophe", all, "Passw0rd'", ""},
		{"non-Latin is not a symbol", all, "Passw0rd€", "Password did not conform with policy: Password must have symbol characters"},
		{"accented upper is not upper", all, "ÉPASSW0RD!", "Password did not conform with policy: Password must have lowercase characters"},
		{"accented lower is not lower", Policy{RequireLowercase: true}, "PASSWÖRD", "Password did not conform with policy: Password must have lowercase characters"},
		{"non-ASCII digits are not numbers", Policy{RequireNumbers: true}, "١٢٣", "Password did not conform with policy: Password must have numeric characters"},
		{"length counts runes", Policy{MinimumLength: 6}, "äöüäö", "Password did not conform with policy: Password not long enough"},
		{"six runes are enough", Policy{MinimumLength: 6}, "äöüäöü", ""},
		{"zero policy", Policy{}, "", ""},
		{"only symbols", Policy{RequireSymbols: true}, "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(tt.pw)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.pw, err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("Check(%q) = %v, want a *PolicyError", tt.pw, err)
			}
			if err.Error() != tt.want {
				t.Fatalf("Check(%q) = %q, want %q", tt.pw, err.Error(), tt.want)
			}
		})
	}
}

func TestEverySymbolCounts(t *testing.T) {
	p := Policy{RequireSymbols: true}
	for _, c := range Symbols {
		if err := p.Check("a" + string(c) + "b"); err != nil {
			t.Errorf("symbol %q not counted: %v", c, err)
		}
	}
	if len(Symbols) != 32 {
		t.Fatalf("Symbols has %d characters, Cognito lists 32 plus the space", len(Symbols))
	}
}
