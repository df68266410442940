package storage

import (
	"context"
	"time"
)

// Page asks for one page of a listing. Token is the opaque value returned as
// the previous page's next token ("" for the first page); Limit <= 0 means
// the backend default of 60.
type Page struct {
	Token string
	Limit int
}

// Pools stores user pools.
type Pools interface {
	// Create fails with ErrConflict if the id is taken.
	Create(ctx context.Context, p Pool) error
	Get(ctx context.Context, id string) (Pool, error)
	// Update replaces Name, Config and UpdatedAt; ErrNotFound if absent.
	Update(ctx context.Context, p Pool) error
	// Delete removes the pool and everything in it (clients, users, codes,
	// tokens, keys) atomically; ErrNotFound if absent.
	Delete(ctx context.Context, id string) error
	// List returns pools ordered by id, and the token for the next page
	// ("" when there is none).
	List(ctx context.Context, page Page) ([]Pool, string, error)
}

// Clients stores app clients. Client ids are unique across pools.
type Clients interface {
	Create(ctx context.Context, c Client) error
	// Get finds a client by id alone (unsigned operations carry no pool).
	Get(ctx context.Context, id string) (Client, error)
	// Update replaces Name, SecretSealed, Config and UpdatedAt.
	Update(ctx context.Context, c Client) error
	// Delete removes the client and its refresh tokens.
	Delete(ctx context.Context, id string) error
	// List returns the pool's clients ordered by id.
	List(ctx context.Context, poolID string, page Page) ([]Client, string, error)
}

// Users stores users and keeps their lookups unique per pool and kind.
type Users interface {
	// Create fails with ErrConflict if the sub or any lookup is taken.
	Create(ctx context.Context, u User) error
	// Put replaces the user (matched by PoolID and Sub) including its
	// lookups; ErrConflict if a new lookup is taken by another user.
	Put(ctx context.Context, u User) error
	GetBySub(ctx context.Context, poolID, sub string) (User, error)
	// GetByLookup finds the user holding (kind, key) in the pool.
	GetByLookup(ctx context.Context, poolID, kind, key string) (User, error)
	// Delete removes the user with its lookups, codes and refresh tokens,
	// and unlinks it from identities (their IdentityLogin rows keep the
	// login but lose UserPoolID/UserSub).
	Delete(ctx context.Context, poolID, sub string) error
	// List returns the pool's users ordered by username key.
	List(ctx context.Context, poolID string, page Page) ([]User, string, error)
	// Count returns the number of users in the pool.
	Count(ctx context.Context, poolID string) (int, error)
}

// Codes stores one-time codes, at most one per (pool, sub, purpose).
type Codes interface {
	// Put creates or replaces the code for (PoolID, Sub, Purpose).
	Put(ctx context.Context, c Code) error
	Get(ctx context.Context, poolID, sub, purpose string) (Code, error)
	// AddAttempt increments Attempts and returns the new count.
	AddAttempt(ctx context.Context, poolID, sub, purpose string) (int, error)
	Delete(ctx context.Context, poolID, sub, purpose string) error
}

// Tokens stores refresh tokens.
type Tokens interface {
	Create(ctx context.Context, t RefreshToken) error
	Get(ctx context.Context, id []byte) (RefreshToken, error)
	// GetByOrigin finds the token whose OriginJTI is given.
	GetByOrigin(ctx context.Context, originJTI string) (RefreshToken, error)
	// Revoke sets RevokedAt on one token (no-op if already revoked).
	Revoke(ctx context.Context, id []byte, at time.Time) error
	// Rotate sets RotatedAt on a token unless it is set already, and
	// reports whether this call set it: of concurrent callers, exactly one
	// rotates a token. ErrNotFound if there is no such token.
	Rotate(ctx context.Context, id []byte, at time.Time) (bool, error)
	// RevokeFamily revokes every token of a rotation family.
	RevokeFamily(ctx context.Context, familyID string, at time.Time) error
	// RevokeUser revokes every token of a user in a pool and returns how
	// many were newly revoked.
	RevokeUser(ctx context.Context, poolID, sub string, at time.Time) (int, error)
	// DeleteExpired removes tokens that expired before the given time.
	DeleteExpired(ctx context.Context, before time.Time) (int, error)
}

// Keys stores JWT signing keys.
type Keys interface {
	Create(ctx context.Context, k SigningKey) error
	// List returns all of the pool's keys for every use, newest first,
	// retired ones included; callers filter by RetireAt.
	List(ctx context.Context, poolID string) ([]SigningKey, error)
	// Retire sets RetireAt on a key.
	Retire(ctx context.Context, kid string, at time.Time) error
	// DeleteRetired removes keys whose RetireAt is before the given time.
	DeleteRetired(ctx context.Context, before time.Time) (int, error)
}

// Settings is a small key/value store for server-wide state (the sealed
// root credentials, server key versions, ...).
type Settings interface {
	Get(ctx context.Context, name string) ([]byte, error)
	Put(ctx context.Context, name string, value []byte) error
	// PutIfAbsent stores value unless name exists, and returns the value
	// now stored (so concurrent first starts agree on one value).
	PutIfAbsent(ctx context.Context, name string, value []byte) ([]byte, error)
}

