package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func encodeForTest(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func TestRandomBytes(t *testing.T) {
	a, b := RandomBytes(32), RandomBytes(32)
	if len(a) != 32 || bytes.Equal(a, b) {
		t.Fatalf("RandomBytes: %x, %x", a, b)
	}
	if len(RandomBytes(0)) != 0 {
		t.Fatal("RandomBytes(0) not empty")
	}
}

func TestRandomStringAlphabet(t *testing.T) {
	for _, alphabet := range []string{Alnum, LowerAlnum, UpperAlnum, Digits, "ab", "x"} {
		s := RandomString(200, alphabet)
		if len(s) != 200 {
			t.Fatalf("len = %d", len(s))
		}
		for _, c := range s {
			if !strings.ContainsRune(alphabet, c) {
				t.Fatalf("%q outside alphabet %q", c, alphabet)
			}
		}
	}
	if RandomString(0, Digits) != "" {
		t.Fatal("RandomString(0) not empty")
	}
}

// TestRandomStringUniform checks that every symbol of a 36-symbol alphabet
// (which does not divide 256, so a naive modulo would be biased by 8/7 for
// the first 4 symbols) is drawn about equally often.
func TestRandomStringUniform(t *testing.T) {
	const n = 360000
	counts := map[rune]int{}
	for _, c := range RandomString(n, LowerAlnum) {
		counts[c]++
	}
	if len(counts) != len(LowerAlnum) {
		t.Fatalf("saw %d symbols, want %d", len(counts), len(LowerAlnum))
	}
	// Expected 10000 each, standard deviation ~98; a modulo bias would give
	// ~11200 for 'a'..'d'. Allow 6 sigma.
	for c, got := range counts {
		if got < 9400 || got > 10600 {
			t.Errorf("symbol %q drawn %d times, want about 10000", c, got)
		}
	}
}

func TestRandomStringPanics(t *testing.T) {
	for _, alphabet := range []string{"", strings.Repeat("a", 257)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RandomString with a %d-byte alphabet did not panic", len(alphabet))
				}
			}()
			RandomString(1, alphabet)
		}()
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"", "a", false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("abc") from FIPS 180-2.
	want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := hex.EncodeToString(HashToken("abc")); got != want {
		t.Fatalf("HashToken = %s", got)
	}
}
