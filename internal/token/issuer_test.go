package token

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.ensure(t, "us-east-1_pool")
	kids := map[string]string{}
	for _, use := range []string{UseID, UseAccess} {
		in := e.claims(use, time.Hour)
		tok := e.sign(t, "us-east-1_pool", use, in)

		var hdr map[string]any
		h, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
		if err := json.Unmarshal(h, &hdr); err != nil {
			t.Fatal(err)
		}
		if len(hdr) != 2 || hdr["alg"] != "RS256" || hdr["kid"] == "" {
			t.Fatalf("header = %s, want only kid and alg RS256", h)
		}
		if !strings.HasPrefix(string(h), `{"kid":`) {
			t.Fatalf("header = %s, want kid first as Cognito", h)
		}
		kids[use] = hdr["kid"].(string)

		var out claims
		if err := e.iss.Verify(ctx, "us-east-1_pool", tok, &out); err != nil {
			t.Fatalf("Verify(%s token) = %v", use, err)
		}
		if out != in {
			t.Fatalf("claims = %+v, want %+v", out, in)
		}
		if err := e.iss.VerifyUse(ctx, "us-east-1_pool", use, tok, &out); err != nil {
			t.Fatalf("VerifyUse(%s, %s token) = %v", use, use, err)
		}
		other := map[string]string{UseID: UseAccess, UseAccess: UseID}[use]
		if err := e.iss.VerifyUse(ctx, "us-east-1_pool", other, tok, &out); !errors.Is(err, ErrInvalid) {
			t.Fatalf("VerifyUse(%s, %s token) = %v, want ErrInvalid", other, use, err)
		}
	}
	if kids[UseID] == kids[UseAccess] {
		t.Fatal("ID and access tokens are signed with the same key")
	}
	// A second Issuer (another node) verifies with what is in storage.
	var out claims
	if err := e.node().Verify(ctx, "us-east-1_pool", e.sign(t, "us-east-1_pool", UseID, e.claims(UseID, time.Hour)), &out); err != nil {
		t.Fatalf("other node: %v", err)
	}
}

func TestEnsureKeysOnce(t *testing.T) {
	e := newEnv(t)
	e.ensure(t, "p1")
	e.ensure(t, "p1")
	keys, err := e.db.Keys().List(context.Background(), "p1")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("pool has %d keys after two EnsureKeys, want 2", len(keys))
	}
	for _, k := range keys {
		if k.Algorithm != RS256 || k.PoolID != "p1" || !k.RetireAt.IsZero() || !k.CreatedAt.Equal(e.clock.now()) {
			t.Fatalf("key %+v", k)
		}
	}
}

func TestPrivateKeySealed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.ensure(t, "p1")
	keys, _ := e.db.Keys().List(ctx, "p1")
	k := keys[0]
	der, err := e.ring.Open(k.PrivateSealed, []byte("signing-key:"+k.ID))
	if err != nil {
		t.Fatalf("sealed key does not open with aad signing-key:<kid>: %v", err)
	}
	if strings.Contains(string(k.PrivateSealed), string(der[len(der)-64:])) {
		t.Fatal("stored key contains the plaintext DER")
	}
	if _, err := e.ring.Open(k.PrivateSealed, []byte("signing-key:"+keys[1].ID)); err == nil {
		t.Fatal("sealed key opens under another kid")
	}

	// With the wrong server key, signing fails loudly but verifying (public
	// keys only) still works.
	tok := e.sign(t, "p1", UseID, e.claims(UseID, time.Hour))
	wrong := NewIssuer(e.db.Keys(), newRing(t, 2), e.clock.now)
	if _, err := wrong.Sign(ctx, "p1", UseID, e.claims(UseID, time.Hour)); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Sign with the wrong ring = %v, want ErrNoKey", err)
	}
	var out claims
	if err := wrong.Verify(ctx, "p1", tok, &out); err != nil {
		t.Fatalf("Verify with the wrong ring = %v", err)
	}
}

func TestSignErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.iss.Sign(ctx, "nokeys", UseID, e.claims(UseID, time.Hour)); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Sign without keys = %v, want ErrNoKey", err)
	}
	e.ensure(t, "p1")
	if _, err := e.iss.Sign(ctx, "p1", "openid", e.claims(UseID, time.Hour)); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Sign for a use without a key = %v, want ErrNoKey", err)
	}
	for _, bad := range []any{"string", 42, []int{1}, nil, make(chan int)} {
		if _, err := e.iss.Sign(ctx, "p1", UseID, bad); err == nil {
			t.Fatalf("Sign(%T) succeeded", bad)
		}
	}
}

// TestSignPicksUpKeysMadeElsewhere: a node that saw a pool without keys
// signs as soon as another node has made them (forced reload).
func TestSignPicksUpKeysMadeElsewhere(t *testing.T) {
	e := newEnv(t)
	b := e.node()
	if _, err := b.Sign(context.Background(), "p1", UseID, e.claims(UseID, time.Hour)); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Sign = %v, want ErrNoKey", err)
	}
	e.ensure(t, "p1")
	e.clock.add(minReload)
	if _, err := b.Sign(context.Background(), "p1", UseID, e.claims(UseID, time.Hour)); err != nil {
		t.Fatalf("Sign after the keys were made elsewhere = %v", err)
	}
}

func TestRS512Key(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.iss.EnsureKey(ctx, "identity", "openid", RS512); err != nil {
		t.Fatal(err)
	}
	if err := e.iss.EnsureKey(ctx, "identity", "openid", "HS256"); err != nil {
		t.Fatal("EnsureKey with an existing key must be a no-op:", err)
	}
	if err := e.iss.EnsureKey(ctx, "other", "openid", "HS256"); err == nil {
		t.Fatal("EnsureKey(HS256) succeeded")
	}
	tok := e.sign(t, "identity", "openid", e.claims("openid", time.Hour))
	h, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if !strings.Contains(string(h), `"alg":"RS512"`) {
		t.Fatalf("header %s", h)
	}
	var out claims
	if err := e.iss.Verify(ctx, "identity", tok, &out); err != nil {
		t.Fatal(err)
	}
	// Rotation keeps the algorithm.
	if err := e.iss.Rotate(ctx, "identity", "openid", time.Hour); err != nil {
		t.Fatal(err)
	}
	tok = e.sign(t, "identity", "openid", e.claims("openid", time.Hour))
	h, _ = base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if !strings.Contains(string(h), `"alg":"RS512"`) {
		t.Fatalf("header after rotation %s", h)
	}
}

func TestPeek(t *testing.T) {
	e := newEnv(t)
	e.ensure(t, "p1")
	in := e.claims(UseAccess, time.Hour)
	tok := e.sign(t, "p1", UseAccess, in)
	var out claims
	if err := Peek(tok, &out); err != nil || out != in {
		t.Fatalf("Peek = %+v, %v", out, err)
	}
	for _, bad := range []string{"", "a.b", "a.b.c.d", "x.!!.y", "x." + b64url(`"str"`) + ".y", "x." + b64url(`{bad`) + ".y"} {
		if err := Peek(bad, &out); !errors.Is(err, ErrInvalid) {
			t.Errorf("Peek(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
