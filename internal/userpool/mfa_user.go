package userpool

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cognate-dev/cognate/internal/storage"
)

// userMFA is a user's MFA settings, stored in storage.User.MFA as JSON
// sealed with the server key (it holds the TOTP secret).
type userMFA struct {
	// Enabled lists the factors the user turned on (SetUserMFAPreference,
	// SetUserSettings, MFA_SETUP).
	Enabled   []string `json:"e,omitempty"`
	Preferred string   `json:"p,omitempty"`
	// TOTP is the verified authenticator's secret (base32), TOTPName its
	// FriendlyDeviceName and TOTPStep the time step of the last code
	// accepted: a code is accepted once, and never one older than that.
	TOTP     string `json:"t,omitempty"`
	TOTPName string `json:"tn,omitempty"`
	TOTPStep int64  `json:"ts,omitempty"`
	// Pending is a secret AssociateSoftwareToken issued and
	// VerifySoftwareToken has not confirmed yet.
	Pending string `json:"tp,omitempty"`
}

func userMFAAAD(u *storage.User) []byte { return []byte("user-mfa:" + u.PoolID + ":" + u.Sub) }

// loadMFA opens a user's MFA settings (empty when the user has none).
func (s *Service) loadMFA(u *storage.User) (*userMFA, error) {
	m := &userMFA{}
	if len(u.MFA) == 0 {
		return m, nil
	}
	plain, err := s.ring.Open(u.MFA, userMFAAAD(u))
	if err != nil {
		return nil, fmt.Errorf("userpool: MFA settings of %s: %w", u.Sub, err)
	}
	if err := json.Unmarshal(plain, m); err != nil {
		return nil, fmt.Errorf("userpool: MFA settings of %s: %w", u.Sub, err)
	}
	return m, nil
}

// putMFA seals m onto u; the caller saves u.
func (s *Service) putMFA(u *storage.User, m *userMFA) error {
	plain, err := json.Marshal(m)
	if err != nil {
		return err
	}
	u.MFA = s.ring.Seal(plain, userMFAAAD(u))
	return nil
}

// enabled reports whether the user turned factor on.
func (m *userMFA) enabled(factor string) bool { return contains(m.Enabled, factor) }

// enable turns factor on or off; turning off the preferred factor clears
// the preference.
func (m *userMFA) enable(factor string, on bool) {
	var out []string
	for _, f := range allFactors {
		if (f == factor && on) || (f != factor && m.enabled(f)) {
			out = append(out, f)
		}
	}
	m.Enabled = out
	if !on && m.Preferred == factor {
		m.Preferred = ""
	}
}

// usable returns the factors the user has turned on that the pool offers
// and the user can receive: SMS needs a phone number, email an email
// address, TOTP a verified authenticator.
func (m *userMFA) usable(f mfaFactors, u *storage.User) []string {
	var out []string
	for _, factor := range allFactors {
		if m.enabled(factor) && f.offers(factor) && canReceive(factor, u, m) {
			out = append(out, factor)
		}
	}
	return out
}

// canReceive reports whether the user has what factor needs.
func canReceive(factor string, u *storage.User, m *userMFA) bool {
	switch factor {
	case factorSMS:
		return u.Attributes["phone_number"] != ""
	case factorEmail:
		return u.Attributes["email"] != ""
	case factorTOTP:
		return m.TOTP != ""
	}
	return false
}

// editMFA changes u's MFA settings in one transaction (updateUser, whose
// contract fn shares): fn edits m, the settings of the user as stored
// inside it. u becomes the user as saved.
func (s *Service) editMFA(ctx context.Context, p *pool, u *storage.User, fn func(cur *storage.User, m *userMFA) error) error {
	saved, err := s.updateUser(ctx, p, u.Sub, func(_ storage.Stores, cur *storage.User) error {
		m, err := s.loadMFA(cur)
		if err != nil {
			return err
		}
		if err := fn(cur, m); err != nil {
			return err
		}
		return s.putMFA(cur, m)
	})
	if err != nil {
		return err
	}
	*u = *saved
	return nil
}
