package identitypool

import (
	"errors"
	"fmt"
)

// Kind names a Cognito identity exception; the values are the exception
// shape names of the cognito-identity model, which the protocol layer
// writes as __type.
type Kind string

// The kinds this package returns.
const (
	InvalidParameter                 Kind = "InvalidParameterException"
	ResourceNotFound                 Kind = "ResourceNotFoundException"
	NotAuthorized                    Kind = "NotAuthorizedException"
	ResourceConflict                 Kind = "ResourceConflictException"
	InvalidIdentityPoolConfiguration Kind = "InvalidIdentityPoolConfigurationException"
	DeveloperUserAlreadyRegistered   Kind = "DeveloperUserAlreadyRegisteredException"
	ExternalService                  Kind = "ExternalServiceException"
	LimitExceeded                    Kind = "LimitExceededException"
)

// Error is a failure a client is told about: Kind is the exception,
// Message the text, worded as AWS words it where AWS's wording is known.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }

func errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Sentinels an OIDCVerifier or CredentialIssuer wraps so that clients get
// the right exception.
var (
	// ErrInvalidToken: the token is not valid for the provider (bad
	// signature, wrong issuer or audience, expired). Clients see
	// NotAuthorizedException with the error's text.
	ErrInvalidToken = errors.New("identitypool: invalid login token")
	// ErrProviderUnavailable: the provider could not be reached (discovery
	// or JWKS fetch failed). Clients see ExternalServiceException.
	ErrProviderUnavailable = errors.New("identitypool: identity provider unavailable")
	// ErrRoleRefused: the role does not exist or its trust policy does not
	// let this identity assume it. Clients see
	// InvalidIdentityPoolConfigurationException, as AWS answers.
	ErrRoleRefused = errors.New("identitypool: role cannot be assumed")
)

// Messages used in more than one place, as AWS words them.
const (
	msgUnauthDisabled  = "Unauthenticated access is not supported for this identity pool."
	msgLoginsMismatch  = "Logins don't match. Please include at least one valid login for this identity or identity pool."
	msgBadRoleConfig   = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
	msgUnsupported     = "Token is not from a supported provider of this identity pool."
	msgIssuerMismatch  = "Invalid login token. Issuer doesn't match providerName"
	msgClassicDisabled = "Basic (classic) flow is not enabled, please use enhanced flow."
)

func forbidden(identityID string) *Error {
	return errorf(NotAuthorized, "Access to Identity '%s' is forbidden.", identityID)
}

func poolNotFound(id string) *Error {
	return errorf(ResourceNotFound, "IdentityPool '%s' not found.", id)
}

func identityNotFound(id string) *Error {
	return errorf(ResourceNotFound, "Identity '%s' not found.", id)
}
