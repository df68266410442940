package awsproto

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var benchInitiateAuth = []byte(`{"AuthFlow":"USER_SRP_AUTH","ClientId":"7d8v9a0b1c2d3e4f5g6h7i8j9k","AuthParameters":{"USERNAME":"alice@example.com","SRP_A":"` +
	"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90" +
	`"},"ClientMetadata":{"source":"web"},"UserContextData":{"EncodedData":"abc"}}`)

func BenchmarkValidate(b *testing.B) {
	m := cognitoModel(b)
	for _, bc := range []struct {
		op   string
		body []byte
	}{
		{"GetUser", []byte(`{"AccessToken":"` + accessToken + `"}`)},
		{"InitiateAuth", benchInitiateAuth},
	} {
		b.Run(bc.op, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				if _, err := m.validate(bc.op, bc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchMux(b *testing.B, now time.Time) *Mux {
	f := newFixture(b, func() time.Time { return now })
	return f.srv.Config.Handler.(*Mux)
}

func BenchmarkMuxUnsignedOp(b *testing.B) {
	mux := benchMux(b, time.Now())
	body := []byte(`{"AccessToken":"` + accessToken + `"}`)
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("X-Amz-Target", testPrefix+".GetUser")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	b.ReportAllocs()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

func BenchmarkMuxSignedOp(b *testing.B) {
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	mux := benchMux(b, now)
	body := []byte(`{"UserPoolId":"us-east-1_abcdefghi"}`)
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", testPrefix+".DescribeUserPool")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
