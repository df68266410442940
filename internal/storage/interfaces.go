package storage

import (
	"context"
	"io"
	"time"
)

// Page asks for one page of a listing. Token is the opaque value returned as
// the previous page's next token ("" for the first page); Limit <= 0 means
// the backend default of 60.
//
// A listing returns at most Limit items and the token for the next page.
// Every page but the last is full and has a token; the last page has the
// token "" (so a listing never ends with an empty page unless it is empty).
// A token resumes only the listing that issued it (the same method, and
// the same pool for a pool's listing); any other token, garbage included,
// fails with an error wrapping ErrBadPageToken.
type Page struct {
	Token string
	Limit int
}

// Pools stores user pools.
type Pools interface {
	// Create fails with ErrConflict if the id is taken.
	Create(ctx context.Context, p Pool) error
	// Get fails with ErrNotFound if there is no such pool.
	Get(ctx context.Context, id string) (Pool, error)
	// UpdatedAt reads the pool's UpdatedAt alone, by which a caller that
	// keeps a parsed copy tells whether it is the stored one; ErrNotFound
	// if absent.
	UpdatedAt(ctx context.Context, id string) (time.Time, error)
	// Update replaces Name, Config and UpdatedAt; ErrNotFound if absent.
	Update(ctx context.Context, p Pool) error
	// Delete removes the pool and everything in it (clients, users, codes,
	// tokens, keys) atomically; ErrNotFound if absent. Identity logins of
	// its users are unlinked as by Users.Delete.
	Delete(ctx context.Context, id string) error
	// List returns pools ordered by id, and the token for the next page
	// ("" when there is none).
	List(ctx context.Context, page Page) ([]Pool, string, error)
}

// Clients stores app clients. Client ids are unique across pools.
type Clients interface {
	// Create fails with ErrConflict if the id is taken (in any pool), and
	// with ErrNotFound if the pool does not exist.
	Create(ctx context.Context, c Client) error
	// Get finds a client by id alone (unsigned operations carry no pool);
	// ErrNotFound if absent.
	Get(ctx context.Context, id string) (Client, error)
	// Update replaces Name, SecretSealed, Config and UpdatedAt; ErrNotFound
	// if absent.
	Update(ctx context.Context, c Client) error
	// Delete removes the client and its refresh tokens; ErrNotFound if
	// absent.
	Delete(ctx context.Context, id string) error
	// List returns the pool's clients ordered by id (none for a pool that
	// does not exist).
	List(ctx context.Context, poolID string, page Page) ([]Client, string, error)
}

// Users stores users and keeps their lookups unique per pool and kind.
type Users interface {
	// Create fails with ErrConflict if the sub (in the pool) or any lookup
	// is taken, and with ErrNotFound if the pool does not exist; a refused
	// Create stores nothing.
	Create(ctx context.Context, u User) error
	// Put replaces the user (matched by PoolID and Sub) including its
	// lookups: lookups no longer listed are freed, new ones taken.
	// ErrConflict if a new lookup is taken by another user, ErrNotFound if
	// the user does not exist, ErrStale if u.Version is not 0 and no longer
	// the stored version; a refused Put changes nothing. The stored
	// version becomes one more than before.
	Put(ctx context.Context, u User) error
	// GetBySub fails with ErrNotFound if the pool has no such user.
	GetBySub(ctx context.Context, poolID, sub string) (User, error)
	// GetByLookup finds the user holding (kind, key) in the pool; keys
	// match exactly. ErrNotFound if no user holds it.
	GetByLookup(ctx context.Context, poolID, kind, key string) (User, error)
	// Delete removes the user with its lookups, codes and refresh tokens,
	// and unlinks it from identities (their IdentityLogin rows keep the
	// login but lose UserPoolID/UserSub); ErrNotFound if absent.
	Delete(ctx context.Context, poolID, sub string) error
	// List returns the pool's users ordered by the key of their "username"
	// lookup (users without one first), then by sub.
	List(ctx context.Context, poolID string, page Page) ([]User, string, error)
	// CreateMany creates the users as Create does, all or none (bulk
	// imports): ErrConflict if any sub or lookup is taken (or listed
	// twice), ErrNotFound if a pool does not exist; a refused CreateMany
	// stores nothing. A backend may commit the transaction that loads a
	// large batch without waiting for it to reach the disk (PostgreSQL:
	// synchronous_commit off for 100 users or more): a crash of the
	// database may lose that transaction, whole, with those after it. A
	// caller keeps its progress in the same transaction, so that it finds
	// the lost work still to do.
	CreateMany(ctx context.Context, us []User) error
	// Taken returns those of the lookups that a user of the pool holds
	// (keys match exactly), in any order.
	Taken(ctx context.Context, poolID string, ls []Lookup) ([]Lookup, error)
	// Count returns the number of users in the pool.
	Count(ctx context.Context, poolID string) (int, error)
	// Search returns the pool's users that match f, ordered by the value
	// matched and then by sub, with the token for the next page ("" when
	// there is none). It reads an index: the username lookup, the status
	// or enabled columns, or the attribute index that Create and Put keep
	// in the same transaction as the user. A page may hold fewer than
	// Limit users while more follow. Keys other than those of UserFilter
	// and SearchableAttribute match no user.
	Search(ctx context.Context, poolID string, f UserFilter, page Page) ([]User, string, error)
}

