package identitypool

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
)

// CredentialIssuer mints temporary credentials for a role, as STS's
// AssumeRoleWithWebIdentity does for a Cognito OpenID token: it checks the
// role exists and that its trust policy lets the request's claims assume
// it. It fails with an error wrapping ErrRoleRefused when it does not. The
// identity pool records the issuance in the audit log itself, so an
// implementation must not record this call again.
type CredentialIssuer interface {
	IssueCredentials(ctx context.Context, req CredentialRequest) (*Credentials, error)
}

// CredentialRequest is what credentials are minted from: the role, and the
// claims the identity's OpenID token would carry (the trust policy's
// cognito-identity.amazonaws.com:aud, :sub and :amr), and the link to name
// in the session (the identity and, when a user-pool login was used, the
// user).
type CredentialRequest struct {
	RoleARN         string
	RoleSessionName string
	DurationSeconds int32
	// Provider is the web identity provider, "cognito-identity.amazonaws.com".
	Provider string
	Subject  string   // the identity id
	Audience string   // the identity pool id
	AMR      []string // e.g. ["authenticated", "cognito-idp...", ...]

	IdentityID     string
	IdentityPoolID string
	UserPoolID     string // "" unless a user-pool login was used
	Username       string
	UserSub        string
	// PrincipalTags are the session tags (sessiontags.go), and
	// TransitiveTagKeys the keys of those marked transitive.
	PrincipalTags     map[string]string
	TransitiveTagKeys []string
}

// Credentials are temporary AWS credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// OIDCVerifier verifies tokens of the external OpenID Connect providers
// registered in IAM (the pool's OpenIdConnectProviderARNs): signature
// against the provider's JWKS, issuer, audience against the provider's
// client ids, and expiry. Errors wrap ErrInvalidToken or
// ErrProviderUnavailable.
type OIDCVerifier interface {
	VerifyOIDC(ctx context.Context, providerARN, token string) (*OIDCToken, error)
}

// OIDCToken is a verified external token.
type OIDCToken struct {
	Issuer   string
	Subject  string
	Audience []string
	Claims   map[string]any
}

// UserDirectory is what the identity pool asks of this server's user
// pools (internal/userpool implements it).
type UserDirectory interface {
	// LookupUser resolves a username, alias or sub; errors wrap
	// storage.ErrNotFound when the pool or the user does not exist.
	LookupUser(ctx context.Context, userPoolID, name string) (storage.User, error)
	// UpdateSystemAttribute sets a server-maintained attribute of a user
	// to update(old); defined is false when the pool lacks the attribute.
	UpdateSystemAttribute(ctx context.Context, userPoolID, sub, name string, update func(old string) string) (defined bool, err error)
	// UserPoolExists reports whether the user pool exists and is not
	// being deleted.
	UserPoolExists(ctx context.Context, userPoolID string) (bool, error)
}

// Deps are the parts a Service is built from.
type Deps struct {
	Store  storage.Store
	Tokens *token.Issuer
	Users  UserDirectory
	// Credentials mints credentials; nil makes GetCredentialsForIdentity
	// fail with InvalidIdentityPoolConfigurationException.
	Credentials CredentialIssuer
	// OIDC verifies external OIDC tokens; nil refuses them.
	OIDC OIDCVerifier
	// Authorizer answers CognateAdmin.AuthorizeRequest; nil refuses it.
	Authorizer RequestAuthorizer
	// UserPoolsChanged, when set, is told which user pools' read-only
	// attributes may have changed (the userpool service forgets its cached
	// copy of those pools).
	UserPoolsChanged func(userPoolID string)
	Logger           *slog.Logger
	// AccountID goes into ARNs; PublicURL is the base of issuers.
	AccountID string
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service implements the identity-pool operations and the link.
type Service struct {
	store     storage.Store
	tokens    *token.Issuer
	users     UserDirectory
	creds     CredentialIssuer
	oidc      OIDCVerifier
	authz     RequestAuthorizer
	log       *slog.Logger
	accountID string
	publicURL string
	// publicHost is PublicURL without its scheme: the prefix of the
	// Logins keys Amplify forms from a token's iss.
	publicHost string
	now        func() time.Time

	userPoolsChanged func(userPoolID string)

	pools    poolCache
	keysOnce sync.Mutex // serialises creating the OpenID signing key
	readOnly readOnlyCache
}

// New returns a Service.
func New(d Deps) *Service {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	host := d.PublicURL
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	return &Service{
		store: d.Store, tokens: d.Tokens, users: d.Users, creds: d.Credentials, oidc: d.OIDC,
		authz: d.Authorizer, userPoolsChanged: d.UserPoolsChanged, log: log, accountID: d.AccountID, publicURL: strings.TrimSuffix(d.PublicURL, "/"),
		publicHost: strings.TrimSuffix(host, "/"),
		now:        func() time.Time { return now().UTC() },
	}
}

func (s *Service) poolARN(p storage.IdentityPool) string {
	return "arn:aws:cognito-identity:" + p.Region + ":" + s.accountID + ":identitypool/" + p.ID
}

func ptr[T any](v T) *T { return &v }

func boolv(b *bool) bool { return b != nil && *b }
