package userpool

// The kinds of the passkey operations (StartWebAuthnRegistration,
// CompleteWebAuthnRegistration).
const (
	WebAuthnNotEnabled             Kind = "WebAuthnNotEnabledException"
	WebAuthnConfigurationMissing   Kind = "WebAuthnConfigurationMissingException"
	WebAuthnChallengeNotFound      Kind = "WebAuthnChallengeNotFoundException"
	WebAuthnClientMismatch         Kind = "WebAuthnClientMismatchException"
	WebAuthnOriginNotAllowed       Kind = "WebAuthnOriginNotAllowedException"
	WebAuthnRelyingPartyMismatch   Kind = "WebAuthnRelyingPartyMismatchException"
	WebAuthnCredentialNotSupported Kind = "WebAuthnCredentialNotSupportedException"
)
