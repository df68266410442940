package userpool

import (
	"errors"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/storage"
)

// settings are the pool settings that CreateUserPool and UpdateUserPool
// share.
type settings struct {
	Policies                    *cip.UserPoolPolicyType
	DeletionProtection          string
	LambdaConfig                *cip.LambdaConfigType
	AutoVerifiedAttributes      []string
	SmsVerificationMessage      string
	EmailVerificationMessage    string
	EmailVerificationSubject    string
	VerificationMessageTemplate *cip.VerificationMessageTemplateType
	SmsAuthenticationMessage    string
	UserAttributeUpdateSettings *cip.UserAttributeUpdateSettingsType
	MfaConfiguration            string
	DeviceConfiguration         *cip.DeviceConfigurationType
	EmailConfiguration          *cip.EmailConfigurationType
	SmsConfiguration            *cip.SmsConfigurationType
	AdminCreateUserConfig       *cip.AdminCreateUserConfigType
	UserPoolAddOns              *cip.UserPoolAddOnsType
	AccountRecoverySetting      *cip.AccountRecoverySettingType
	UserPoolTier                string
}

// Defaults Cognito applies to settings a request leaves out.
const (
	defaultEmailMessage = "Your verification code is {####}. "
	defaultEmailSubject = "Your verification code"
	defaultSmsMessage   = "Your verification code is {####}. "
)

// applySettings copies the settings into cfg, filling Cognito's defaults.
func applySettings(cfg *cip.UserPoolType, in settings) {
	cfg.Policies = in.Policies
	if cfg.Policies == nil {
		cfg.Policies = &cip.UserPoolPolicyType{}
	}
	if cfg.Policies.PasswordPolicy == nil {
		cfg.Policies.PasswordPolicy = &cip.PasswordPolicyType{
			MinimumLength: ptr(int32(8)), RequireUppercase: ptr(true), RequireLowercase: ptr(true),
			RequireNumbers: ptr(true), RequireSymbols: ptr(true),
		}
	}
	pp := cfg.Policies.PasswordPolicy
	if pp.MinimumLength == nil {
		pp.MinimumLength = ptr(int32(8))
	}
	for _, b := range []**bool{&pp.RequireUppercase, &pp.RequireLowercase, &pp.RequireNumbers, &pp.RequireSymbols} {
		if *b == nil {
			*b = ptr(false)
		}
	}
	if pp.TemporaryPasswordValidityDays == nil {
		pp.TemporaryPasswordValidityDays = ptr(int32(7))
	}
	if cfg.Policies.SignInPolicy == nil {
		cfg.Policies.SignInPolicy = &cip.SignInPolicyType{AllowedFirstAuthFactors: []string{"PASSWORD"}}
	}
	cfg.DeletionProtection = orDefault(in.DeletionProtection, "INACTIVE")
	cfg.LambdaConfig = in.LambdaConfig
	if cfg.LambdaConfig == nil {
		cfg.LambdaConfig = &cip.LambdaConfigType{}
	}
	cfg.AutoVerifiedAttributes = in.AutoVerifiedAttributes
	cfg.MfaConfiguration = orDefault(in.MfaConfiguration, "OFF")
	cfg.SmsAuthenticationMessage = in.SmsAuthenticationMessage
	cfg.UserAttributeUpdateSettings = in.UserAttributeUpdateSettings
	if cfg.UserAttributeUpdateSettings == nil {
		cfg.UserAttributeUpdateSettings = &cip.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []string{}}
	}
	cfg.DeviceConfiguration = in.DeviceConfiguration
	cfg.EmailConfiguration = in.EmailConfiguration
	if cfg.EmailConfiguration == nil {
		cfg.EmailConfiguration = &cip.EmailConfigurationType{}
	}
	cfg.EmailConfiguration.EmailSendingAccount = orDefault(cfg.EmailConfiguration.EmailSendingAccount, "COGNITO_DEFAULT")
	cfg.SmsConfiguration = in.SmsConfiguration
	cfg.AdminCreateUserConfig = in.AdminCreateUserConfig
	if cfg.AdminCreateUserConfig == nil {
		cfg.AdminCreateUserConfig = &cip.AdminCreateUserConfigType{}
	}
	if cfg.AdminCreateUserConfig.AllowAdminCreateUserOnly == nil {
		cfg.AdminCreateUserConfig.AllowAdminCreateUserOnly = ptr(false)
	}
	if cfg.AdminCreateUserConfig.UnusedAccountValidityDays == nil {
		cfg.AdminCreateUserConfig.UnusedAccountValidityDays = pp.TemporaryPasswordValidityDays
	}
	invite := cfg.AdminCreateUserConfig.InviteMessageTemplate
	if invite == nil {
		invite = &cip.MessageTemplateType{}
		cfg.AdminCreateUserConfig.InviteMessageTemplate = invite
	}
	invite.SMSMessage = orDefault(invite.SMSMessage, defaultInviteSMS)
	invite.EmailMessage = orDefault(invite.EmailMessage, defaultInviteEmail)
	invite.EmailSubject = orDefault(invite.EmailSubject, defaultInviteSubject)
	cfg.UserPoolAddOns = in.UserPoolAddOns
	cfg.AccountRecoverySetting = in.AccountRecoverySetting
	cfg.UserPoolTier = orDefault(in.UserPoolTier, "ESSENTIALS")

	// The verification template and the older top-level members mirror
	// each other; either may be given.
	t := in.VerificationMessageTemplate
	if t == nil {
		t = &cip.VerificationMessageTemplateType{}
	}
	t.EmailMessage = orDefault(t.EmailMessage, orDefault(in.EmailVerificationMessage, defaultEmailMessage))
	t.EmailSubject = orDefault(t.EmailSubject, orDefault(in.EmailVerificationSubject, defaultEmailSubject))
	t.SmsMessage = orDefault(t.SmsMessage, orDefault(in.SmsVerificationMessage, defaultSmsMessage))
	t.DefaultEmailOption = orDefault(t.DefaultEmailOption, "CONFIRM_WITH_CODE")
	cfg.VerificationMessageTemplate = t
	cfg.EmailVerificationMessage = t.EmailMessage
	cfg.EmailVerificationSubject = t.EmailSubject
	cfg.SmsVerificationMessage = t.SmsMessage
}

