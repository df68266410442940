package oidc

import "errors"

// Kinds of verification failure; an *Error wraps one of them.
var (
	// ErrInvalidToken is a token that is malformed, not signed by the
	// issuer, for another audience or issuer, or not yet valid: STS's
	// InvalidIdentityToken.
	ErrInvalidToken = errors.New("oidc: invalid identity token")
	// ErrExpired is a genuine token past its exp: STS's
	// ExpiredTokenException.
	ErrExpired = errors.New("oidc: identity token expired")
	// ErrUnreachable is an issuer whose discovery document or keys could
	// not be fetched: STS's IDPCommunicationError.
	ErrUnreachable = errors.New("oidc: identity provider unreachable")
)

// Error is a verification failure. Message is what STS says to clients;
// Detail (for logs only) says what went wrong.
type Error struct {
	Kind    error
	Message string
	Detail  string
}

// Error returns the message and the detail.
func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + " (" + e.Detail + ")"
}

// Unwrap returns Kind, so errors.Is(err, ErrExpired) works.
func (e *Error) Unwrap() error { return e.Kind }

// STS's messages.
const (
	msgInvalid     = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	msgAudience    = "Incorrect token audience"
	msgUnreachable = "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. This is often a transient error caused by network conditions. Retry the request a limited number of times and wait between trials to let the network stabilize."
	msgNoKey       = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
)

func invalid(detail string) *Error {
	return &Error{Kind: ErrInvalidToken, Message: msgInvalid, Detail: detail}
}
