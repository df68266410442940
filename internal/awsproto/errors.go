package awsproto

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS protocol error: written as {"__type": Type, "message":
// Message}, with the X-Amzn-ErrorType header set to Type.
type Error struct {
	// Type is the error code clients see, e.g. "NotAuthorizedException".
	Type string
	// Message is the human-readable text clients see.
	Message string
	// Status is the HTTP status; 0 means 400, or 500 for
	// InternalErrorException.
	Status int
}

// Error returns "Type: Message".
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Type
	}
	return e.Type + ": " + e.Message
}

// HTTPStatus returns the status the error is written with.
func (e *Error) HTTPStatus() int {
	switch {
	case e.Status != 0:
		return e.Status
	case e.Type == TypeInternalError:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// Errorf returns an *Error of the given type with a formatted message.
func Errorf(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// Error types written by this package.
const (
	TypeInternalError       = "InternalErrorException"
	TypeInvalidParameter    = "InvalidParameterException"
	TypeSerialization       = "SerializationException"
	TypeUnknownOperation    = "UnknownOperationException"
	TypeMissingAuthToken    = "MissingAuthenticationTokenException"
	TypeUnrecognizedClient  = "UnrecognizedClientException"
	TypeInvalidSignature    = "InvalidSignatureException"
	TypeIncompleteSignature = "IncompleteSignatureException"
	TypeExpiredToken        = "ExpiredTokenException"
	TypeAccessDenied        = "AccessDeniedException"
	msgInternal             = "Internal server error."
	msgInvalidSignature     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgUnrecognizedClient   = "The security token included in the request is invalid."
	msgMissingAuthToken     = "Missing Authentication Token"
	msgExpiredToken         = "The security token included in the request is expired"
)

// Validation error types other than TypeInvalidParameter (Cognito user
// pools'), for Service.ValidationError and QueryService.ValidationError:
// each AWS API answers input that breaks its model's constraints with its
// own code, and the same "N validation error(s) detected: ..." message.
const (
	// TypeValidation is Cognito identity pools'.
	TypeValidation = "ValidationException"
	// TypeQueryValidation is STS's and IAM's.
	TypeQueryValidation = "ValidationError"
)

// ErrUnknownAccessKey is returned by a CredentialSource for an access key
// (or session token) it does not know; clients see
// UnrecognizedClientException.
var ErrUnknownAccessKey = errors.New("awsproto: unknown access key")

// ErrExpiredToken is returned by a CredentialSource for a genuine session
// token whose credentials have expired; clients see
// ExpiredTokenException (ExpiredToken in the query protocol).
var ErrExpiredToken = errors.New("awsproto: security token expired")

func internalError() *Error {
	return &Error{Type: TypeInternalError, Message: msgInternal}
}

// accessDenied refuses a caller an operation, in AWS's words.
func accessDenied(c *Caller, signingName, op string) *Error {
	return Errorf(TypeAccessDenied, "User: %s is not authorized to perform: %s:%s", c.Principal, signingName, op)
}
