package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// A user's MFA preferences: which factors are on and which is preferred,
// set by the user (SetUserMFAPreference, the legacy SetUserSettings) or an
// administrator (AdminSetUserMFAPreference, AdminSetUserSettings), and
// shown by GetUser and AdminGetUser.

// mfaSetting is one factor's requested setting. As in Cognito, a factor's
// settings given without Enabled or PreferredMfa mean false (the SDKs
// leave false booleans out), and a factor left out is unchanged.
type mfaSetting struct {
	factor    string
	enabled   bool
	preferred bool
}

// setMFAPreference applies settings to the user and saves it. A factor can
// be turned on only when the pool offers it and the user can receive it
// (a phone number, an email address, a verified authenticator); only a
// factor that is on can be preferred, and only one.
func (s *Service) setMFAPreference(ctx context.Context, p *pool, u *storage.User, settings []mfaSetting) error {
	f := p.mfaFactors()
	return s.editMFA(ctx, p, u, func(cur *storage.User, m *userMFA) error {
		preferred := 0
		for _, set := range settings {
			if set.enabled {
				if err := checkFactorUsable(set.factor, f, cur, m); err != nil {
					return err
				}
			}
			m.enable(set.factor, set.enabled)
			switch {
			case set.preferred && !set.enabled:
				return errorf(InvalidParameter, "%s cannot be the preferred MFA method while it is not enabled.", set.factor)
			case set.preferred:
				if preferred++; preferred > 1 {
					return errorf(InvalidParameter, "Only one MFA method can be preferred.")
				}
				m.Preferred = set.factor
			case m.Preferred == set.factor:
				m.Preferred = ""
			}
		}
		cur.UpdatedAt = s.now()
		return nil
	})
}

// checkFactorUsable refuses to turn on a factor the pool does not offer
// or the user cannot receive.
func checkFactorUsable(factor string, f mfaFactors, u *storage.User, m *userMFA) error {
	switch {
	case factor == factorTOTP && m.TOTP == "":
		return errorf(InvalidParameter, "User has not verified software token mfa")
	case !f.offers(factor):
		return errorf(InvalidParameter, "%s is not enabled for the user pool.", factor)
	case factor == factorSMS && !canReceive(factor, u, m):
		return errorf(InvalidParameter, "User does not have a phone number for SMS MFA.")
	case factor == factorEmail && !canReceive(factor, u, m):
		return errorf(InvalidParameter, "User does not have an email address for email MFA.")
	}
	return nil
}

// requestedMFA turns the request members into mfaSettings.
func requestedMFA(sms *cip.SMSMfaSettingsType, token *cip.SoftwareTokenMfaSettingsType, email *cip.EmailMfaSettingsType, webAuthn *cip.WebAuthnMfaSettingsType) ([]mfaSetting, error) {
	if webAuthn != nil && boolv(webAuthn.Enabled) {
		return nil, errorf(InvalidParameter, "Passkey (WebAuthn) MFA is not available on this server.")
	}
	var out []mfaSetting
	if sms != nil {
		out = append(out, mfaSetting{factorSMS, boolv(sms.Enabled), boolv(sms.PreferredMfa)})
	}
	if token != nil {
		out = append(out, mfaSetting{factorTOTP, boolv(token.Enabled), boolv(token.PreferredMfa)})
	}
	if email != nil {
		out = append(out, mfaSetting{factorEmail, boolv(email.Enabled), boolv(email.PreferredMfa)})
	}
	return out, nil
}

// SetUserMFAPreference sets the signed-in user's MFA factors and preference.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *cip.SetUserMFAPreferenceRequest) (*cip.SetUserMFAPreferenceResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	settings, err := requestedMFA(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings, in.WebAuthnMfaSettings)
	if err != nil {
		return nil, err
	}
	if err := s.setMFAPreference(ctx, c.pool, c.user, settings); err != nil {
		return nil, err
	}
	return &cip.SetUserMFAPreferenceResponse{}, nil
}

// AdminSetUserMFAPreference sets a user's MFA factors and preference.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *cip.AdminSetUserMFAPreferenceRequest) (*cip.AdminSetUserMFAPreferenceResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	settings, err := requestedMFA(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings, in.WebAuthnMfaSettings)
	if err != nil {
		return nil, err
	}
	if err := s.setMFAPreference(ctx, p, u, settings); err != nil {
		return nil, err
	}
	return &cip.AdminSetUserMFAPreferenceResponse{}, nil
}

// legacyMFAOptions turns SetUserSettings's MFAOptions into the SMS setting
// it stands for: SMS to phone_number on when listed, off when the list is
// empty. It configures nothing else.
func legacyMFAOptions(opts []cip.MFAOptionType) ([]mfaSetting, error) {
	for _, o := range opts {
		if o.DeliveryMedium != "SMS" || (o.AttributeName != "" && o.AttributeName != "phone_number") {
			return nil, errorf(InvalidParameter, "MFAOptions can only set SMS to phone_number.")
		}
	}
	on := len(opts) > 0
	return []mfaSetting{{factor: factorSMS, enabled: on, preferred: false}}, nil
}

// SetUserSettings is the legacy way to turn the signed-in user's SMS MFA
// on or off.
func (s *Service) SetUserSettings(ctx context.Context, in *cip.SetUserSettingsRequest) (*cip.SetUserSettingsResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	settings, err := legacyMFAOptions(in.MFAOptions)
	if err != nil {
		return nil, err
	}
	if err := s.setMFAPreference(ctx, c.pool, c.user, settings); err != nil {
		return nil, err
	}
	return &cip.SetUserSettingsResponse{}, nil
}

// AdminSetUserSettings is the legacy way to turn a user's SMS MFA on or
// off.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *cip.AdminSetUserSettingsRequest) (*cip.AdminSetUserSettingsResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	settings, err := legacyMFAOptions(in.MFAOptions)
	if err != nil {
		return nil, err
	}
	if err := s.setMFAPreference(ctx, p, u, settings); err != nil {
		return nil, err
	}
	return &cip.AdminSetUserSettingsResponse{}, nil
}

// mfaView is how GetUser and AdminGetUser show a user's MFA: the factors
// on, the preferred one, and the legacy MFAOptions (SMS only).
type mfaView struct {
	options   []cip.MFAOptionType
	preferred string
	list      []string
}

func (s *Service) mfaViewOf(u *storage.User) (mfaView, error) {
	if len(u.MFA) == 0 {
		return mfaView{}, nil
	}
	m, err := s.loadMFA(u)
	if err != nil {
		return mfaView{}, err
	}
	v := mfaView{preferred: m.Preferred, list: m.Enabled}
	if m.enabled(factorSMS) {
		v.options = []cip.MFAOptionType{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}
	}
	return v, nil
}
