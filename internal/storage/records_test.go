package storage

import (
	"encoding/json"
	"testing"
)

// TestSRPVerifiersJSON: SRPVerifiers comes back byte for byte from JSON
// (cognate export), as a string when it is UTF-8 (the text form, and
// what exports before it wrote) and as base64 otherwise.
func TestSRPVerifiersJSON(t *testing.T) {
	for _, tc := range []struct {
		v    SRPVerifiers
		want string
	}{
		{"", `""`},
		{"abc.def", `"abc.def"`},
		{"\x02\x01ok", `"\u0002\u0001ok"`},
		{"\x02\xff\xfe", `{"base64":"Av/+"}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%q) = %s, %v; want %s", tc.v, b, err, tc.want)
		}
		var back SRPVerifiers
		if err := json.Unmarshal(b, &back); err != nil || back != tc.v {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q", b, back, err, tc.v)
		}
	}
}
