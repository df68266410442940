package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// mfaConfigOutput is the answer of Get/SetUserPoolMfaConfig.
type mfaConfigOutput struct {
	SmsMfaConfiguration           *cip.SmsMfaConfigType           `json:"SmsMfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *cip.SoftwareTokenMfaConfigType `json:"SoftwareTokenMfaConfiguration"`
	EmailMfaConfiguration         *cip.EmailMfaConfigType         `json:"EmailMfaConfiguration,omitempty"`
	MfaConfiguration              string                          `json:"MfaConfiguration"`
	WebAuthnConfiguration         *cip.WebAuthnConfigurationType  `json:"WebAuthnConfiguration"`
}

// mfaConfig renders a pool's MFA settings: the mode, each factor that is
// on (TOTP shown on or off), and the WebAuthn settings with their
// defaults.
func mfaConfig(cfg *poolConfig) *mfaConfigOutput {
	m := cfg.mfa()
	out := &mfaConfigOutput{
		MfaConfiguration:              orDefault(cfg.MfaConfiguration, "OFF"),
		SoftwareTokenMfaConfiguration: &cip.SoftwareTokenMfaConfigType{Enabled: ptr(m.SoftwareToken)},
		EmailMfaConfiguration:         m.Email,
		WebAuthnConfiguration:         &cip.WebAuthnConfigurationType{},
	}
	if m.SMS {
		out.SmsMfaConfiguration = &cip.SmsMfaConfigType{
			SmsAuthenticationMessage: cfg.SmsAuthenticationMessage,
			SmsConfiguration:         cfg.SmsConfiguration,
		}
	}
	if m.WebAuthn != nil {
		w := *m.WebAuthn
		out.WebAuthnConfiguration = &w
	}
	out.WebAuthnConfiguration.UserVerification = orDefault(out.WebAuthnConfiguration.UserVerification, "preferred")
	return out
}

// GetUserPoolMfaConfig returns a pool's MFA and WebAuthn settings.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *cip.GetUserPoolMfaConfigRequest) (*mfaConfigOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return mfaConfig(p.cfg), nil
}

// SetUserPoolMfaConfig sets a pool's MFA mode and factors, and its
// WebAuthn settings. Each factor is on when the request configures it
// (TOTP when Enabled is true) and off when the request leaves it out; a
// mode left out stays as it was, and so do WebAuthn settings left out. As
// in Cognito, MFA that is ON or OPTIONAL needs a factor, and MFA that is
// OFF takes none. SMS MFA sends through the server's SMS messenger, so it
// does not need an SmsConfiguration; one given is stored for
// DescribeUserPool. What the settings do at sign-in is in
// mfa_challenges.go.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *cip.SetUserPoolMfaConfigRequest) (*mfaConfigOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var out *mfaConfigOutput
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		mode := orDefault(in.MfaConfiguration, orDefault(cfg.MfaConfiguration, "OFF"))
		m := cfg.mfa()
		m.SMS = in.SmsMfaConfiguration != nil
		m.SoftwareToken = in.SoftwareTokenMfaConfiguration != nil && boolv(in.SoftwareTokenMfaConfiguration.Enabled)
		m.Email = in.EmailMfaConfiguration
		if w := in.WebAuthnConfiguration; w != nil {
			if w.RelyingPartyId != "" && !validRelyingPartyID(w.RelyingPartyId) {
				return errorf(InvalidParameter, "RelyingPartyId must be a lower-case host name, such as auth.example.com or localhost.")
			}
			m.WebAuthn = w
		}
		switch {
		case mode == "OFF" && m.anyFactor():
			return errorf(InvalidParameter, "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.")
		case mode != "OFF" && !m.anyFactor():
			return errorf(InvalidParameter, "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.")
		}
		if cfg.UserPoolTier == "LITE" {
			if m.Email != nil {
				return errorf(FeatureUnavailableInTier, "Email MFA is not available in the LITE feature plan.")
			}
			if m.WebAuthn != nil && m.WebAuthn.FactorConfiguration == "MULTI_FACTOR_WITH_USER_VERIFICATION" {
				return errorf(FeatureUnavailableInTier, "Passkeys as a multi-factor method are not available in the LITE feature plan.")
			}
		}
		if sms := in.SmsMfaConfiguration; sms != nil {
			if sms.SmsAuthenticationMessage != "" {
				cfg.SmsAuthenticationMessage = sms.SmsAuthenticationMessage
			}
			if sms.SmsConfiguration != nil {
				cfg.SmsConfiguration = sms.SmsConfiguration
			}
		}
		cfg.MfaConfiguration = mode
		cfg.MFA = &m
		out = mfaConfig(cfg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
