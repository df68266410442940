// Package storage states the persistence contract that every backend
// (internal/storage/sqlite, internal/storage/postgres) implements and that
// internal/storage/conformance checks.
//
// The contract:
//   - Records are plain values; backends copy them in and out, so a caller
//     may keep or change what it got without affecting the store.
//   - Records read back as written, except that times are kept to the
//     microsecond and read back in UTC (the zero time stays zero), and an
//     empty byte slice, slice or map reads back as nil, but for
//     User.Attributes, which reads back as a non-nil map. Slices keep their
//     order.
//   - Every method honours ctx: once ctx is done, a method fails with an
//     error wrapping ctx.Err() and writes nothing.
//   - A "not found" is reported as ErrNotFound, a uniqueness violation as
//     ErrConflict (wrapped, test with errors.Is). A write that names a
//     record that does not exist (a client of a missing pool, a code of a
//     missing user) fails with ErrNotFound. No driver error type escapes a
//     backend.
//   - Outside InTx, every method is its own transaction. Inside InTx the
//     callback sees one transaction; it commits when the callback returns
//     nil and rolls back otherwise (also when it panics, and then the panic
//     goes on). A method that fails inside InTx changes nothing and leaves
//     the transaction usable. Reads inside InTx see the transaction's
//     writes; nothing outside sees them before the commit. The callback may
//     run more than once if the backend retries a serialization failure, so
//     it must not have side effects beyond the store.
//   - A method that returned nil has made its write durable: it survives the
//     process being killed.
//   - Listings are ordered bytewise (as Go compares strings), not by any
//     locale's collation.
//   - String fields hold text: valid UTF-8 without NUL bytes, kept byte for
//     byte. A read by a key that is not such text finds nothing
//     (ErrNotFound, or an empty listing); a write of it fails with
//     ErrInvalidText and changes nothing. Keys from requests need no
//     checking before a lookup; values written from requests may fail the
//     write, which callers report as bad input.
//
// internal/storage/conformance is this contract as tests; every backend
// runs it.
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
	// ErrBadPageToken reports a page token that the listing it was given to
	// did not issue (garbage, or a token of another listing).
	ErrBadPageToken = errors.New("storage: bad page token")
	// ErrInvalidText reports a write of a string that is not text: invalid
	// UTF-8, or a NUL byte (see the package comment).
	ErrInvalidText = errors.New("storage: text must be valid UTF-8 without NUL bytes")
	// ErrStale reports a write of a record read before a concurrent write
	// changed it (see User.Version): nothing was written; read it again
	// and redo the change.
	ErrStale = errors.New("storage: record changed since it was read")
)

// Store is an open backend.
type Store interface {
	Stores
	// InTx runs fn in one transaction. See the package comment. fn writes
	// only through the Stores it is given: a write through the Store itself
	// would wait for the transaction on a single-writer backend (SQLite).
	// Reads through the Store see only committed data.
	InTx(ctx context.Context, fn func(tx Stores) error) error
	// Close releases the backend's resources.
	Close() error
}

// ConcurrentWriters is a Store whose write transactions do not wait for
// one another (PostgreSQL; SQLite has one writer at a time), so that a long
// bulk transaction holds up nobody else's writes.
type ConcurrentWriters interface {
	ConcurrentWriters() bool
}

// Stores gives the per-aggregate stores. Outside a transaction each call is
// atomic on its own; inside InTx all calls share the transaction.
type Stores interface {
	Pools() Pools
	Clients() Clients
	Users() Users
	Groups() Groups
	AuthEvents() AuthEvents
	Codes() Codes
	Tokens() Tokens
	Keys() Keys
	Settings() Settings
	Identities() Identities
	Devices() Devices
	Passkeys() Passkeys
	ClientDocuments() ClientDocuments
	ProviderLinks() ProviderLinks
	ImportJobs() ImportJobs
	Nonces() Nonces
	Roles() Roles
	OIDCProviders() OIDCProviders
	Audit() Audit
	Security() Security
	DeletedSubs() DeletedSubs
	Leases() Leases
}