// validateSettings checks rules the model cannot express.
func validateSettings(cfg *cip.UserPoolType) error {
	for _, a := range cfg.AutoVerifiedAttributes {
		if a != "email" && a != "phone_number" {
			return errorf(InvalidParameter, "Invalid AutoVerifiedAttributes: %s.", a)
		}
	}
	if cfg.MfaConfiguration == "ON" && cfg.SmsConfiguration == nil && cfg.EmailConfiguration == nil {
		return errorf(InvalidParameter, "MFA cannot be required without an MFA method configured.")
	}
	return validateInvitation(cfg)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// passwordPolicy returns the pool's policy for password.Policy.Check.
func (p *pool) passwordPolicy() password.Policy {
	pp := p.cfg.Policies.PasswordPolicy
	return password.Policy{
		MinimumLength:    int(int32v(pp.MinimumLength, 8)),
		RequireUppercase: boolv(pp.RequireUppercase),
		RequireLowercase: boolv(pp.RequireLowercase),
		RequireNumbers:   boolv(pp.RequireNumbers),
		RequireSymbols:   boolv(pp.RequireSymbols),
	}
}

// checkPassword applies Cognito's rule for every new password
// (password.WellFormed: no whitespace at either end) and the pool's
// password policy. The API model checks the rule first where a password is
// a model field; NEW_PASSWORD, a challenge response, gets the same answer
// here.
func (p *pool) checkPassword(pw string) error {
	if !password.WellFormed(pw) {
		return errorf(InvalidParameter, "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", password.Pattern)
	}
	if err := p.passwordPolicy().Check(pw); err != nil {
		return &Error{Kind: InvalidPassword, Message: err.Error()}
	}
	return nil
}

// caseSensitive reports whether usernames (and aliases) match case-sensitively.
func (p *pool) caseSensitive() bool {
	uc := p.cfg.UsernameConfiguration
	return uc == nil || uc.CaseSensitive == nil || *uc.CaseSensitive
}

// usesAttribute reports whether name is one of the pool's UsernameAttributes.
func (p *pool) usernameAttribute(name string) bool { return contains(p.cfg.UsernameAttributes, name) }

// aliasAttribute reports whether name is one of the pool's AliasAttributes.
func (p *pool) aliasAttribute(name string) bool { return contains(p.cfg.AliasAttributes, name) }

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// pageError turns a storage pagination failure caused by a bad token into
// InvalidParameterException.
func pageError(err error) error {
	if errors.Is(err, storage.ErrBadPageToken) {
		return errorf(InvalidParameter, "Invalid pagination token.")
	}
	return err
}
