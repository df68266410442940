package oauth

import "testing"

// RFC 7636 Appendix B's example, and what must not pass.
func TestPKCE(t *testing.T) {
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if !challengePattern.MatchString(challenge) {
		t.Fatal("the RFC's challenge is not a challenge")
	}
	cases := []struct {
		verifier string
		want     bool
	}{
		{verifier, true},
		{"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj", false}, // one character off
		{challenge, false},      // plain: the challenge itself
		{"short", false},        // under 43 characters
		{verifier + "!", false}, // not unreserved
	}
	for _, c := range cases {
		if got := pkceMatches(challenge, c.verifier); got != c.want {
			t.Errorf("pkceMatches(%q) = %v, want %v", c.verifier, got, c.want)
		}
	}
}

func FuzzPKCE(f *testing.F) {
	f.Add("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	f.Fuzz(func(t *testing.T, challenge, verifier string) {
		if pkceMatches(challenge, verifier) && !verifierPattern.MatchString(verifier) {
			t.Fatalf("accepted a malformed verifier %q", verifier)
		}
	})
}
