package userpool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// A pool's SAML signing key signs its SAML requests (authentication and
// logout requests to SAML identity providers); GetSigningCertificate
// returns its certificate, which an IdP is given to check them. The key is
// made on first use: RSA 2048 with a self-signed certificate valid ten
// years, kept in the server settings under samlKeyName, the private key
// sealed with the server key as signing keys are. Concurrent first uses
// agree on one key (Settings.PutIfAbsent).

// samlKeyBits and samlCertValidity are the SAML signing key's size and its
// certificate's lifetime.
const (
	samlKeyBits      = 2048
	samlCertValidity = 10 * 365 * 24 * time.Hour
)

// storedSAMLKey is a pool's SAML signing key as the settings keep it.
type storedSAMLKey struct {
	Certificate []byte `json:"Certificate"` // DER
	KeySealed   []byte `json:"KeySealed"`   // PKCS #8 DER, sealed
}

func samlKeyName(poolID string) string { return "saml-signing-key:" + poolID }
func samlKeyAAD(poolID string) []byte  { return []byte("saml-signing-key:" + poolID) }

// GetSigningCertificate returns the pool's SAML signing certificate, base64
// DER (PEM's body without its armour), as Cognito does. It is the same on
// every call and across restarts.
func (s *Service) GetSigningCertificate(ctx context.Context, in *cip.GetSigningCertificateRequest) (*cip.GetSigningCertificateResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	k, err := s.samlKey(ctx, p.rec.ID)
	if err != nil {
		return nil, err
	}
	return &cip.GetSigningCertificateResponse{Certificate: base64.StdEncoding.EncodeToString(k.Certificate)}, nil
}

// SAMLSigner returns the pool's SAML signing key and its certificate,
// making them on first use (see GetSigningCertificate), for federated
// sign-in to sign its requests to SAML identity providers.
func (s *Service) SAMLSigner(ctx context.Context, poolID string) (*rsa.PrivateKey, *x509.Certificate, error) {
	k, err := s.samlKey(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(k.Certificate)
	if err != nil {
		return nil, nil, fmt.Errorf("userpool: SAML certificate of %s: %w", poolID, err)
	}
	der, err := s.ring.Open(k.KeySealed, samlKeyAAD(poolID))
	if err != nil {
		return nil, nil, fmt.Errorf("userpool: SAML key of %s: %w", poolID, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, nil, fmt.Errorf("userpool: SAML key of %s: %w", poolID, err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok || !priv.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, fmt.Errorf("userpool: SAML key of %s does not match its certificate", poolID)
	}
	return priv, cert, nil
}

// samlKey returns the pool's stored SAML key, making it if there is none.
func (s *Service) samlKey(ctx context.Context, poolID string) (*storedSAMLKey, error) {
	raw, err := s.store.Settings().Get(ctx, samlKeyName(poolID))
	if errors.Is(err, storage.ErrNotFound) {
		var fresh []byte
		if fresh, err = s.newSAMLKey(poolID); err != nil {
			return nil, err
		}
		raw, err = s.store.Settings().PutIfAbsent(ctx, samlKeyName(poolID), fresh)
	}
	if err != nil {
		return nil, err
	}
	var k storedSAMLKey
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, fmt.Errorf("userpool: SAML key of %s: %w", poolID, err)
	}
	return &k, nil
}

// newSAMLKey makes a SAML signing key and its self-signed certificate,
// encoded for the settings.
func (s *Service) newSAMLKey(poolID string) ([]byte, error) {
	priv, err := rsa.GenerateKey(rand.Reader, samlKeyBits)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	name := pkix.Name{CommonName: poolID, Organization: []string{"Cognate"}}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: name, Issuer: name,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(samlCertValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return json.Marshal(storedSAMLKey{Certificate: cert, KeySealed: s.ring.Seal(der, samlKeyAAD(poolID))})
}
