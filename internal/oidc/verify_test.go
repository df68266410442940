package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// issuer is a test OIDC provider over TLS with rotating keys.
type issuer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	keys    []jose.JSONWebKey // public
	signers map[string]any    // kid -> private key
	fetches atomic.Int32
	// docIssuer overrides the discovery document's issuer.
	docIssuer string
	down      atomic.Bool
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	is := &issuer{signers: map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tenant/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if is.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		iss := is.url()
		if is.docIssuer != "" {
			iss = is.docIssuer
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": is.srv.URL + "/tenant/keys"})
	})
	mux.HandleFunc("GET /tenant/keys", func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: is.keys})
	})
	is.srv = httptest.NewTLSServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func (is *issuer) url() string { return is.srv.URL + "/tenant" }

// addKey makes and publishes a key.
func (is *issuer) addKey(t *testing.T, kid string, alg jose.SignatureAlgorithm) {
	t.Helper()
	var priv, pub any
	switch alg {
	case jose.ES256:
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		priv, pub = k, &k.PublicKey
	default:
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		priv, pub = k, &k.PublicKey
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = append(is.keys, jose.JSONWebKey{Key: pub, KeyID: kid, Algorithm: string(alg), Use: "sig"})
	is.signers[kid] = priv
}

// sign makes a token with the key kid (whose algorithm is alg).
func (is *issuer) sign(t *testing.T, kid string, alg jose.SignatureAlgorithm, claims map[string]any) string {
	t.Helper()
	is.mu.Lock()
	priv := is.signers[kid]
	is.mu.Unlock()
	if priv == nil {
		k, _ := rsa.GenerateKey(rand.Reader, 2048) // a key the issuer does not publish
		priv = k
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: priv}, (&jose.SignerOptions{}).WithHeader("kid", kid).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := jws.CompactSerialize()
	return tok
}

func (is *issuer) claims(now time.Time) map[string]any {
	return map[string]any{"iss": is.url(), "sub": "user-1", "aud": "client-a", "exp": now.Add(time.Hour).Unix(),
		"iat": now.Unix(), "email": "u@example.com", "amr": []string{"pwd"}}
}

func TestVerify(t *testing.T) {
	is := newIssuer(t)
	is.addKey(t, "k1", jose.RS256)
	is.addKey(t, "k2", jose.ES256)
	now := time.Now()
	clock := now
	v := NewVerifier(Options{Client: is.srv.Client(), Now: func() time.Time { return clock }})
	p := Provider{Issuer: is.url(), ClientIDs: []string{"client-a", "client-b"}}
	ctx := context.Background()

	c, err := v.Verify(ctx, p, is.sign(t, "k1", jose.RS256, is.claims(now)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "user-1" || c.Email != "u@example.com" || len(c.Audience) != 1 || c.AMR[0] != "pwd" || c.Expiry.Unix() != now.Add(time.Hour).Unix() {
		t.Fatalf("claims = %+v", c)
	}
	if _, err := v.Verify(ctx, p, is.sign(t, "k2", jose.ES256, is.claims(now))); err != nil {
		t.Fatalf("ES256: %v", err)
	}
	if got := is.fetches.Load(); got != 1 {
		t.Fatalf("keys fetched %d times, want 1 (cached)", got)
	}
	if iss, err := Issuer(is.sign(t, "k1", jose.RS256, is.claims(now))); err != nil || iss != is.url() {
		t.Fatalf("Issuer = %q, %v", iss, err)
	}

	with := func(change func(m map[string]any)) map[string]any {
		m := is.claims(now)
		change(m)
		return m
	}
	for _, tt := range []struct {
		name  string
		token string
		kind  error
		msg   string
	}{
		{"wrong audience", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { m["aud"] = "other" })), ErrInvalidToken, msgAudience},
		{"audience list", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { m["aud"] = []string{"x", "client-b"} })), nil, ""},
		{"azp", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { m["aud"], m["azp"] = "x", "client-a" })), nil, ""},
		{"expired", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { m["exp"] = now.Add(-time.Second).Unix() })), ErrExpired, "Token expired: current date/time"},
		{"no exp", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { delete(m, "exp") })), ErrInvalidToken, msgInvalid},
		{"future iat", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { m["iat"] = now.Add(time.Hour).Unix() })), ErrInvalidToken, msgInvalid},
		{"other issuer", is.sign(t, "k1", jose.RS256, with(func(m map[string]any) { m["iss"] = "https://evil.example" })), ErrInvalidToken, msgInvalid},
		{"bad signature", is.sign(t, "k1", jose.RS256, is.claims(now))[:10] + "x" + is.sign(t, "k1", jose.RS256, is.claims(now))[11:], ErrInvalidToken, msgInvalid},
		{"forged with known kid", forge(t, is, "k1"), ErrInvalidToken, msgInvalid},
		{"HS256", hmacToken(t, is), ErrInvalidToken, msgInvalid},
		{"garbage", "not-a-jwt", ErrInvalidToken, msgInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(ctx, p, tt.token)
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || !strings.HasPrefix(e.Message, tt.msg) {
				t.Fatalf("got %v, want %v %q", err, tt.kind, tt.msg)
			}
		})
	}
}

