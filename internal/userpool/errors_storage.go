package userpool

import (
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// msgInvalidText is what a client is told when a value it sent cannot be
// stored as text.
const msgInvalidText = "Request values must be valid UTF-8 text without NUL characters."

// msgVanished is what a client is told when a record the request read was
// deleted by a concurrent request before the request wrote what refers to
// it (a user deleted during sign-in, a pool during sign-up).
const msgVanished = "A resource the request names was deleted while the request ran."

// msgChanged is what a client is told when a concurrent request changed
// the user between this request's read and its write: nothing was
// written, and TooManyRequestsException makes the SDKs retry.
const msgChanged = "The user was changed by a concurrent request; try again."

// AsError returns the *Error a client is told about for err, or nil if err
// is internal. Besides this package's own errors, a write that storage
// refused because a value from the request is not text (a NUL character
// in an attribute value or a group description: the JSON decoder lets
// "\u0000" through wherever the model sets no pattern) is bad input,
// InvalidParameterException, not an internal error; and a storage
// ErrNotFound that no operation turned into its own exception means a
// record the request read was deleted concurrently:
// ResourceNotFoundException. A write of a user that a concurrent request
// changed after this one read it (storage.ErrStale) is refused whole:
// TooManyRequestsException, which SDKs retry; so is the throttling of the
// Cognito pool a pool migrates from (ErrOldBusy).
func AsError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, storage.ErrInvalidText):
		return errorf(InvalidParameter, msgInvalidText)
	case errors.Is(err, storage.ErrNotFound):
		return errorf(ResourceNotFound, msgVanished)
	case errors.Is(err, storage.ErrStale):
		return errorf(TooManyRequests, msgChanged)
	case errors.Is(err, ErrOldBusy):
		return errorf(TooManyRequests, "Rate exceeded")
	}
	return nil
}
