package identitypool

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
)

// providerKind says how a login's token is verified.
type providerKind int

const (
	kindUserPool  providerKind = iota + 1 // an ID token of this server's user pool
	kindOIDC                              // an external OIDC provider registered in IAM
	kindDeveloper                         // a developer user identifier (signed operations only)
	kindCognito                           // Cognate's own OpenID token ("cognito-identity.amazonaws.com")
)

// cognitoProvider is the provider name of Cognito's own OpenID tokens, as
// SDKs put it in Logins for developer-authenticated identities.
const cognitoProvider = "cognito-identity.amazonaws.com"

// login is one verified entry of a Logins map.
type login struct {
	kind     providerKind
	provider string // canonical provider name
	subject  string
	// mappingKey is the RoleMappings key that applies to this login.
	mappingKey string
	claims     map[string]any

	// Set for user-pool logins.
	userPoolID, userSub, username, clientID string
	// Set for Cognate OpenID tokens: the identity they name and their amr
	// and principal tags.
	identityID string
	amr        []string
	tags       map[string]string

	// The origin of an OpenID token minted from this login (origin.go):
	// until (Unix seconds, 0 for none) bounds its exp, and it derives from
	// sessions.
	until    int64
	sessions []originSession

	owner string // the identity this login is linked to ("" if none); set by resolve
}

// linkable reports whether the login is stored as a link (Cognate's own
// OpenID tokens prove an identity but are not a login of it).
func (l *login) linkable() bool { return l.kind != kindCognito }

var userPoolIDPattern = regexp.MustCompile(`^([\w-]+)_[0-9a-zA-Z]+$`)

// userPoolName is a user-pool provider name split into its parts.
type userPoolName struct {
	provider string // canonical: "cognito-idp.<region>.amazonaws.com/<poolId>"
	poolID   string
}

// userPoolProvider recognises the two names of one of this server's user
// pools: AWS's "cognito-idp.<region>.amazonaws.com/<poolId>", which boto3
// and CLI users write, and the token issuer without its scheme
// ("<public host>/<poolId>"), which Amplify v6 forms from the ID token's
// iss. Both canonicalise to the AWS form.
func (s *Service) userPoolProvider(name string) (userPoolName, bool) {
	i := strings.LastIndex(name, "/")
	if i < 0 {
		return userPoolName{}, false
	}
	host, poolID := name[:i], name[i+1:]
	m := userPoolIDPattern.FindStringSubmatch(poolID)
	if m == nil {
		return userPoolName{}, false
	}
	region := m[1]
	if host != "cognito-idp."+region+".amazonaws.com" && host != s.publicHost {
		return userPoolName{}, false
	}
	return userPoolName{provider: "cognito-idp." + region + ".amazonaws.com/" + poolID, poolID: poolID}, true
}

// oidcKey is the Logins key of an IAM OIDC provider: its URL without
// scheme, the part of the ARN after "oidc-provider/".
func oidcKey(arn string) string {
	_, after, _ := strings.Cut(arn, ":oidc-provider/")
	return after
}

// isCognitoProvider recognises the names of Cognate's own OpenID tokens.
func (s *Service) isCognitoProvider(key string) bool {
	return key == cognitoProvider || key == s.publicHost+"/"+openIDPool
}

// verifyLogins verifies every entry of a Logins map; any failure fails the
// whole call, as AWS documents. developer allows the pool's developer
// provider (GetOpenIdTokenForDeveloperIdentity, which is signed). The
// result is sorted by provider so role mappings apply deterministically.
func (s *Service) verifyLogins(ctx context.Context, p *ipool, logins map[string]string, developer bool) ([]*login, error) {
	out := make([]*login, 0, len(logins))
	seen := map[string]bool{}
	for key, tok := range logins {
		l, err := s.verifyLogin(ctx, p, key, tok, developer)
		if err != nil {
			return nil, err
		}
		if seen[l.provider] {
			return nil, errorf(InvalidParameter, "Logins contain the provider %s more than once.", l.provider)
		}
		seen[l.provider] = true
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].provider < out[j].provider })
	return out, nil
}

func (s *Service) verifyLogin(ctx context.Context, p *ipool, key, tok string, developer bool) (*login, error) {
	if developer && key == p.cfg.DeveloperProviderName && key != "" {
		return &login{kind: kindDeveloper, provider: key, subject: tok, mappingKey: key}, nil
	}
	if s.isCognitoProvider(key) {
		return s.verifyOpenID(ctx, p, tok)
	}
	if up, ok := s.userPoolProvider(key); ok {
		return s.verifyUserPoolToken(ctx, p, up, tok)
	}
	for _, arn := range p.cfg.OpenIdConnectProviderARNs {
		if oidcKey(arn) == key {
			return s.verifyOIDCToken(ctx, key, arn, tok)
		}
	}
	return nil, errorf(NotAuthorized, msgUnsupported)
}

