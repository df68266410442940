package userpool

import (
	"testing"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// testPool returns a pool whose usernames are case-sensitive or not.
func testPool(caseSensitive bool) *pool {
	cfg := &poolConfig{}
	cfg.UsernameConfiguration = &cip.UsernameConfigurationType{CaseSensitive: &caseSensitive}
	return &pool{cfg: cfg}
}

func TestLookupKey(t *testing.T) {
	sensitive, insensitive := testPool(true), testPool(false)
	tests := []struct {
		p    *pool
		in   string
		want string
	}{
		{sensitive, "jos\u00e9", "jos\u00e9"},       // NFC stays
		{sensitive, "jose\u0301", "jos\u00e9"},      // NFD composes
		{sensitive, "Jose\u0301", "Jos\u00e9"},      // case kept
		{insensitive, "JOSE\u0301", "jos\u00e9"},    // NFD, upper case
		{insensitive, "JOS\u00c9", "jos\u00e9"},     // NFC, upper case
		{insensitive, "\u0130stanbul", "istanbul"},  // İ lowers to i
		{insensitive, "I\u0307stanbul", "istanbul"}, // İ in NFD is the same key
		{sensitive, "\u212b", "\u00c5"},             // Ångström sign is Å
		{sensitive, "\uff41", "\uff41"},             // NFC, not NFKC: fullwidth a stays
		{insensitive, "ann@Example.com", "ann@example.com"},
	}
	for _, tt := range tests {
		if got := tt.p.key(tt.in); got != tt.want {
			t.Errorf("key(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
	if got := canonicalName("Jose\u0301"); got != "Jos\u00e9" {
		t.Errorf("canonicalName = %+q", got)
	}
}