// Groups stores the groups of a pool and their members. Membership is
// indexed both ways: a group's members and a user's groups are each one
// indexed read. Deleting a user or a group removes its memberships.
type Groups interface {
	// Create fails with ErrConflict if the pool has a group of that name,
	// ErrNotFound if the pool does not exist.
	Create(ctx context.Context, g Group) error
	Get(ctx context.Context, poolID, name string) (Group, error)
	// Update replaces Description, RoleARN, Precedence and UpdatedAt;
	// ErrNotFound if absent.
	Update(ctx context.Context, g Group) error
	// Delete removes the group and its memberships; ErrNotFound if absent.
	Delete(ctx context.Context, poolID, name string) error
	// List returns the pool's groups ordered by name.
	List(ctx context.Context, poolID string, page Page) ([]Group, string, error)
	// AddMember puts the user in the group (a no-op when it is there
	// already); ErrNotFound if the group or the user does not exist.
	AddMember(ctx context.Context, poolID, name, sub string) error
	// RemoveMember takes the user out of the group (a no-op when it is not
	// a member).
	RemoveMember(ctx context.Context, poolID, name, sub string) error
	// Members returns the group's users ordered by sub.
	Members(ctx context.Context, poolID, name string, page Page) ([]User, string, error)
	// OfUser returns every group the user belongs to, ordered by name, in
	// one indexed query: token issuing reads it on each sign-in and refresh.
	OfUser(ctx context.Context, poolID, sub string) ([]Group, error)
}

// AuthEvents stores users' authentication history. Deleting a user
// removes its events.
type AuthEvents interface {
	// Add records an event; ErrNotFound if the user does not exist.
	Add(ctx context.Context, e AuthEvent) error
	// List returns the user's events, newest first.
	List(ctx context.Context, poolID, sub string, page Page) ([]AuthEvent, string, error)
	// SetFeedback replaces the feedback of the user's event id; ErrNotFound
	// if the user has no such event.
	SetFeedback(ctx context.Context, poolID, sub, id string, f AuthEventFeedback) error
	// DeleteBefore removes events created before the given time and
	// returns how many it removed.
	DeleteBefore(ctx context.Context, before time.Time) (int, error)
}

// Codes stores one-time codes, at most one per (pool, sub, purpose). A
// code's attempts are counted before the code is compared: AddAttempt
// commits the count and returns the code, so that of concurrent guesses
// only those counted within a limit are ever compared.
type Codes interface {
	// Put creates or replaces the code for (PoolID, Sub, Purpose);
	// ErrNotFound if the user does not exist.
	Put(ctx context.Context, c Code) error
	// Get fails with ErrNotFound if there is no such code.
	Get(ctx context.Context, poolID, sub, purpose string) (Code, error)
	// AddAttempt increments Attempts and returns the code as it is after
	// the increment, in one atomic step: concurrent calls each get their
	// own count, and the Hash and ExpiresAt that go with it. ErrNotFound if
	// there is no code.
	AddAttempt(ctx context.Context, poolID, sub, purpose string) (Code, error)
	// Delete fails with ErrNotFound if there is no such code.
	Delete(ctx context.Context, poolID, sub, purpose string) error
}

