package token

import (
	"encoding/json"
	"testing"
)

// parseHeaderJSON is parseHeader without the fast path.
func parseHeaderJSON(raw []byte) (alg, kid string, ok bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return "", "", false
	}
	if _, crit := m["crit"]; crit {
		return "", "", false
	}
	if json.Unmarshal(m["alg"], &alg) != nil || json.Unmarshal(m["kid"], &kid) != nil || kid == "" {
		return "", "", false
	}
	return alg, kid, true
}

// TestOwnHeader checks that the fast path takes exactly the header Sign
// writes and answers as the JSON parser does.
func TestOwnHeader(t *testing.T) {
	for _, tc := range []struct {
		raw      string
		fastPath bool
	}{
		{`{"kid":"abc-_09XYZ","alg":"RS256"}`, true},
		{`{"kid":"abc","alg":"RS512"}`, true},
		{`{"kid":"abc","alg":"HS256"}`, false},
		{`{"kid":"abc","alg":"none"}`, false},
		{`{"kid":"","alg":"RS256"}`, false},
		{`{"kid":"a\"b","alg":"RS256"}`, false},
		{`{"kid":"a\u0062","alg":"RS256"}`, false},
		{`{"kid":"abc","alg":"RS256","crit":["x"]}`, false},
		{`{"kid":"abc","alg":"RS256"} `, false},
		{`{"kid":"abc","alg":"RS256","alg":"none"}`, false},
		{`{"kid":"abc","ALG":"RS256"}`, false},
		{`{"kid":"abc","alg":"RS256"`, false},
		{`{"alg":"RS256","kid":"abc"}`, false},
	} {
		alg, kid, ok := ownHeader([]byte(tc.raw))
		if ok != tc.fastPath {
			t.Errorf("ownHeader(%s) ok = %v, want %v", tc.raw, ok, tc.fastPath)
		}
		if !ok {
			continue
		}
		jalg, jkid, jok := parseHeaderJSON([]byte(tc.raw))
		if !jok || jalg != alg || jkid != kid {
			t.Errorf("ownHeader(%s) = %q %q, JSON parser = %q %q %v", tc.raw, alg, kid, jalg, jkid, jok)
		}
	}
}

// FuzzOwnHeader checks that whatever the fast path accepts, the JSON
// parser reads the same way.
func FuzzOwnHeader(f *testing.F) {
	f.Add([]byte(`{"kid":"abc","alg":"RS256"}`))
	f.Add([]byte(`{"kid":"abc","alg":"RS256","alg":"x"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		alg, kid, ok := ownHeader(raw)
		if !ok {
			return
		}
		jalg, jkid, jok := parseHeaderJSON(raw)
		if !jok || jalg != alg || jkid != kid {
			t.Fatalf("ownHeader(%q) = %q %q, JSON parser = %q %q %v", raw, alg, kid, jalg, jkid, jok)
		}
	})
}
