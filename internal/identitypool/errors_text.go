package identitypool

import (
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// msgInvalidText is what a client is told when a value it sent cannot be
// stored as text.
const msgInvalidText = "Request values must be valid UTF-8 text without NUL characters."

// AsError returns the *Error a client is told about for err, or nil if err
// is internal. Besides this package's own errors, a write that storage
// refused because a value from the request is not text (a NUL character
// where the model sets no pattern) is bad input,
// InvalidParameterException, not an internal error.
func AsError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, storage.ErrInvalidText):
		return &Error{Kind: InvalidParameter, Message: msgInvalidText}
	}
	return nil
}