// Tokens stores refresh tokens.
type Tokens interface {
	// Create fails with ErrConflict if the id is taken, and with
	// ErrNotFound if the client or the user does not exist.
	Create(ctx context.Context, t RefreshToken) error
	// Get fails with ErrNotFound if there is no such token.
	Get(ctx context.Context, id []byte) (RefreshToken, error)
	// GetByOrigin finds the token whose OriginJTI is given; ErrNotFound if
	// there is none.
	GetByOrigin(ctx context.Context, originJTI string) (RefreshToken, error)
	// Revoke sets RevokedAt on one token (no-op if already revoked: the
	// first time stays); ErrNotFound if there is no such token.
	Revoke(ctx context.Context, id []byte, at time.Time) error
	// Rotate sets RotatedAt on a token unless it is set already, and
	// reports whether this call set it: of concurrent callers, exactly one
	// rotates a token. ErrNotFound if there is no such token.
	Rotate(ctx context.Context, id []byte, at time.Time) (bool, error)
	// RevokeFamily revokes every token of a rotation family that is not
	// revoked yet (none for an unknown family).
	RevokeFamily(ctx context.Context, familyID string, at time.Time) error
	// RevokeUser revokes every token of a user in a pool and returns how
	// many were newly revoked.
	RevokeUser(ctx context.Context, poolID, sub string, at time.Time) (int, error)
	// DeleteExpired removes tokens whose ExpiresAt is before the given time
	// (a zero ExpiresAt never expires) and returns how many.
	DeleteExpired(ctx context.Context, before time.Time) (int, error)
}

// Keys stores JWT signing keys.
type Keys interface {
	// Create fails with ErrConflict if the kid is taken.
	Create(ctx context.Context, k SigningKey) error
	// List returns all of the pool's keys for every use, newest first,
	// retired ones included; callers filter by RetireAt.
	List(ctx context.Context, poolID string) ([]SigningKey, error)
	// Retire sets RetireAt on a key; ErrNotFound if there is no such key.
	Retire(ctx context.Context, kid string, at time.Time) error
	// DeleteRetired removes keys whose RetireAt is set and before the given
	// time, and returns how many.
	DeleteRetired(ctx context.Context, before time.Time) (int, error)
}

// Settings is a small key/value store for server-wide state (the sealed
// root credentials, server key versions, ...).
type Settings interface {
	// Get fails with ErrNotFound if the name was never Put. Names are
	// case-sensitive.
	Get(ctx context.Context, name string) ([]byte, error)
	// Put creates or replaces the value.
	Put(ctx context.Context, name string, value []byte) error
	// PutIfAbsent stores value unless name exists, and returns the value
	// now stored (so concurrent first starts agree on one value).
	PutIfAbsent(ctx context.Context, name string, value []byte) ([]byte, error)
}

