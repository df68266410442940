package userpool

import "fmt"

// Kind names a Cognito exception. The values are the exception shape names
// of the Cognito model, which the protocol layer writes as __type.
type Kind string

// The kinds this package returns.
const (
	InvalidParameter        Kind = "InvalidParameterException"
	InvalidPassword         Kind = "InvalidPasswordException"
	NotAuthorized           Kind = "NotAuthorizedException"
	ResourceNotFound        Kind = "ResourceNotFoundException"
	UserNotFound            Kind = "UserNotFoundException"
	UsernameExists          Kind = "UsernameExistsException"
	UserNotConfirmed        Kind = "UserNotConfirmedException"
	PasswordResetRequired   Kind = "PasswordResetRequiredException"
	CodeMismatch            Kind = "CodeMismatchException"
	ExpiredCode             Kind = "ExpiredCodeException"
	TooManyFailedAttempts   Kind = "TooManyFailedAttemptsException"
	LimitExceeded           Kind = "LimitExceededException"
	AliasExists             Kind = "AliasExistsException"
	UnsupportedOperation    Kind = "UnsupportedOperationException"
	UnsupportedTokenType    Kind = "UnsupportedTokenTypeException"
	Unauthorized            Kind = "UnauthorizedException"
	CodeDeliveryFailure     Kind = "CodeDeliveryFailureException"
	InvalidUserPoolConfig   Kind = "InvalidUserPoolConfigurationException"
	ConcurrentModification  Kind = "ConcurrentModificationException"
	UnsupportedUserState    Kind = "UnsupportedUserStateException"
	InvalidLambdaResponse   Kind = "InvalidLambdaResponseException"
	TooManyRequests         Kind = "TooManyRequestsException"
	UserPoolTaggingError    Kind = "UserPoolTaggingException"
	ForbiddenRequest        Kind = "ForbiddenException"
	InvalidEmailRoleAccess  Kind = "InvalidEmailRoleAccessPolicyException"
	InvalidSmsRoleAccess    Kind = "InvalidSmsRoleAccessPolicyException"
	InvalidSmsRoleTrust     Kind = "InvalidSmsRoleTrustRelationshipException"
	UserLambdaValidation    Kind = "UserLambdaValidationException"
	UnexpectedLambda        Kind = "UnexpectedLambdaException"
	PasswordHistoryViolated Kind = "PasswordHistoryPolicyViolationException"
)

// The kinds of groups and pool settings.
const (
	GroupExists              Kind = "GroupExistsException"
	UserPoolAddOnNotEnabled  Kind = "UserPoolAddOnNotEnabledException"
	FeatureUnavailableInTier Kind = "FeatureUnavailableInTierException"
)

// Error is a failure a client is told about: Kind is the Cognito exception,
// Message the documented text.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }

func errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Messages used in more than one place, worded as Cognito words them.
const (
	msgBadCredentials = "Incorrect username or password."
	msgUserNotFound   = "User does not exist."
	msgUserDisabled   = "User is disabled."
	msgNotConfirmed   = "User is not confirmed."
	msgTempExpired    = "Temporary password has expired and must be reset by an administrator."
	msgInvalidToken   = "Invalid Access Token"
	msgRevokedToken   = "Access Token has been revoked"
	msgBadSession     = "Invalid session for the user, session is expired."
	msgCodeMismatch   = "Invalid verification code provided, please try again."
	msgCodeExpired    = "Invalid code provided, please request a code again."
)

func poolNotFound(id string) *Error {
	return errorf(ResourceNotFound, "User pool %s does not exist.", id)
}

func clientNotFound(id string) *Error {
	return errorf(ResourceNotFound, "User pool client %s does not exist.", id)
}

// Empty is the output of operations that return nothing.
type Empty struct{}
