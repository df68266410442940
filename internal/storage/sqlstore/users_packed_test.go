package sqlstore

import (
	"encoding/json"
	"testing"
)

// The packed attributes decode at about the cost of the JSON object they
// replace (a user read decodes them once):
//
//	go test -run - -bench Attributes ./internal/storage/sqlstore/
var benchAttrs = map[string]string{"email": "m0001234@example.com", "email_verified": "true", "name": "User 1234"}

func BenchmarkAttributesObject(b *testing.B) {
	stored, _ := json.Marshal(benchAttrs)
	for b.Loop() {
		var m map[string]string
		if err := json.Unmarshal(stored, &m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAttributesPacked(b *testing.B) {
	stored, _ := packAttributes(benchAttrs)
	for b.Loop() {
		if _, err := unpackAttributes(stored); err != nil {
			b.Fatal(err)
		}
	}
}

func TestUnpackAttributesRejects(t *testing.T) {
	for _, bad := range []string{`[0]`, `[19,"x"]`, `[1.5,"x"]`, `[-1,"x"]`, `[0,1]`, `[null,"x"]`, `{"a":1}`, `x`} {
		if got, err := unpackAttributes(bad); err == nil {
			t.Errorf("unpackAttributes(%s) = %v, want an error", bad, got)
		}
	}
	got, err := unpackAttributes(`[0,"a","0","b",18,"z"]`)
	if err != nil || len(got) != 3 || got["email"] != "a" || got["0"] != "b" || got["zoneinfo"] != "z" {
		t.Errorf("unpackAttributes = %v, %v", got, err)
	}
}
