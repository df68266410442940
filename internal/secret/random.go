package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
)

// Alphabets for RandomString.
const (
	Digits     = "0123456789"
	LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	UpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	Alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// RandomBytes returns n bytes from crypto/rand.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never returns an error since Go 1.24; it crashes the
	// program if the system source fails.
	_, _ = rand.Read(b)
	return b
}

// RandomString returns n characters drawn uniformly and independently from
// alphabet (an ASCII string of 1 to 256 distinct bytes) using crypto/rand.
// Bytes that would bias the draw are rejected and redrawn. It panics if the
// alphabet is empty or longer than 256 bytes.
func RandomString(n int, alphabet string) string {
	size := len(alphabet)
	if size == 0 || size > 256 {
		panic("secret: RandomString alphabet must have 1 to 256 bytes")
	}
	// limit is the largest multiple of size that fits in a byte's range;
	// bytes at or above it are rejected.
	limit := 256 - 256%size
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, alphabet[int(b)%size])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// Equal reports whether a and b are equal in time that depends only on their
// lengths. Strings of unequal length are unequal.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// HashToken returns the SHA-256 of an opaque token or code, the form in which
// tokens and codes are stored and looked up.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
