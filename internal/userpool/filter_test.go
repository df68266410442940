package userpool

import (
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	for in, want := range map[string]*userFilter{
		``:                          nil,
		`  `:                        nil,
		`email = "a@b.c"`:           {Name: "email", Value: "a@b.c"},
		`email="a@b.c"`:             {Name: "email", Value: "a@b.c"},
		` given_name ^=  "Jo" `:     {Name: "given_name", Prefix: true, Value: "Jo"},
		`family_name = "O\"Brien"`:  {Name: "family_name", Value: `O"Brien`},
		`name = "a\\b"`:             {Name: "name", Value: `a\b`},
		`name = ""`:                 {Name: "name", Value: ""},
		`cognito:user_status = "x"`: {Name: "cognito:user_status", Value: "x"},
		`custom:tier ^= "gold \"x"`: {Name: "custom:tier", Prefix: true, Value: `gold "x`},
	} {
		got, err := parseFilter(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("%s: %+v, want %+v", in, got, want)
		}
	}
	for _, in := range []string{`email`, `email =`, `email = x`, `email = "x`, `email = "x" y`, `email ~= "x"`,
		`= "x"`, `email = "x\`, `em ail = "x"`, `"email" = "x"`, `email =^ "x"`} {
		if f, err := parseFilter(in); err == nil {
			t.Errorf("%s: parsed as %+v", in, f)
		} else if e, ok := err.(*Error); !ok || e.Kind != InvalidParameter || e.Message != msgBadFilter {
			t.Errorf("%s: %v", in, err)
		}
	}
}

// FuzzParseFilter checks that the parser never panics and that a filter
// it reads, written back with its value escaped, reads the same.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`email = "a"`, `name ^= "a\"b\\c"`, `x="`, `  `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseFilter(s)
		if err != nil || got == nil {
			return
		}
		esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(got.Value)
		op := "="
		if got.Prefix {
			op = "^="
		}
		again, err := parseFilter(got.Name + " " + op + ` "` + esc + `"`)
		if err != nil || again == nil || *again != *got {
			t.Fatalf("%q: %+v, then %+v (%v)", s, got, again, err)
		}
	})
}
