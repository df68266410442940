package userpool

// MFA factor names, as challenges, UserMFASettingList and
// PreferredMfaSetting name them.
const (
	factorSMS   = "SMS_MFA"
	factorTOTP  = "SOFTWARE_TOKEN_MFA"
	factorEmail = "EMAIL_OTP"
)

// allFactors lists the factors in the order Cognate offers them.
var allFactors = []string{factorSMS, factorTOTP, factorEmail}

// Defaults of the MFA messages.
const (
	defaultSmsAuthMessage   = "Your authentication code is {####}. "
	defaultEmailAuthMessage = "Your authentication code is {####}. "
	defaultEmailAuthSubject = "Your authentication code"
)

// mfaFactors is a pool's MFA mode (OFF, ON or OPTIONAL) and the factors it
// offers, with their message templates.
type mfaFactors struct {
	mode             string
	sms, totp, email bool
	smsMessage       string
	emailSubject     string
	emailMessage     string
}

// offers reports whether the pool offers factor.
func (f mfaFactors) offers(factor string) bool {
	switch factor {
	case factorSMS:
		return f.sms
	case factorTOTP:
		return f.totp
	case factorEmail:
		return f.email
	}
	return false
}

// mfaFactors reads the pool's MFA settings (SetUserPoolMfaConfig, and SMS
// turned on with an SmsConfiguration at CreateUserPool or UpdateUserPool).
// A pool whose MFA is OFF offers no factor, whatever is stored.
func (p *pool) mfaFactors() mfaFactors {
	f := mfaFactors{
		mode:         orDefault(p.cfg.MfaConfiguration, "OFF"),
		smsMessage:   orDefault(p.cfg.SmsAuthenticationMessage, defaultSmsAuthMessage),
		emailSubject: defaultEmailAuthSubject,
		emailMessage: defaultEmailAuthMessage,
	}
	m := p.cfg.mfa()
	if e := m.Email; e != nil {
		f.emailSubject = orDefault(e.Subject, f.emailSubject)
		f.emailMessage = orDefault(e.Message, f.emailMessage)
	}
	if f.mode == "OFF" {
		return f
	}
	f.sms, f.totp, f.email = m.SMS, m.SoftwareToken, m.Email != nil
	return f
}
