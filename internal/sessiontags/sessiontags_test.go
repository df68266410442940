package sessiontags

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tags returns n tags k00=v, k01=v, ...
func tags(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprintf("k%02d", i)] = "v"
	}
	return m
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name string
		set  Set
		want error // nil, or the kind
		msg  string
	}{
		{"none", Set{}, nil, ""},
		{"the link tags", Set{Tags: map[string]string{
			"IdentityId": "us-east-1:6d8f7d1c-2c43-4b52-9a4e-7f6a0e3b9c11", "IdentityPoolId": "us-east-1:0b5f0f7e-93a4-4d0b-8f6e-1b2c3d4e5f60",
			"UserPoolId": "us-east-1_AbCdEfGhI", "Sub": "8a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "CognitoUsername": "ann.lee@example.com",
		}, Transitive: []string{"IdentityId", "Sub"}}, nil, ""},
		{"empty value", Set{Tags: map[string]string{"phone": ""}}, nil, ""},
		{"spaces and letters of any script", Set{Tags: map[string]string{"Name": "Zoë 李 Ñandú", "Team": "a b\u00a0c"}}, nil, ""},
		{"50 tags", Set{Tags: tags(50)}, nil, ""},
		{"51 tags", Set{Tags: tags(51)}, ErrTooMany, "Cannot exceed quota for TagsPerSession: 50"},
		{"empty key", Set{Tags: map[string]string{"": "v"}}, ErrInvalid, "Session tag key ''"},
		{"key of 128", Set{Tags: map[string]string{strings.Repeat("k", 128): "v"}}, nil, ""},
		{"key of 129", Set{Tags: map[string]string{strings.Repeat("k", 129): "v"}}, ErrInvalid, "must be 1 to 128 characters"},
		{"key of 64 astral characters (128 UTF-16 units)", Set{Tags: map[string]string{strings.Repeat("𝐀", 64): "v"}}, nil, ""},
		{"key of 65 astral characters (130 UTF-16 units)", Set{Tags: map[string]string{strings.Repeat("𝐀", 65): "v"}}, ErrInvalid, "must be 1 to 128 characters"},
		{"value of 256", Set{Tags: map[string]string{"k": strings.Repeat("v", 256)}}, nil, ""},
		{"value of 257", Set{Tags: map[string]string{"k": strings.Repeat("v", 257)}}, ErrInvalid, "at most 256 characters"},
		{"comma in a value", Set{Tags: map[string]string{"groups": "admin,staff"}}, ErrInvalid, "The value of session tag 'groups'"},
		{"bang in a value", Set{Tags: map[string]string{"CognitoUsername": "bob!"}}, ErrInvalid, "The value of session tag 'CognitoUsername'"},
		{"star in a key", Set{Tags: map[string]string{"dept*": "x"}}, ErrInvalid, "Session tag key 'dept*'"},
		{"newline in a value", Set{Tags: map[string]string{"k": "a\nb"}}, ErrInvalid, ""},
		{"invalid UTF-8", Set{Tags: map[string]string{"k": "a\xffb"}}, ErrInvalid, ""},
		{"aws: key", Set{Tags: map[string]string{"aws:PrincipalTag": "x"}}, ErrInvalid, "reserved prefix aws:"},
		{"AWS: key", Set{Tags: map[string]string{"AWS:x": "x"}}, ErrInvalid, "reserved prefix aws:"},
		{"look-alike aws: key (long s)", Set{Tags: map[string]string{"awſ:x": "x"}}, ErrInvalid, "reserved prefix aws:"},
		{"aws: value", Set{Tags: map[string]string{"k": "aws:x"}}, ErrInvalid, "reserved prefix aws:"},
		{"aws in the middle is fine", Set{Tags: map[string]string{"my-aws:x": "x/aws:y"}}, nil, ""},
		{"keys differing in case", Set{Tags: map[string]string{"Sub": "a", "sub": "b"}}, ErrInvalid, "Duplicate tag keys found."},
		{"transitive key not a tag", Set{Tags: map[string]string{"Sub": "a"}, Transitive: []string{"sub"}}, ErrInvalid, "Transitive tag key 'sub'"},
		{"packed budget exactly", Set{Tags: map[string]string{"key": strings.Repeat("v", 200), "other": strings.Repeat("w", PackedBudget-208)}}, nil, ""},
		{"packed budget plus one", Set{Tags: map[string]string{"key": strings.Repeat("v", 200), "other": strings.Repeat("w", PackedBudget-207)}}, ErrPackedTooLarge,
			"Packed size of session tags consumes 101% of allotted space."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.set.Check()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.Is(err, tt.want) || !errors.As(err, &e) || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("Check = %v, want %v with %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestPackedPercent(t *testing.T) {
	for _, tt := range []struct {
		tags map[string]string
		want int
	}{
		{nil, 0},
		{map[string]string{"k": ""}, 1},
		{map[string]string{"key": strings.Repeat("v", PackedBudget/2-3)}, 50},
		{map[string]string{"key": strings.Repeat("v", PackedBudget-3)}, 100},
		{map[string]string{"key": strings.Repeat("v", PackedBudget-2)}, 101},
		{map[string]string{"é": "ü"}, 2}, // bytes, not characters
	} {
		if got := PackedPercent(tt.tags); got != tt.want {
			t.Errorf("PackedPercent(%v) = %d, want %d", tt.tags, got, tt.want)
		}
	}
}

func TestParseClaim(t *testing.T) {
	for _, tt := range []struct {
		name string
		json string
		want Set
		err  string
	}{
		{"absent", `null`, Set{}, ""},
		{"AWS's example", `{"principal_tags":{"Project":["Automation"],"CostCenter":["987654"]},"transitive_tag_keys":["Project"]}`,
			Set{Tags: map[string]string{"Project": "Automation", "CostCenter": "987654"}, Transitive: []string{"Project"}}, ""},
		{"a plain string value", `{"principal_tags":{"Project":"Automation"}}`, Set{Tags: map[string]string{"Project": "Automation"}}, ""},
		{"several values", `{"principal_tags":{"Department":["Engineering","Marketing"]}}`, Set{}, "multivalued session tags are not supported"},
		{"no value", `{"principal_tags":{"Department":[]}}`, Set{}, "single value"},
		{"a number", `{"principal_tags":{"Level":[3]}}`, Set{}, "must be a string"},
		{"an array of claims (Ceph's form)", `[{"principal_tags":{"Department":["Engineering"]}}]`, Set{}, "must be an object"},
		{"principal_tags a list", `{"principal_tags":["a"]}`, Set{}, "principal_tags must be an object"},
		{"transitive keys a string", `{"principal_tags":{"a":["b"]},"transitive_tag_keys":"a"}`, Set{}, "transitive_tag_keys must be a list"},
		{"transitive keys of numbers", `{"principal_tags":{"a":["b"]},"transitive_tag_keys":[1]}`, Set{}, "transitive_tag_keys must be a list"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.json), &v); err != nil {
				t.Fatal(err)
			}
			got, err := ParseClaim(v)
			if tt.err != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseClaim = %v, want ErrInvalid with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("ParseClaim = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestClaimRoundTrip checks that a set survives Claim, JSON and ParseClaim.
func TestClaimRoundTrip(t *testing.T) {
	s := Set{Tags: map[string]string{"Sub": "8a1b", "dept": "x y"}, Transitive: []string{"Sub"}}
	b, err := json.Marshal(map[string]any{ClaimName: s.Claim()})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"https://aws.amazon.com/tags":{"principal_tags":{"Sub":["8a1b"],"dept":["x y"]},"transitive_tag_keys":["Sub"]}}`; string(b) != want {
		t.Fatalf("JSON = %s, want %s", b, want)
	}
	var claims map[string]any
	_ = json.Unmarshal(b, &claims)
	got, err := ParseClaim(claims[ClaimName])
	if err != nil || fmt.Sprint(got) != fmt.Sprint(s) {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	if (Set{}).Claim() != nil {
		t.Fatal("an empty set has a claim")
	}
}

// TestImportsOnlyStandardLibrary keeps the package pure.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