// Identities stores identity pools, identities and their logins: the
// user <-> identity link.
type Identities interface {
	// CreatePool fails with ErrConflict if the id is taken.
	CreatePool(ctx context.Context, p IdentityPool) error
	// GetPool fails with ErrNotFound if there is no such pool.
	GetPool(ctx context.Context, id string) (IdentityPool, error)
	// UpdatePool replaces Name, Config and UpdatedAt; ErrNotFound if absent.
	UpdatePool(ctx context.Context, p IdentityPool) error
	// DeletePool removes the pool with its identities and logins;
	// ErrNotFound if absent.
	DeletePool(ctx context.Context, id string) error
	// ListPools returns identity pools ordered by id.
	ListPools(ctx context.Context, page Page) ([]IdentityPool, string, error)

	// Create fails with ErrConflict if the id is taken (in any pool), and
	// with ErrNotFound if the pool does not exist.
	Create(ctx context.Context, id Identity) error
	// Get fails with ErrNotFound if there is no such identity.
	Get(ctx context.Context, id string) (Identity, error)
	// Touch sets UpdatedAt; ErrNotFound if absent.
	Touch(ctx context.Context, id string, at time.Time) error
	// Update replaces LinkedAt, MergedInto and UpdatedAt; ErrNotFound if
	// absent.
	Update(ctx context.Context, id Identity) error
	// Delete removes the identity and its logins; ErrNotFound if absent.
	Delete(ctx context.Context, id string) error
	// List returns the pool's identities ordered by id.
	List(ctx context.Context, poolID string, page Page) ([]Identity, string, error)

	// AddLogin links a login to an identity; ErrConflict if the
	// (IdentityPoolID, Provider, Subject) login belongs to an identity
	// already, ErrNotFound if the identity is not in IdentityPoolID.
	AddLogin(ctx context.Context, l IdentityLogin) error
	// RemoveLogin unlinks a login; ErrNotFound if it was not linked.
	RemoveLogin(ctx context.Context, identityPoolID, provider, subject string) error
	// FindLogin returns the login row for (pool, provider, subject);
	// ErrNotFound if there is none.
	FindLogin(ctx context.Context, identityPoolID, provider, subject string) (IdentityLogin, error)
	// Logins lists the logins of one identity ordered by provider, then
	// subject.
	Logins(ctx context.Context, identityID string) ([]IdentityLogin, error)
	// LoginsOfUser lists every login, in every identity pool, that links
	// to the given user: the identities that belong to a user. They are
	// ordered by identity pool, provider, subject; an empty userPoolID or
	// userSub names no user and finds none.
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

// Passkeys stores users' WebAuthn credentials. A credential id is unique in
// its pool, across users. A user's passkeys go with the user (Users.Delete)
// and the pool (Pools.Delete).
type Passkeys interface {
	// Create adds the passkey; ErrConflict if the pool has a passkey with
	// its ID, ErrNotFound if the user does not exist.
	Create(ctx context.Context, k Passkey) error
	// Get finds a passkey by its pool and ID; ErrNotFound if there is none.
	Get(ctx context.Context, poolID, id string) (Passkey, error)
	// List returns the user's passkeys ordered by ID, and the token for the
	// next page ("" when there is none).
	List(ctx context.Context, poolID, sub string, page Page) ([]Passkey, string, error)
	// Count returns the number of the user's passkeys.
	Count(ctx context.Context, poolID, sub string) (int, error)
	// RecordUse records a verified sign-in with the passkey: SignCount,
	// BackupState and LastUsedAt are set, but only if signCount is above
	// the stored count, or both are 0 (an authenticator without a
	// counter). It reports whether it wrote: false means the counter did
	// not advance (a cloned authenticator, or a replay) and nothing
	// changed. The check and the write are one atomic step, so of
	// concurrent uses with the same count exactly one succeeds, unless
	// the count is 0. ErrNotFound if there is no such passkey.
	RecordUse(ctx context.Context, poolID, id string, signCount uint32, backupState bool, at time.Time) (bool, error)
	// Delete removes the user's passkey; ErrNotFound if the user has no
	// passkey with that ID (another user's passkey is not found either).
	Delete(ctx context.Context, poolID, sub, id string) error
}

// ImportJobs stores user import jobs, their uploaded files and the
// reasons rows failed. A pool's jobs go with the pool (Pools.Delete).
type ImportJobs interface {
	// Create adds the job (its Version becomes 1); ErrConflict if the pool
	// has a job with its ID, ErrNotFound if the pool does not exist.
	Create(ctx context.Context, j ImportJob) error
	// Get fails with ErrNotFound if the pool has no such job.
	Get(ctx context.Context, poolID, id string) (ImportJob, error)
	// List returns the pool's jobs ordered by ID, and the token for the
	// next page ("" when there is none).
	List(ctx context.Context, poolID string, page Page) ([]ImportJob, string, error)
	// Update replaces Status, NextRow, the counts, Message, StartedAt and
	// CompletedAt, only while the stored Version is j.Version (ErrStale
	// otherwise; ErrNotFound if absent); the stored version becomes one
	// more. So of two writers that read the same job, one wins.
	Update(ctx context.Context, j ImportJob) error
	// Active returns up to limit jobs, of any pool, whose status is
	// Pending, InProgress or Stopping, oldest first.
	Active(ctx context.Context, limit int) ([]ImportJob, error)
	// PutFile stores the job's file, read from r to its end, replacing any
	// earlier one, sets the job's FileSize and returns it; ErrNotFound if
	// the job does not exist. It is atomic: if r fails (its error is
	// returned wrapped), the earlier file stays. It holds only a few MiB
	// of the file in memory at a time, whatever its size.
	PutFile(ctx context.Context, poolID, id string, r io.Reader) (int64, error)
	// FileRange returns up to n bytes of the job's file from byte off on:
	// fewer at its end, none past it; ErrNotFound if none was put. Reading
	// a file in ranges keeps only a range in memory at a time.
	FileRange(ctx context.Context, poolID, id string, off int64, n int) ([]byte, error)
	// AddFailures records rows that failed; ErrNotFound if a job does not
	// exist, ErrConflict if a row is recorded already.
	AddFailures(ctx context.Context, fs []ImportFailure) error
	// Failures returns the job's failed rows ordered by row.
	Failures(ctx context.Context, poolID, id string, page Page) ([]ImportFailure, string, error)
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

// Roles stores IAM roles and their inline policies.
type Roles interface {
	// Create fails with ErrConflict if the id or the name (compared
	// case-insensitively) is taken.
	Create(ctx context.Context, r Role) error
	// Get finds a role by name, case-insensitively.
	Get(ctx context.Context, name string) (Role, error)
	// Update replaces AssumeRolePolicy, Description, MaxSessionDuration,
	// PermissionsBoundary, Tags and UpdatedAt of the role with r.ID;
	// ErrNotFound if absent.
	Update(ctx context.Context, r Role) error
	// Delete removes the role with the id. It fails with ErrConflict while
	// the role has inline policies (IAM's DeleteConflict), ErrNotFound if
	// absent; the check and the delete are atomic.
	Delete(ctx context.Context, id string) error
	// List returns the roles whose Path starts with pathPrefix ("" or "/"
	// for all) ordered by lower-cased name.
	List(ctx context.Context, pathPrefix string, page Page) ([]Role, string, error)

	// PutPolicy creates or replaces the inline policy (RoleID, Name); on
	// replace, CreatedAt is kept. ErrNotFound if the role does not exist.
	PutPolicy(ctx context.Context, p RolePolicy) error
	GetPolicy(ctx context.Context, roleID, name string) (RolePolicy, error)
	// Policies returns every inline policy of the role, ordered by name.
	Policies(ctx context.Context, roleID string) ([]RolePolicy, error)
	// ListPolicies returns one page of the role's inline policies, ordered
	// by name.
	ListPolicies(ctx context.Context, roleID string, page Page) ([]RolePolicy, string, error)
	// DeletePolicy removes an inline policy; ErrNotFound if absent.
	DeletePolicy(ctx context.Context, roleID, name string) error
}

// OIDCProviders stores IAM OpenID Connect identity providers, keyed by URL.
type OIDCProviders interface {
	// Create fails with ErrConflict if the URL is taken.
	Create(ctx context.Context, p OIDCProvider) error
	Get(ctx context.Context, url string) (OIDCProvider, error)
	// Update replaces ClientIDs, Thumbprints, Tags and UpdatedAt;
	// ErrNotFound if absent.
	Update(ctx context.Context, p OIDCProvider) error
	Delete(ctx context.Context, url string) error
	// List returns every provider ordered by URL (IAM does not page them).
	List(ctx context.Context) ([]OIDCProvider, error)
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

// ClientDocuments stores the documents of app clients (see
// ClientDocument). A client's documents go with the client (Clients.Delete)
// and with its pool.
type ClientDocuments interface {
	// Create fails with ErrConflict if the id is taken in the pool or the
	// client has a document of that Kind and Name already, and with
	// ErrNotFound if the client does not exist in the pool.
	Create(ctx context.Context, d ClientDocument) error
	// Get finds a document of the pool by kind and id; ErrNotFound if absent.
	Get(ctx context.Context, poolID, kind, id string) (ClientDocument, error)
	// Find finds the client's document of that kind and name; ErrNotFound
	// if absent.
	Find(ctx context.Context, poolID, clientID, kind, name string) (ClientDocument, error)
	// List returns the pool's documents of a kind ordered by id, and the
	// token for the next page.
	List(ctx context.Context, poolID, kind string, page Page) ([]ClientDocument, string, error)
	// Update replaces Name, Body and UpdatedAt of the document (PoolID,
	// Kind, ID); ErrNotFound if absent, ErrConflict if its client has
	// another document of that Kind and Name.
	Update(ctx context.Context, d ClientDocument) error
	// Delete removes a document; ErrNotFound if absent.
	Delete(ctx context.Context, poolID, kind, id string) error
}

// ProviderLinks stores the external identities linked to users (see
// ProviderLink). A user's links go with the user (Users.Delete) and with
// its pool.
type ProviderLinks interface {
	// Create fails with ErrConflict if the pool links that provider's
	// subject already (to any user), and with ErrNotFound if the user does
	// not exist.
	Create(ctx context.Context, l ProviderLink) error
	// Get finds the link of a provider's subject; ErrNotFound if absent.
	Get(ctx context.Context, poolID, provider, subject string) (ProviderLink, error)
	// ListByUser returns the user's links ordered by provider name, then
	// subject (none for a user without links).
	ListByUser(ctx context.Context, poolID, sub string) ([]ProviderLink, error)
	// Delete removes a link; ErrNotFound if absent.
	Delete(ctx context.Context, poolID, provider, subject string) error
}

// DeletedSubs records the subs of users deleted from a pool copied from a
// Cognito pool, so that the lazy migration, which creates a user the old
// pool knows and this one does not, never brings a deleted user back, nor
// does a later copy run. Deletions are recorded after the migration ends
// too, and the records outlive it (a copy run after it ends turns it on
// again); deleting the pool drops them.
type DeletedSubs interface {
	// Add records sub as deleted from the pool; adding it again is no
	// error; ErrNotFound if the pool does not exist.
	Add(ctx context.Context, poolID, sub string) error
	// Has reports whether sub was recorded for the pool.
	Has(ctx context.Context, poolID, sub string) (bool, error)
}

// Leases holds named claims, each with an owner and an expiry, so that of
// the nodes sharing a database one at a time works on a thing (a pool's
// change of sign-in rule) and another takes over once the holder stops
// renewing (a crash, a lost connection). A lease keeps the progress its
// holder recorded, for whoever takes it next.
type Leases interface {
	// Take gives the lease to owner until now+ttl when it is absent,
	// expired at now, or owner's already, and returns its progress (nil
	// for a new one) and true; it returns false when another owner holds
	// it.
	Take(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) ([]byte, bool, error)
	// Renew extends owner's lease to now+ttl and, when progress is not
	// nil, replaces its progress (empty clears it); ErrNotFound when owner
	// does not hold it. Inside a transaction it fences the transaction's
	// other writes: they commit only while owner holds the lease.
	Renew(ctx context.Context, name, owner string, now time.Time, ttl time.Duration, progress []byte) error
	// Release lets anyone take owner's lease at once, keeping its
	// progress; releasing a lease not held is not an error.
	Release(ctx context.Context, name, owner string) error
	// Delete removes owner's lease and its progress: the work is done.
	Delete(ctx context.Context, name, owner string) error
	// Names returns the names, in order, of the stored leases (held,
	// expired or released) that start with prefix.
	Names(ctx context.Context, prefix string) ([]string, error)
}