// forge signs claims with a key the issuer does not publish, under a kid
// it does.
func forge(t *testing.T, is *issuer, kid string) string {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, (&jose.SignerOptions{}).WithHeader("kid", kid))
	payload, _ := json.Marshal(is.claims(time.Now()))
	jws, _ := s.Sign(payload)
	tok, _ := jws.CompactSerialize()
	return tok
}

func hmacToken(t *testing.T, is *issuer) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")},
		(&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(is.claims(time.Now()))
	jws, _ := s.Sign(payload)
	tok, _ := jws.CompactSerialize()
	return tok
}

func TestVerifyKeyRotationAndOutage(t *testing.T) {
	is := newIssuer(t)
	is.addKey(t, "k1", jose.RS256)
	clock := time.Now()
	v := NewVerifier(Options{Client: is.srv.Client(), Now: func() time.Time { return clock }})
	p := Provider{Issuer: is.url(), ClientIDs: []string{"client-a"}}
	ctx := context.Background()
	if _, err := v.Verify(ctx, p, is.sign(t, "k1", jose.RS256, is.claims(clock))); err != nil {
		t.Fatal(err)
	}

	// A new key is picked up when a token names it...
	is.addKey(t, "k2", jose.RS256)
	clock = clock.Add(DefaultMinRefresh)
	if _, err := v.Verify(ctx, p, is.sign(t, "k2", jose.RS256, is.claims(clock))); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	// ...but unknown kids do not make the verifier hammer the issuer.
	for range 3 {
		if _, err := v.Verify(ctx, p, is.sign(t, "nope", jose.RS256, is.claims(clock))); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if got := is.fetches.Load(); got != 2 {
		t.Fatalf("keys fetched %d times, want 2", got)
	}

	// An outage after the TTL keeps the old keys serving.
	is.down.Store(true)
	clock = clock.Add(DefaultTTL + time.Minute)
	if _, err := v.Verify(ctx, p, is.sign(t, "k1", jose.RS256, is.claims(clock))); err != nil {
		t.Fatalf("stale keys during an outage: %v", err)
	}

	// A verifier that never reached the issuer reports it unreachable.
	fresh := NewVerifier(Options{Client: is.srv.Client()})
	if _, err := fresh.Verify(ctx, p, is.sign(t, "k1", jose.RS256, is.claims(time.Now()))); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("unreachable: %v", err)
	}
	// Plain HTTP to a remote host is refused before any request.
	if allowedURL("http://keys.example.com/jwks") || !allowedURL("http://127.0.0.1:8080/jwks") || !allowedURL("https://keys.example.com/jwks") {
		t.Fatal("allowedURL")
	}
}

func TestVerifyDiscoveryIssuerMismatch(t *testing.T) {
	is := newIssuer(t)
	is.addKey(t, "k1", jose.RS256)
	is.docIssuer = "https://someone-else.example"
	v := NewVerifier(Options{Client: is.srv.Client()})
	_, err := v.Verify(context.Background(), Provider{Issuer: is.url(), ClientIDs: []string{"client-a"}},
		is.sign(t, "k1", jose.RS256, is.claims(time.Now())))
	var e *Error
	if !errors.As(err, &e) || e.Message != msgNoKey {
		t.Fatalf("got %v", err)
	}
}
