package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// poolConfig is a pool's settings as stored in storage.Pool.Config: the
// UserPoolType that DescribeUserPool shows (its JSON members at the top
// level), plus the settings only GetUserPoolMfaConfig shows. Code that
// copies a poolConfig and saves it keeps both.
type poolConfig struct {
	cip.UserPoolType
	MFA *mfaSettings `json:"CognateMfa,omitempty"`
	// Federation settings: identity providers, resource servers, domains.
	IdentityProviders []storedProvider         `json:"CognateIdentityProviders,omitempty"`
	ResourceServers   []cip.ResourceServerType `json:"CognateResourceServers,omitempty"`
	Domains           *poolDomains             `json:"CognateDomains,omitempty"`
	poolExtras
}

// mfaSettings are the MFA factors SetUserPoolMfaConfig turns on. SMS MFA
// also uses the pool's SmsAuthenticationMessage and SmsConfiguration.
type mfaSettings struct {
	SMS           bool                           `json:"Sms,omitempty"`
	SoftwareToken bool                           `json:"SoftwareToken,omitempty"`
	Email         *cip.EmailMfaConfigType        `json:"Email,omitempty"`
	WebAuthn      *cip.WebAuthnConfigurationType `json:"WebAuthn,omitempty"`
}

// mfa returns the pool's MFA factors (none when never set).
func (c *poolConfig) mfa() mfaSettings {
	if c.MFA == nil {
		return mfaSettings{}
	}
	return *c.MFA
}

// anyFactor reports whether some MFA factor is on.
func (m mfaSettings) anyFactor() bool { return m.SMS || m.SoftwareToken || m.Email != nil }

// validateMFA checks that MFA which is required or optional has a factor:
// SMS (with an SMS configuration) from CreateUserPool or UpdateUserPool,
// or the factors of SetUserPoolMfaConfig.
func validateMFA(cfg *poolConfig) error {
	if cfg.MfaConfiguration != "OFF" && !cfg.mfa().anyFactor() {
		return errorf(InvalidParameter, "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
	}
	return nil
}

// updatePool changes a pool's stored settings in one transaction: fn gets
// the record and settings read inside it and edits them; they are saved
// with a new LastModifiedDate unless fn fails. The pool's cache entry is
// dropped either way. A pool being deleted is not found: no change lands
// in it, whatever a node's cache still holds.
func (s *Service) updatePool(ctx context.Context, id string, fn func(rec *storage.Pool, cfg *poolConfig) error) error {
	return s.updatePoolTx(ctx, id, func(_ storage.Stores, rec *storage.Pool, cfg *poolConfig) error {
		return fn(rec, cfg)
	})
}

// updatePoolTx is updatePool for changes that also write other records in
// the same transaction: fn gets the transaction too.
func (s *Service) updatePoolTx(ctx context.Context, id string, fn func(tx storage.Stores, rec *storage.Pool, cfg *poolConfig) error) error {
	defer s.cache.forgetPool(id)
	return s.store.InTx(ctx, func(tx storage.Stores) error {
		rec, err := tx.Pools().Get(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return poolNotFound(id)
		}
		if err != nil {
			return err
		}
		p, err := parsePool(rec)
		if err != nil {
			return err
		}
		if p.cfg.Deleting != nil {
			return poolNotFound(id)
		}
		if err := fn(tx, &p.rec, p.cfg); err != nil {
			return err
		}
		doc, err := json.Marshal(p.cfg)
		if err != nil {
			return fmt.Errorf("userpool: encode pool %s settings: %w", id, err)
		}
		p.rec.Config = doc
		// Every change moves UpdatedAt, which tells a cached copy from
		// the stored pool (inForce), even when two changes fall in one
		// microsecond or a node's clock is behind.
		p.rec.UpdatedAt = s.now().Truncate(time.Microsecond)
		if !p.rec.UpdatedAt.After(rec.UpdatedAt) {
			p.rec.UpdatedAt = rec.UpdatedAt.Add(time.Microsecond)
		}
		err = tx.Pools().Update(ctx, p.rec)
		if errors.Is(err, storage.ErrNotFound) {
			return poolNotFound(id)
		}
		return err
	})
}
