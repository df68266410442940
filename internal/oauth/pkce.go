package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"

	"github.com/cognate-dev/cognate/internal/secret"
)

// verifierPattern is RFC 7636 4.1's code_verifier: 43 to 128 unreserved
// characters. A code_challenge is an S256 hash of one: 43 base64url chars.
var (
	verifierPattern  = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)
	challengePattern = regexp.MustCompile(`^[A-Za-z0-9\-_]{43}$`)
)

// pkceMatches reports whether verifier is the S256 pre-image of challenge
// (RFC 7636 4.6), compared in constant time.
func pkceMatches(challenge, verifier string) bool {
	if !verifierPattern.MatchString(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return secret.Equal(base64.RawURLEncoding.EncodeToString(sum[:]), challenge)
}
