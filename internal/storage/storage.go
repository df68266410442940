// Package storage states the persistence contract that every backend
// (internal/storage/sqlite, internal/storage/postgres) implements and that
// internal/storage/conformance checks.
//
// The contract:
//   - Records are plain values; backends copy them in and out, so a caller
//     may keep or change what it got without affecting the store.
//   - Every method honours ctx.
//   - A "not found" is reported as ErrNotFound, a uniqueness violation as
//     ErrConflict (wrapped, test with errors.Is). No driver error type
//     escapes a backend.
//   - Outside InTx, every method is its own transaction. Inside InTx the
//     callback sees one transaction; it commits when the callback returns
//     nil and rolls back otherwise. The callback may run more than once if
//     the backend retries a serialization failure, so it must not have side
//     effects beyond the store.
//   - A method that returned nil has made its write durable: it survives the
//     process being killed.
//
// This package imports only the standard library.
package storage

import (
	"context"
	"errors"
)

// Sentinel errors. Backends wrap them; callers test with errors.Is.
var (
	// ErrNotFound reports that the record asked for does not exist.
	ErrNotFound = errors.New("storage: not found")
	// ErrConflict reports that a write would break a uniqueness rule
	// (an id, a username, an alias, a login already taken).
	ErrConflict = errors.New("storage: conflict")
	// ErrBadPageToken reports a page token the backend did not issue.
	ErrBadPageToken = errors.New("storage: bad page token")
)

// Store is an open backend.
type Store interface {
	Stores
	// InTx runs fn in one transaction. See the package comment.
	InTx(ctx context.Context, fn func(tx Stores) error) error
	// Close releases the backend's resources.
	Close() error
}

// Stores gives the per-aggregate stores. Outside a transaction each call is
// atomic on its own; inside InTx all calls share the transaction.
type Stores interface {
	Pools() Pools
	Clients() Clients
	Users() Users
	Codes() Codes
	Tokens() Tokens
	Keys() Keys
	Settings() Settings
	Identities() Identities
	Devices() Devices
	Nonces() Nonces
	Audit() Audit
	Security() Security
}
