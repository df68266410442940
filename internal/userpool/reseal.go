package userpool

import (
	"encoding/json"
	"fmt"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Moving records between servers (cognate export / import): the secrets a
// record holds are sealed under the server's master key, bound to the
// record (its pool, sub or id), and move sealed under another key with
// the same binding.

// reseal opens sealed under from and seals it under to, with aad.
func reseal(sealed, aad []byte, from, to *secret.KeyRing) ([]byte, error) {
	if len(sealed) == 0 {
		return sealed, nil
	}
	plain, err := from.Open(sealed, aad)
	if err != nil {
		return nil, err
	}
	return to.Seal(plain, aad), nil
}

// ResealUser moves u's sealed fields (its SRP verifiers and MFA settings,
// the TOTP secret among them) from ring from to ring to.
func ResealUser(u *storage.User, from, to *secret.KeyRing) error {
	if u.SRPVerifier != "" {
		bs, text := parseSRP(u.SRPVerifier)
		if len(bs) == 0 {
			return fmt.Errorf("userpool: SRP verifier of %s: unreadable", u.Sub)
		}
		for i := range bs {
			if bs[i].sealed == nil {
				return fmt.Errorf("userpool: SRP verifier of %s: not base64", u.Sub)
			}
			raw, err := reseal(bs[i].sealed, srpVerifierAAD(u), from, to)
			if err != nil {
				return fmt.Errorf("userpool: SRP verifier of %s: %w", u.Sub, err)
			}
			bs[i].sealed = raw
		}
		u.SRPVerifier = encodeSRPBindings(text, bs)
	}
	mfa, err := reseal(u.MFA, userMFAAAD(u), from, to)
	if err != nil {
		return fmt.Errorf("userpool: MFA settings of %s: %w", u.Sub, err)
	}
	u.MFA = mfa
	return nil
}

// ResealClient moves an app client's sealed secret from ring from to
// ring to.
func ResealClient(c *storage.Client, from, to *secret.KeyRing) error {
	sealed, err := reseal(c.SecretSealed, clientSecretAAD(c.ID), from, to)
	if err != nil {
		return fmt.Errorf("userpool: secret of client %s: %w", c.ID, err)
	}
	c.SecretSealed = sealed
	return nil
}

// ResealDevice moves a remembered device's sealed SRP verifier from ring
// from to ring to.
func ResealDevice(d *storage.Device, from, to *secret.KeyRing) error {
	sealed, err := reseal(d.VerifierSealed, deviceVerifierAAD(d.PoolID, d.Key), from, to)
	if err != nil {
		return fmt.Errorf("userpool: verifier of device %s: %w", d.Key, err)
	}
	d.VerifierSealed = sealed
	return nil
}

// ResealPool moves the sealed secrets in a pool's settings (its identity
// providers' client secrets and private keys, its Cognito source's client
// secret and AWS key) from ring from to ring to,
// leaving the rest of the settings document byte for byte.
func ResealPool(p *storage.Pool, from, to *secret.KeyRing) error {
	var doc map[string]json.RawMessage
	if len(p.Config) == 0 || json.Unmarshal(p.Config, &doc) != nil {
		return nil
	}
	if raw, ok := doc["CognateCognitoSource"]; ok {
		var src storedSource
		if err := json.Unmarshal(raw, &src); err != nil {
			return fmt.Errorf("userpool: Cognito source of %s: %w", p.ID, err)
		}
		for k, sealed := range src.Sealed {
			moved, err := reseal(sealed, sourceSecretAAD(p.ID, k), from, to)
			if err != nil {
				return fmt.Errorf("userpool: %s of the Cognito source of %s: %w", k, p.ID, err)
			}
			src.Sealed[k] = moved
		}
		b, err := json.Marshal(src)
		if err != nil {
			return err
		}
		doc["CognateCognitoSource"] = b
		if p.Config, err = json.Marshal(doc); err != nil {
			return err
		}
	}
	raw, ok := doc["CognateIdentityProviders"]
	if !ok {
		return nil
	}
	var providers []storedProvider
	if err := json.Unmarshal(raw, &providers); err != nil {
		return fmt.Errorf("userpool: identity providers of %s: %w", p.ID, err)
	}
	for i, sp := range providers {
		for k, sealed := range sp.Sealed {
			moved, err := reseal(sealed, providerSecretAAD(p.ID, sp.Name, k), from, to)
			if err != nil {
				return fmt.Errorf("userpool: secret %s of identity provider %s: %w", k, sp.Name, err)
			}
			providers[i].Sealed[k] = moved
		}
	}
	b, err := json.Marshal(providers)
	if err != nil {
		return err
	}
	doc["CognateIdentityProviders"] = b
	if p.Config, err = json.Marshal(doc); err != nil {
		return err
	}
	return nil
}
