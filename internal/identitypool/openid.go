package identitypool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
	"github.com/google/uuid"
)

// OpenID tokens (the basic flow's GetOpenIdToken and the developer flow's
// GetOpenIdTokenForDeveloperIdentity) are signed by internal/token under a
// pseudo pool id with their own key, published at
// <public-url>/cognito-identity/.well-known/jwks.json.
const (
	openIDPool = "cognito-identity"
	openIDUse  = "openid"
	// openIDTTL is GetOpenIdToken's lifetime ("valid for 10 minutes").
	openIDTTL = 10 * time.Minute
	// developerTTL is GetOpenIdTokenForDeveloperIdentity's default.
	developerTTL = 15 * time.Minute
	// tagsClaim carries principal tags, as AWS session-tag tokens do.
	tagsClaim = "https://aws.amazon.com/tags"
)

// Issuer is the iss of Cognate's OpenID tokens.
func (s *Service) Issuer() string { return s.publicURL + "/" + openIDPool }

// openIDClaims are the claims of an OpenID token.
type openIDClaims struct {
	Iss  string         `json:"iss"`
	Sub  string         `json:"sub"`
	Aud  string         `json:"aud"`
	AMR  []string       `json:"amr"`
	Iat  int64          `json:"iat"`
	Exp  int64          `json:"exp"`
	JTI  string         `json:"jti"`
	Tags *principalTags `json:"https://aws.amazon.com/tags,omitempty"`
	// Origin is where the token's authority comes from (origin.go).
	Origin *tokenOrigin `json:"cognate:origin,omitempty"`
}

type principalTags struct {
	PrincipalTags map[string][]string `json:"principal_tags"`
}

// signOpenID signs an OpenID token for an identity, valid for ttl but
// never past its origin's exp; the token carries the origin.
func (s *Service) signOpenID(ctx context.Context, identity storage.Identity, amr []string, tags map[string]string, ttl time.Duration, origin tokenOrigin) (string, error) {
	now := s.now()
	exp, origin := origin.capped(now, ttl)
	c := openIDClaims{
		Iss: s.Issuer(), Sub: identity.ID, Aud: identity.PoolID, AMR: amr,
		Iat: now.Unix(), Exp: exp, JTI: uuid.NewString(), Origin: &origin,
	}
	if len(tags) > 0 {
		c.Tags = &principalTags{PrincipalTags: map[string][]string{}}
		for k, v := range tags {
			c.Tags.PrincipalTags[k] = []string{v}
		}
	}
	tok, err := s.tokens.Sign(ctx, openIDPool, openIDUse, c)
	if errors.Is(err, token.ErrNoKey) {
		if err := s.EnsureKeys(ctx); err != nil {
			return "", err
		}
		tok, err = s.tokens.Sign(ctx, openIDPool, openIDUse, c)
	}
	return tok, err
}

// EnsureKeys gives the OpenID issuer its signing key unless it has one.
func (s *Service) EnsureKeys(ctx context.Context) error {
	s.keysOnce.Lock()
	defer s.keysOnce.Unlock()
	if err := s.tokens.EnsureKey(ctx, openIDPool, openIDUse, token.RS256); err != nil {
		return fmt.Errorf("identitypool: openid signing key: %w", err)
	}
	return nil
}

// JWKS returns the OpenID issuer's JSON Web Key Set.
func (s *Service) JWKS(ctx context.Context) ([]byte, error) {
	if err := s.EnsureKeys(ctx); err != nil {
		return nil, err
	}
	return s.tokens.JWKS(ctx, openIDPool)
}

// Discovery returns the OpenID issuer's discovery document.
func (s *Service) Discovery() ([]byte, error) {
	iss := s.Issuer()
	return json.Marshal(map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"iss", "sub", "aud", "amr", "iat", "exp", "jti"},
	})
}

// verifyOpenID checks one of Cognate's OpenID tokens presented as a login
// ("cognito-identity.amazonaws.com": token): signature, expiry, issuer,
// that its audience is this pool, that it was issued to an authenticated
// identity (amr "authenticated": the developer flow's tokens and the basic
// flow's for signed-in identities) and that the sign-ins it derives from
// are still live (origin.go). It proves the identity named by sub.
func (s *Service) verifyOpenID(ctx context.Context, p *ipool, tok string) (*login, error) {
	var c openIDClaims
	if err := s.tokens.VerifyUse(ctx, openIDPool, openIDUse, tok, &c); err != nil {
		return nil, tokenError(err, tok, s.now())
	}
	if c.Iss != s.Issuer() {
		return nil, errorf(NotAuthorized, msgIssuerMismatch)
	}
	if c.Aud != p.rec.ID || c.Sub == "" {
		return nil, errorf(NotAuthorized, "Invalid login token. Incorrect token audience.")
	}
	if !contains(c.AMR, "authenticated") {
		// A guest's basic-flow token proves no login: accepting it would
		// make the request authenticated (the authenticated role) and let
		// a guest outlive AllowUnauthenticatedIdentities.
		return nil, errorf(NotAuthorized, "Invalid login token. The token of an unauthenticated identity is not a login.")
	}
	origin := tokenOrigin{Exp: c.Exp} // a token minted before origins were recorded is its own
	if c.Origin != nil {
		origin = *c.Origin
	}
	l := &login{kind: kindCognito, provider: cognitoProvider, subject: c.Sub, identityID: c.Sub, amr: c.AMR,
		until: origin.Exp, sessions: origin.Sessions}
	if err := s.checkOrigin(ctx, l); err != nil {
		return nil, err
	}
	if c.Tags != nil {
		l.tags = map[string]string{}
		for k, v := range c.Tags.PrincipalTags {
			if len(v) > 0 {
				l.tags[k] = v[0]
			}
		}
	}
	return l, nil
}

// GetOpenIdToken returns an OpenID token for an identity (the basic flow).
func (s *Service) GetOpenIdToken(ctx context.Context, in *ci.GetOpenIdTokenInput) (*ci.GetOpenIdTokenResponse, error) {
	res, err := s.open(ctx, in.IdentityId, in.Logins)
	if err != nil {
		return nil, err
	}
	if res.pool.cfg.AllowClassicFlow != nil && !*res.pool.cfg.AllowClassicFlow {
		return nil, errorf(InvalidParameter, msgClassicDisabled)
	}
	amr := res.amr()
	tok, err := s.signOpenID(ctx, res.identity, amr, res.principalTags(), openIDTTL, res.origin())
	if err != nil {
		return nil, err
	}
	s.record(ctx, res.event(EventOpenIDToken, "", map[string]string{"Source": "GetOpenIdToken"}))
	s.writeBack(ctx, res)
	return &ci.GetOpenIdTokenResponse{IdentityId: res.identity.ID, Token: tok}, nil
}

// amr is the amr claim for a resolution: ["unauthenticated"] for a guest;
// for an authenticated one "authenticated", then each provider used, then
// each provider-qualified subject (Cognito's
// "<provider>:CognitoSignIn:<sub>" form for user pools).
func (r *resolution) amr() []string {
	if !r.authenticated {
		return []string{"unauthenticated"}
	}
	for _, l := range r.logins {
		if l.kind == kindCognito && len(l.amr) > 0 {
			return l.amr
		}
	}
	out := []string{"authenticated"}
	var detail []string
	for _, l := range r.logins {
		out = append(out, l.provider)
		switch l.kind {
		case kindUserPool:
			detail = append(detail, l.provider+":CognitoSignIn:"+l.subject)
		default:
			detail = append(detail, l.provider+":"+l.subject)
		}
	}
	sort.Strings(detail)
	return append(out, detail...)
}
