package token

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/benchcpu"
)

// The cryptographic floor of the token paths: one RS256 signature per
// token issued, one verification per token checked. Run:
// go test ./internal/token -run '^$' -bench . -benchmem

// BenchmarkRSASign is RSA-2048 PKCS #1 v1.5 signing alone.
func BenchmarkRSASign(b *testing.B) {
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("header.payload"))
	b.ReportAllocs()
	done := benchcpu.Start(b)
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
	done()
}

// BenchmarkRSAVerify is RSA-2048 PKCS #1 v1.5 verification alone.
func BenchmarkRSAVerify(b *testing.B) {
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("header.payload"))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest[:])
	b.ReportAllocs()
	done := benchcpu.Start(b)
	for b.Loop() {
		if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
			b.Fatal(err)
		}
	}
	done()
}

// BenchmarkSign is Issuer.Sign with cached keys: claims to compact JWS.
func BenchmarkSign(b *testing.B) {
	e := newEnv(b)
	e.ensure(b, "us-east-1_pool")
	c := e.claims(UseAccess, time.Hour)
	e.sign(b, "us-east-1_pool", UseAccess, c) // load the keys
	b.ReportAllocs()
	done := benchcpu.Start(b)
	for b.Loop() {
		if _, err := e.iss.Sign(context.Background(), "us-east-1_pool", UseAccess, c); err != nil {
			b.Fatal(err)
		}
	}
	done()
}

// BenchmarkVerify is Issuer.VerifyUse with cached keys: parse, check the
// signature and the time claims, decode the claims.
func BenchmarkVerify(b *testing.B) {
	e := newEnv(b)
	e.ensure(b, "us-east-1_pool")
	tok := e.sign(b, "us-east-1_pool", UseAccess, e.claims(UseAccess, time.Hour))
	b.ReportAllocs()
	done := benchcpu.Start(b)
	for b.Loop() {
		var c claims
		if err := e.iss.VerifyUse(context.Background(), "us-east-1_pool", UseAccess, tok, &c); err != nil {
			b.Fatal(err)
		}
	}
	done()
}
