package storage

import (
	"encoding/json"
	"time"
	"unicode/utf8"
)

// Pool is a user pool. Config is the pool's settings as an opaque JSON
// document owned by the userpool package; storage never interprets it, so
// settings can change without migrations.
type Pool struct {
	ID        string // "<region>_<9 alphanumerics>"
	Region    string
	Name      string
	Config    []byte // JSON
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Client is an app client of a pool. SecretSealed is the client secret
// sealed with the server key (empty when the client has none). Config is an
// opaque JSON document owned by the userpool package.
type Client struct {
	ID           string // 26 lowercase alphanumerics, globally unique
	PoolID       string
	Name         string
	SecretSealed []byte
	Config       []byte // JSON
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// User is a user of a pool. Sub is immutable and unique within the pool
// (another pool may hold the same sub: a Cognito pool copied twice).
// Attributes holds every attribute except sub, keyed by attribute name.
//
// Lookups are the keys by which the user can be found (the username and, in
// issue-3 terms, aliases); the store keeps them unique per pool and kind:
// Put fails with ErrConflict when another user of the pool holds the same
// (Kind, Key). The domain normalises keys (for example lower-cases them for
// case-insensitive pools) before storing and before looking up.
type User struct {
	PoolID       string
	Sub          string
	Username     string // as given, case preserved
	Status       string // UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, ...
	Enabled      bool
	Attributes   map[string]string
	PasswordHash string // PHC string ("$argon2id$..."); empty when the user has no password
	// SRPSalt (hex) and SRPVerifier are kept for USER_SRP_AUTH, empty
	// until set.
	SRPSalt     string
	SRPVerifier SRPVerifiers
	// MFA holds the user's MFA settings as an opaque JSON document owned by
	// the userpool package (nil when none).
	MFA []byte
	// PasswordChangedAt is when the current password was set.
	PasswordChangedAt time.Time
	Lookups           []Lookup
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Version counts the user's stored writes: 1 after Create, one more
	// after each Put. Reads fill it in; a Put of a user with a Version
	// other than 0 succeeds only while the stored one is the same, so a
	// read-modify-write cannot silently undo a concurrent one.
	Version int64
}

// Lookup kinds.
const (
	LookupUsername          = "username"
	LookupEmail             = "email"
	LookupPhoneNumber       = "phone_number"
	LookupPreferredUsername = "preferred_username"
)

// Lookup is one key by which a user is found.
type Lookup struct {
	Kind string
	Key  string
}

// Group is a group of users in a pool. Names are unique per pool and
// compared as given (case-sensitive). Membership is a relation of its own,
// see Groups.
type Group struct {
	PoolID      string
	Name        string
	Description string
	RoleARN     string // "" when the group has no role
	Precedence  int    // NoPrecedence when unset
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NoPrecedence is Group.Precedence for a group without one.
const NoPrecedence = -1

// UserFilter selects users for Users.Search: those whose Key equals Value,
// or starts with it when Prefix is set. Values are compared bytewise, so
// the domain normalises them first (the username key as stored in the
// username Lookup, the status as stored).
type UserFilter struct {
	Key    string // SearchUsername, SearchSub, SearchStatus, SearchEnabled, or an attribute name
	Value  string
	Prefix bool
	// ListedBy, for SearchUsername, names which of a user's username keys
	// finds it (a user holds two while its pool is re-keyed, and only the
	// domain knows which rule is in force); when nil, the first, by which
	// List lists it. A user whose ListedBy key matches is found once by
	// it, in that key's place in the order.
	ListedBy func(u *User) string
}

// Keys of a UserFilter besides attribute names. Attribute names are
// searchable when SearchableAttribute says so.
const (
	// SearchUsername matches the key of the user's "username" Lookup
	// that UserFilter.ListedBy names.
	SearchUsername = "username"
	// SearchSub matches the sub.
	SearchSub = "sub"
	// SearchStatus matches User.Status.
	SearchStatus = "cognito:user_status"
	// SearchEnabled matches User.Enabled: Value is "true" or "false" and
	// Prefix is not allowed.
	SearchEnabled = "status"
)

// searchableAttributes are the attributes besides custom ones that
// Users.Search can find.
var searchableAttributes = map[string]bool{
	"email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true,
}

// SearchableAttribute reports whether Users keeps an index of attribute
// name for Search: the attributes Cognito's ListUsers searches, and every
// custom attribute.
func SearchableAttribute(name string) bool {
	return searchableAttributes[name] || (len(name) > len("custom:") && name[:len("custom:")] == "custom:")
}

// AuthEvent is one entry of a user's authentication history
// (AdminListUserAuthEvents).
type AuthEvent struct {
	PoolID    string
	Sub       string
	ID        string
	Type      string // SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode
	Response  string // Pass, Fail, InProgress
	IPAddress string
	// Details is an opaque JSON document owned by the userpool package
	// (challenge results, device and context data).
	Details   []byte
	CreatedAt time.Time
	// Feedback is the feedback last given on the event (SetFeedback); its
	// Value is "" while there is none.
	Feedback AuthEventFeedback
}

// AuthEventFeedback is a judgement of an authentication event: Value
// "Valid" or "Invalid", given by Provider ("Admin", "User") at At.
type AuthEventFeedback struct {
	Value    string
	Provider string
	At       time.Time
}

// Code is a one-time code sent to a user (sign-up confirmation, password
// reset, attribute verification). Only a hash of the code is stored. There is
// at most one live code per (PoolID, Sub, Purpose); Put replaces it.
type Code struct {
	PoolID    string
	Sub       string
	Purpose   string // "signup", "forgot_password", "verify:email", ...
	Hash      []byte
	Attempts  int // attempts counted so far (see Codes.AddAttempt)
	ExpiresAt time.Time
	CreatedAt time.Time
}

// RefreshToken is an issued refresh token. ID is a hash of the opaque token
// value; the value itself is never stored. OriginJTI is the origin_jti that
// every access and ID token derived from it carries, so revoking the record
// revokes those tokens on the self-service API too.
type RefreshToken struct {
	ID        []byte // SHA-256 of the opaque token
	PoolID    string
	ClientID  string
	Sub       string
	OriginJTI string
	FamilyID  string // rotation family (the first token's OriginJTI)
	DeviceKey string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while valid
	// RotatedAt is when the token was exchanged for a successor under
	// refresh-token rotation (zero while it has none).
	RotatedAt time.Time
	// Scope is the space-separated OAuth scopes of a token issued by the
	// OAuth endpoints, kept by its refreshes ("" for the API's sign-ins,
	// whose tokens carry aws.cognito.signin.user.admin).
	Scope string
	// Nonce is the OpenID nonce of the authorization request the session
	// began with; refreshed ID tokens carry it again.
	Nonce string
}

// SigningKey is a pool's JWT signing key. PrivateSealed is the PKCS#8 DER
// private key sealed with the server key. A key is used to sign while it is
// the newest active key for its (PoolID, Use); it stays published in the
// JWKS until RetireAt, after the last token it signed has expired.
type SigningKey struct {
	ID            string // kid
	PoolID        string
	Use           string // "id", "access" (and later "openid" for identity pools)
	Algorithm     string // "RS256"
	PrivateSealed []byte
	PublicJWK     []byte // JSON
	CreatedAt     time.Time
	RetireAt      time.Time // zero while in use
}

// IdentityPool is an identity pool. Config is an opaque JSON document owned
// by the identitypool package.
type IdentityPool struct {
	ID        string // "<region>:<uuid>"
	Region    string
	Name      string
	Config    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Identity is an identity in an identity pool.
type Identity struct {
	ID     string // "<region>:<uuid>"
	PoolID string
	// LinkedAt is when a login was first linked to the identity; zero for
	// a guest (unauthenticated) identity that never had one. An identity
	// that had logins stays authenticated after losing them all: AWS makes
	// it inaccessible rather than a guest again.
	LinkedAt time.Time
	// MergedInto names the identity this one was merged into ("" unless
	// merged); a merged identity is disabled and has no logins.
	MergedInto string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// IdentityLogin links an identity to a login: a provider and the subject that
// provider vouched for. When the provider is one of this server's user pools,
// UserPoolID and UserSub name the user, which makes the user <-> identity
// link a stored, indexed relation both ways. (Provider, Subject) is unique
// within an identity pool: one login belongs to one identity.
type IdentityLogin struct {
	IdentityID     string
	IdentityPoolID string
	Provider       string // e.g. "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc" or a developer provider name
	Subject        string
	UserPoolID     string // empty unless Provider is a local user pool
	UserSub        string // empty unless Provider is a local user pool
	CreatedAt      time.Time
}

// Device is a device a user chose to remember, for device authentication
// (DEVICE_SRP_AUTH) that can stand in for MFA. Key is "<region>_<uuid>",
// unique in the pool. GroupKey is the device group key the client computed
// the SRP verifier with; Salt is the salt it chose. VerifierSealed is the SRP
// verifier sealed with the server key: a verifier allows an offline guess of
// the device password, so it is never stored in the clear. Status is
// "remembered" or "not_remembered".
type Device struct {
	PoolID              string
	Sub                 string
	Key                 string
	GroupKey            string
	Name                string
	Salt                []byte
	VerifierSealed      []byte
	Status              string
	LastIP              string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	LastAuthenticatedAt time.Time
}

// Passkey is a WebAuthn credential a user registered
// (CompleteWebAuthnRegistration) and signs in with (USER_AUTH's WEB_AUTHN).
// ID is the credential id in unpadded base64url, unique in the pool.
// PublicKey is the credential's COSE public key as the authenticator gave
// it; SignCount the signature counter of its last verified use (0 for
// authenticators that keep none). AAGUID names the authenticator model;
// Transports are the ways the client can reach it ("internal", "usb",
// "hybrid", ...), Attachment "platform", "cross-platform" or "".
// UserVerified, BackupEligible and BackupState are the authenticator's
// flags at registration (BackupState as of the last use).
type Passkey struct {
	PoolID            string
	Sub               string
	ID                string
	RelyingPartyID    string
	PublicKey         []byte
	SignCount         uint32
	AAGUID            []byte
	Transports        []string
	Attachment        string
	FriendlyName      string
	AttestationFormat string
	UserVerified      bool
	BackupEligible    bool
	BackupState       bool
	CreatedAt         time.Time
	LastUsedAt        time.Time // zero until the first sign-in
}

// Tag is a key/value tag on an IAM resource, in the caller's order.
type Tag struct {
	Key   string
	Value string
}

// Role is an IAM role. Names are unique case-insensitively (IAM's rule):
// the store compares them by strings.ToLower(Name). PermissionsBoundary is
// an ARN or "".
type Role struct {
	ID                  string // "AROA" + 17 uppercase alphanumerics
	Name                string
	Path                string // "/" or "/a/b/"
	AssumeRolePolicy    string // the trust policy, JSON as given
	Description         string
	MaxSessionDuration  int // seconds
	PermissionsBoundary string
	Tags                []Tag
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// RolePolicy is an inline policy of a role. Names are unique per role.
type RolePolicy struct {
	RoleID    string
	Name      string
	Document  string // JSON as given
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OIDCProvider is an IAM OpenID Connect identity provider. URL is the
// issuer without its "https://" scheme, as in the provider's ARN
// ("arn:aws:iam::<account>:oidc-provider/<URL>"); it is unique.
type OIDCProvider struct {
	URL         string
	ClientIDs   []string
	Thumbprints []string
	Tags        []Tag
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AuditEvent is one entry of the identity audit log: a credential or token
// issuance, a link change, an identity deletion or merge. The user fields
// name the user-pool user involved, as they were at the time ("" when the
// event involves no local user).
type AuditEvent struct {
	ID             string // unique, assigned by the caller (sortable: time-ordered)
	Time           time.Time
	Type           string // e.g. "CredentialsIssued", "LoginLinked"
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
	RoleARN        string
	// Details holds event-specific facts (provider, source, other
	// identity id, ...), stored as JSON.
	Details map[string]string
}

// AuditFilter selects audit events. Empty fields match everything; From
// and To bound Time (inclusive, zero means unbounded).
type AuditFilter struct {
	IdentityID string
	Type       string
	UserPoolID string
	UserSub    string
	From, To   time.Time
}

// Guard is the failed-password state of one sign-in subject: a user's sub
// or, for a name no user holds, a hash of that name (so that a lockout looks
// the same whether or not the user exists). Failures counts consecutive
// failed attempts; LockedUntil is when the current temporary lockout ends
// (zero when none). The userpool package decides the schedule.
type Guard struct {
	PoolID      string
	Subject     string
	Failures    int
	LockedUntil time.Time
	UpdatedAt   time.Time
}

// ClientDocument is a JSON document kept per app client: a managed login
// branding style (Kind "branding", Name "") or a terms document (Kind
// "terms", Name "terms-of-use" or "privacy-policy"). ID is unique in the
// pool, and a client has at most one document of each Kind and Name. Body
// is owned by the userpool package.
type ClientDocument struct {
	PoolID    string
	ID        string
	ClientID  string
	Kind      string
	Name      string
	Body      []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProviderLink links an external identity, the subject (the value of
// AttributeName, such as Cognito_Subject) that provider ProviderName
// gives, to the user Sub of the pool (AdminLinkProviderForUser). An
// identity is linked to at most one user of a pool.
type ProviderLink struct {
	PoolID        string
	ProviderName  string
	Subject       string
	AttributeName string
	Sub           string
	CreatedAt     time.Time
}

// ImportJob is a user import job (CreateUserImportJob): a CSV file of
// users, uploaded to the job's URL and imported in batches. Status is
// Cognito's: Created, Pending, InProgress, Stopping, Stopped, Succeeded,
// Failed or Expired. UploadHash is the SHA-256 of the upload URL's secret
// token, valid until UploadExpiresAt; FileSize the size of the uploaded
// file (0 until one is). NextRow counts the file's data rows processed so
// far: a job resumes there. Version counts writes as User.Version does.
type ImportJob struct {
	PoolID          string
	ID              string
	Name            string
	RoleARN         string
	Status          string
	UploadHash      []byte
	UploadExpiresAt time.Time
	FileSize        int64
	NextRow         int64
	Imported        int64
	Skipped         int64
	Failed          int64
	Message         string
	CreatedAt       time.Time
	StartedAt       time.Time // zero until started
	CompletedAt     time.Time // zero until it ends
	Version         int64
}

// ImportFailure is why one row of an import job's file was not imported
// (or was skipped): Row is its data row number, from 1.
type ImportFailure struct {
	PoolID   string
	JobID    string
	Row      int64
	Username string
	Reason   string
}

// SRPVerifiers is a user's sealed SRP verifiers in a form the userpool
// package owns: bytes, or text when stored before migration 0019. In JSON
// (cognate export) it is a string when it is valid UTF-8, which
// encoding/json keeps byte for byte, and otherwise {"base64": "..."}.
type SRPVerifiers string

type srpVerifiersJSON struct {
	Base64 []byte `json:"base64"`
}

// MarshalJSON writes v as a string or, when not UTF-8, as base64.
func (v SRPVerifiers) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(v)) {
		return json.Marshal(string(v))
	}
	return json.Marshal(srpVerifiersJSON{Base64: []byte(v)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (v *SRPVerifiers) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = SRPVerifiers(s)
		return nil
	}
	var o srpVerifiersJSON
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*v = SRPVerifiers(o.Base64)
	return nil
}