// Identities stores identity pools, identities and their logins: the
// user <-> identity link.
type Identities interface {
	CreatePool(ctx context.Context, p IdentityPool) error
	GetPool(ctx context.Context, id string) (IdentityPool, error)
	UpdatePool(ctx context.Context, p IdentityPool) error
	// DeletePool removes the pool with its identities and logins.
	DeletePool(ctx context.Context, id string) error
	ListPools(ctx context.Context, page Page) ([]IdentityPool, string, error)

	Create(ctx context.Context, id Identity) error
	Get(ctx context.Context, id string) (Identity, error)
	// Touch sets UpdatedAt.
	Touch(ctx context.Context, id string, at time.Time) error
	// Update replaces LinkedAt, MergedInto and UpdatedAt; ErrNotFound if
	// absent.
	Update(ctx context.Context, id Identity) error
	// Delete removes the identity and its logins.
	Delete(ctx context.Context, id string) error
	List(ctx context.Context, poolID string, page Page) ([]Identity, string, error)

	// AddLogin links a login to an identity; ErrConflict if the
	// (IdentityPoolID, Provider, Subject) login belongs to an identity already.
	AddLogin(ctx context.Context, l IdentityLogin) error
	// RemoveLogin unlinks a login; ErrNotFound if it was not linked.
	RemoveLogin(ctx context.Context, identityPoolID, provider, subject string) error
	// FindLogin returns the login row for (pool, provider, subject).
	FindLogin(ctx context.Context, identityPoolID, provider, subject string) (IdentityLogin, error)
	// Logins lists the logins of one identity.
	Logins(ctx context.Context, identityID string) ([]IdentityLogin, error)
	// LoginsOfUser lists every login, in every identity pool, that links
	// to the given user: the identities that belong to a user.
	LoginsOfUser(ctx context.Context, userPoolID, userSub string) ([]IdentityLogin, error)
}

// Devices stores the devices users chose to remember. A user's devices go
// with the user (Users.Delete) and the pool (Pools.Delete).
type Devices interface {
	// Create adds the device; ErrConflict if the pool has a device with
	// its Key, ErrNotFound if the user does not exist.
	Create(ctx context.Context, d Device) error
	Get(ctx context.Context, poolID, key string) (Device, error)
	// Update replaces Name, Status, LastIP, UpdatedAt and
	// LastAuthenticatedAt; ErrNotFound if there is no such device.
	Update(ctx context.Context, d Device) error
	// Delete removes the device; ErrNotFound if there is none.
	Delete(ctx context.Context, poolID, key string) error
	// List returns the user's devices ordered by key, and the token for
	// the next page ("" when there is none).
	List(ctx context.Context, poolID, sub string, page Page) ([]Device, string, error)
}

// Nonces counts the uses of values that must be used once or a few times
// (an SRP secret block, a TOTP code's time step, the wrong answers given in
// one sign-in session), so that every node refuses a replay. A nonce is
// kept at least until it expires.
type Nonces interface {
	// Use records one use of id, kept at least until expiresAt, and
	// returns how many uses id has had, this one included. It is atomic:
	// concurrent callers each see a distinct count.
	Use(ctx context.Context, id []byte, expiresAt time.Time) (int, error)
	// Uses returns how many uses id has had (0 when none).
	Uses(ctx context.Context, id []byte) (int, error)
	// DeleteExpired removes nonces that expired before the given time and
	// returns how many it removed.
	DeleteExpired(ctx context.Context, before time.Time) (int, error)
}

// Audit stores the identity audit log. Events are immutable once recorded.
type Audit interface {
	// Record adds an event; ErrConflict if its ID is taken.
	Record(ctx context.Context, e AuditEvent) error
	// List returns the events matching f, newest first (by Time, then ID),
	// and the token for the next page ("" when there is none).
	List(ctx context.Context, f AuditFilter, page Page) ([]AuditEvent, string, error)
}

// Security stores the per-user state that protects accounts: failed
// password attempts and their lockout (Guard), rate windows that limit how
// often a user may ask for codes, and the hashes of a user's previous
// passwords. Pools.Delete removes a pool's state; Users.Delete removes a
// user's password history (guards and windows of a deleted sub are inert
// and age out through DeleteIdle).
type Security interface {
	// Guard returns the subject's state; ErrNotFound when none is stored.
	Guard(ctx context.Context, poolID, subject string) (Guard, error)
	// PutGuard creates or replaces the state of (PoolID, Subject).
	PutGuard(ctx context.Context, g Guard) error
	// DeleteGuard removes the subject's state; removing none is not an error.
	DeleteGuard(ctx context.Context, poolID, subject string) error
	// AddFailure counts one password attempt against the subject unless it
	// is locked out at now. Atomically: when LockedUntil <= now (or no state
	// is stored) it increments Failures, sets UpdatedAt to now and
	// LockedUntil to now + lock(Failures) (unchanged when lock returns 0),
	// and returns the new state and true; when locked it changes nothing and
	// returns the stored state and false. Concurrent callers are serialized,
	// so each sees a distinct count and none passes a lockout another set.
	AddFailure(ctx context.Context, poolID, subject string, now time.Time, lock func(failures int) time.Duration) (Guard, bool, error)

	// Hit counts one event of kind for the subject, atomically, and returns
	// the number of events in the current window, this one included. A
	// window lasts the given duration from its first event; an event after
	// it starts a new window at now.
	Hit(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration) (int, error)

	// AddPassword records a password hash of the user at the given time and
	// keeps only the newest keep hashes (none when keep <= 0).
	AddPassword(ctx context.Context, poolID, sub, hash string, at time.Time, keep int) error
	// Passwords returns up to n of the user's recorded hashes, newest first.
	Passwords(ctx context.Context, poolID, sub string, n int) ([]string, error)

	// DeleteIdle removes guards updated, and windows started, before the
	// given time, and returns how many it removed.
	DeleteIdle(ctx context.Context, before time.Time) (int, error)
}