// verifyUserPoolToken checks a user-pool ID token: signature and expiry by
// the pool's ID-token keys, iss, token_use, aud against the app clients
// the identity pool names for that user pool, and, with
// ServerSideTokenCheck, that the session was not revoked (GlobalSignOut,
// AdminUserGlobalSignOut, RevokeToken) and the user still exists and is
// enabled.
func (s *Service) verifyUserPoolToken(ctx context.Context, p *ipool, up userPoolName, tok string) (*login, error) {
	var clients []string
	sstc := map[string]bool{}
	for _, cp := range p.cfg.CognitoIdentityProviders {
		if n, _ := s.userPoolProvider(cp.ProviderName); n.provider == up.provider {
			clients = append(clients, cp.ClientId)
			sstc[cp.ClientId] = boolv(cp.ServerSideTokenCheck)
		}
	}
	if len(clients) == 0 {
		return nil, errorf(NotAuthorized, msgUnsupported)
	}
	claims := map[string]any{}
	if err := s.tokens.VerifyUse(ctx, up.poolID, "id", tok, &claims); err != nil {
		return nil, tokenError(err, tok, s.now())
	}
	// A pool being deleted keeps its keys until its users are gone; its
	// tokens are refused as those of a deleted pool, whose keys are gone.
	if s.users != nil {
		if ok, err := s.users.UserPoolExists(ctx, up.poolID); err != nil {
			return nil, err
		} else if !ok {
			return nil, errorf(NotAuthorized, "Invalid login token. Couldn't verify signed token.")
		}
	}
	if str(claims["iss"]) != s.publicURL+"/"+up.poolID {
		return nil, errorf(NotAuthorized, msgIssuerMismatch)
	}
	if str(claims["token_use"]) != "id" {
		return nil, errorf(NotAuthorized, "Invalid login token. Not a valid OpenId Connect identity token.")
	}
	aud, sub := str(claims["aud"]), str(claims["sub"])
	if aud == "" {
		return nil, errorf(NotAuthorized, "Invalid login token. Missing a required claim: aud")
	}
	if sub == "" {
		return nil, errorf(NotAuthorized, "Invalid login token. Missing a required claim: sub")
	}
	if _, ok := sstc[aud]; !ok {
		return nil, errorf(NotAuthorized, msgUnsupported)
	}
	session := originSession{UserPoolID: up.poolID, Sub: sub, OriginJTI: str(claims["origin_jti"])}
	if sstc[aud] {
		if _, err := s.checkSession(ctx, up.poolID, sub, session.OriginJTI); err != nil {
			return nil, err
		}
	}
	return &login{
		kind: kindUserPool, provider: up.provider, subject: sub, mappingKey: up.provider + ":" + aud,
		claims: claims, userPoolID: up.poolID, userSub: sub, username: str(claims["cognito:username"]), clientID: aud,
		until: claimUnix(claims["exp"]), sessions: []originSession{session},
	}, nil
}

// checkSession is ServerSideTokenCheck, also applied to every token
// derived from a sign-in (origin.go): the session (origin_jti) must still
// be live and its user present and enabled. It returns the user.
func (s *Service) checkSession(ctx context.Context, poolID, sub, originJTI string) (storage.User, error) {
	revoked := errorf(NotAuthorized, "Invalid login token. The user has been signed out or deleted.")
	if originJTI == "" {
		return storage.User{}, revoked
	}
	rt, err := s.store.Tokens().GetByOrigin(ctx, originJTI)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.User{}, revoked
	}
	if err != nil {
		return storage.User{}, err
	}
	if !rt.RevokedAt.IsZero() || rt.PoolID != poolID || rt.Sub != sub {
		return storage.User{}, revoked
	}
	u, err := s.store.Users().GetBySub(ctx, poolID, sub)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.User{}, revoked
	}
	if err != nil {
		return storage.User{}, err
	}
	if !u.Enabled {
		return storage.User{}, errorf(NotAuthorized, "Invalid login token. User is disabled.")
	}
	return u, nil
}

// verifyOIDCToken checks a token of an IAM-registered OIDC provider.
func (s *Service) verifyOIDCToken(ctx context.Context, key, arn, tok string) (*login, error) {
	if s.oidc == nil {
		return nil, errorf(NotAuthorized, msgUnsupported)
	}
	t, err := s.oidc.VerifyOIDC(ctx, arn, tok)
	switch {
	case errors.Is(err, ErrProviderUnavailable):
		return nil, errorf(ExternalService, "The identity provider %s could not be reached.", key)
	case errors.Is(err, ErrInvalidToken):
		return nil, errorf(NotAuthorized, "Invalid login token. %s", strings.TrimPrefix(err.Error(), ErrInvalidToken.Error()+": "))
	case err != nil:
		return nil, err
	}
	if t.Subject == "" {
		return nil, errorf(NotAuthorized, "Invalid login token. Missing a required claim: sub")
	}
	return &login{kind: kindOIDC, provider: key, subject: t.Subject, mappingKey: key, claims: t.Claims, until: claimUnix(t.Claims["exp"])}, nil
}

// tokenError words a token verification failure as Cognito does: an
// expired token with its exp; a well-formed JWT whose signature (or key)
// does not verify, "Couldn't verify signed token."; anything else, "Not a
// valid OpenId Connect identity token.".
func tokenError(err error, tok string, now time.Time) error {
	claims := map[string]any{}
	wellFormed := token.Peek(tok, &claims) == nil // the claims are read for the message only
	switch {
	case errors.Is(err, token.ErrExpired):
		exp, _ := claims["exp"].(float64)
		if exp == 0 {
			return errorf(NotAuthorized, "Invalid login token. Token expired.")
		}
		return errorf(NotAuthorized, "Invalid login token. Token expired: %d >= %d", now.Unix(), int64(exp))
	case errors.Is(err, token.ErrInvalid) && wellFormed:
		return errorf(NotAuthorized, "Invalid login token. Couldn't verify signed token.")
	case errors.Is(err, token.ErrInvalid):
		return errorf(NotAuthorized, "Invalid login token. Not a valid OpenId Connect identity token.")
	}
	return fmt.Errorf("identitypool: verify token: %w", err)
}

// str returns a claim as a string ("" when absent or not a string).
func str(v any) string {
	s, _ := v.(string)
	return s
}
