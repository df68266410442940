package identitypool

import (
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// msgInvalidText is what a client is told when a value it sent cannot be
// stored as text.
const msgInvalidText = "Request values must be valid UTF-8 text without NUL characters."

// msgVanished is what a client is told when a record the request read was
// deleted by a concurrent request before the request wrote what refers to
// it (an identity pool deleted while GetId creates an identity in it).
const msgVanished = "A resource the request names was deleted while the request ran."

// AsError returns the *Error a client is told about for err, or nil if err
// is internal. Besides this package's own errors, a write that storage
// refused because a value from the request is not text (a NUL character
// where the model sets no pattern) is bad input,
// InvalidParameterException, not an internal error; and a storage
// ErrNotFound that no operation turned into its own exception means a
// record the request read was deleted concurrently:
// ResourceNotFoundException.
func AsError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, storage.ErrInvalidText):
		return &Error{Kind: InvalidParameter, Message: msgInvalidText}
	case errors.Is(err, storage.ErrNotFound):
		return &Error{Kind: ResourceNotFound, Message: msgVanished}
	}
	return nil
}
