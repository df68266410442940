package srp

import (
	"testing"

	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

// The sign-in hot path: NewServerSession on InitiateAuth, Verify on
// RespondToAuthChallenge. NewVerifier runs when a password is set.

func BenchmarkNewServerSession(b *testing.B) {
	_, verifier := NewVerifier(testPool, testUser, testPassword)
	a := srpclient.NewClient(testPool).SRPA()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewServerSession(a, verifier); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	s, claim := signIn(b, testPool, testUser, testPassword, salt, verifier, testNow)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Verify(verifier, claim, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewVerifier(b *testing.B) {
	NewVerifier(testPool, testUser, testPassword) // the table of powers of g, once
	b.ReportAllocs()
	for b.Loop() {
		NewVerifier(testPool, testUser, testPassword)
	}
}
