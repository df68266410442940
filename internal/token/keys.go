package token

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Key uses.
const (
	UseID     = "id"
	UseAccess = "access"
)

// Algorithms.
const (
	RS256 = "RS256"
	RS512 = "RS512"
)

// keyBits is the size of generated RSA keys.
const keyBits = 2048

// minKeyBits is the smallest RSA modulus accepted from storage.
const minKeyBits = 2048

// algorithms maps each supported JWS alg to its hash. Nothing else is ever
// accepted: no "none", no HMAC, no ECDSA, no PSS.
var algorithms = map[string]crypto.Hash{
	RS256: crypto.SHA256,
	RS512: crypto.SHA512,
}

// jwk is an RSA public key as published in the JWKS. Fields are in the
// order AWS prints them.
type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

// newJWK describes pub for the JWKS.
func newJWK(pub *rsa.PublicKey, kid, alg string) jwk {
	return jwk{
		Alg: alg,
		E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		Kid: kid,
		Kty: "RSA",
		N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		Use: "sig",
	}
}

// thumbprint returns the RFC 7638 SHA-256 thumbprint of pub, base64url.
func thumbprint(pub *rsa.PublicKey) string {
	j := newJWK(pub, "", "")
	// The required members in lexicographic order, no whitespace.
	canonical := `{"e":"` + j.E + `","kty":"RSA","n":"` + j.N + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// parseJWK reads a stored public JWK.
func parseJWK(raw []byte) (*rsa.PublicKey, jwk, error) {
	var j jwk
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, j, fmt.Errorf("public jwk: %w", err)
	}
	if j.Kty != "RSA" {
		return nil, j, fmt.Errorf("public jwk: kty %q", j.Kty)
	}
	n, err := base64.RawURLEncoding.DecodeString(j.N)
	if err != nil {
		return nil, j, fmt.Errorf("public jwk: n: %w", err)
	}
	e, err := base64.RawURLEncoding.DecodeString(j.E)
	if err != nil || len(e) == 0 || len(e) > 4 {
		return nil, j, errors.New("public jwk: bad e")
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	if pub.N.BitLen() < minKeyBits || pub.E < 3 || pub.E%2 == 0 {
		return nil, j, fmt.Errorf("public jwk: weak key (%d bits, e=%d)", pub.N.BitLen(), pub.E)
	}
	return pub, j, nil
}

// sealAAD binds a sealed private key to its kid.
func sealAAD(kid string) []byte { return []byte("signing-key:" + kid) }

// generateKey makes a new signing key record for (poolID, use).
func generateKey(ring *secret.KeyRing, poolID, use, alg string, now time.Time) (storage.SigningKey, error) {
	if _, ok := algorithms[alg]; !ok {
		return storage.SigningKey{}, fmt.Errorf("token: unsupported algorithm %q", alg)
	}
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return storage.SigningKey{}, fmt.Errorf("token: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return storage.SigningKey{}, fmt.Errorf("token: marshal key: %w", err)
	}
	kid := thumbprint(&priv.PublicKey)
	pubJWK, err := json.Marshal(newJWK(&priv.PublicKey, kid, alg))
	if err != nil {
		return storage.SigningKey{}, fmt.Errorf("token: marshal jwk: %w", err)
	}
	return storage.SigningKey{
		ID:            kid,
		PoolID:        poolID,
		Use:           use,
		Algorithm:     alg,
		PrivateSealed: ring.Seal(der, sealAAD(kid)),
		PublicJWK:     pubJWK,
		CreatedAt:     now,
	}, nil
}

// openPrivate unseals and parses a stored private key and checks that it
// belongs to pub.
func openPrivate(ring *secret.KeyRing, k storage.SigningKey, pub *rsa.PublicKey) (*rsa.PrivateKey, error) {
	der, err := ring.Open(k.PrivateSealed, sealAAD(k.ID))
	if err != nil {
		return nil, fmt.Errorf("token: open key %s: %w", k.ID, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("token: parse key %s: %w", k.ID, err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("token: key %s is %T, not RSA", k.ID, parsed)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, fmt.Errorf("token: key %s does not match its published public key", k.ID)
	}
	return priv, nil
}

// CheckSealed reports whether the issuer's key ring opens every private
// key stored for poolID: a database whose keys were sealed under another
// master key fails with an error wrapping secret.ErrSealed. A pool without
// keys passes.
func (i *Issuer) CheckSealed(ctx context.Context, poolID string) error {
	keys, err := i.keys.List(ctx, poolID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := i.ring.Open(k.PrivateSealed, sealAAD(k.ID)); err != nil {
			return fmt.Errorf("token: open key %s: %w", k.ID, err)
		}
	}
	return nil
}

// ResealKey moves a signing key's sealed private key from ring from to
// ring to (cognate export / import).
func ResealKey(k *storage.SigningKey, from, to *secret.KeyRing) error {
	der, err := from.Open(k.PrivateSealed, sealAAD(k.ID))
	if err != nil {
		return fmt.Errorf("token: signing key %s: %w", k.ID, err)
	}
	k.PrivateSealed = to.Seal(der, sealAAD(k.ID))
	return nil
}
