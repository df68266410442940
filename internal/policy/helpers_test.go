package policy

import (
	"testing"
)

// check is one request against a policy and the decision AWS makes.
type check struct {
	name string
	req  Request
	want Decision
	sid  string // the deciding statement's Sid, when it matters
}

// mustParse parses doc with parse (Parse when nil) or fails the test.
func mustParse(t testing.TB, parse func(string) (*Document, error), doc string) *Document {
	t.Helper()
	if parse == nil {
		parse = Parse
	}
	d, err := parse(doc)
	if err != nil {
		t.Fatalf("parse: %v (%s)\n%s", err, detail(err), doc)
	}
	return d
}

func detail(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Detail
	}
	return ""
}

// runChecks evaluates every check against docs.
func runChecks(t *testing.T, checks []check, docs ...*Document) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			got := EvaluateDetailed(c.req, docs...)
			if got.Decision != c.want {
				t.Fatalf("decision = %s (statement %d, sid %q), want %s", got.Decision, got.Statement, got.Sid, c.want)
			}
			if c.sid != "" && got.Sid != c.sid {
				t.Fatalf("decided by sid %q, want %q", got.Sid, c.sid)
			}
			if Evaluate(c.req, docs...) != got.Decision {
				t.Fatalf("Evaluate disagrees with EvaluateDetailed")
			}
		})
	}
}

// ctx builds a request context from key/values pairs.
func ctx(kv ...any) map[string][]string {
	m := make(map[string][]string, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case string:
			m[kv[i].(string)] = []string{v}
		case []string:
			m[kv[i].(string)] = v
		}
	}
	return m
}
