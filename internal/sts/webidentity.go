package sts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/iam"
	"github.com/cognate-dev/cognate/internal/oidc"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
)

// VerifiedToken is a web identity token verified by VerifyWebIdentityToken,
// with the link it names when it is an identity pool token.
type VerifiedToken struct {
	WebIdentity
	// PrincipalTags are the session tags the token passes in its
	// "https://aws.amazon.com/tags" claim.
	PrincipalTags map[string]string
	// Set for identity pool tokens: the identity (sub), its pool (aud) and
	// the user pool user linked to the identity, if any.
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
}

// VerifyWebIdentityToken verifies a token as AssumeRoleWithWebIdentity
// does: an identity pool OpenID token of this server (iss
// PublicURL/cognito-identity, signed with the CognitoKeys keys), or an ID
// token of an OIDC provider registered in IAM for its iss (discovery, JWKS,
// issuer, audience against the provider's client ids, expiry). Errors are
// *awsproto.Error: InvalidIdentityToken, ExpiredTokenException,
// IDPCommunicationError.
func (s *Service) VerifyWebIdentityToken(ctx context.Context, tok string) (*VerifiedToken, error) {
	iss, err := oidc.Issuer(tok)
	if err != nil {
		return nil, oidcError(err)
	}
	if iss == s.cognitoIssuer {
		return s.verifyCognitoToken(ctx, tok)
	}
	p, err := s.iam.OIDCProvider(ctx, iss)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", iss)
	}
	if err != nil {
		return nil, err
	}
	return s.verifyOIDC(ctx, p, iss, tok)
}

// VerifyOIDCToken verifies an ID token of the IAM OIDC provider that
// providerARN names (identity pools' OpenIdConnectProviderARNs): its iss
// must be the provider's URL, its aud one of the provider's client ids.
// Errors are as VerifyWebIdentityToken's; a provider that does not exist
// is InvalidIdentityToken.
func (s *Service) VerifyOIDCToken(ctx context.Context, providerARN, tok string) (*WebIdentity, error) {
	p, err := s.iam.OIDCProviderByARN(ctx, providerARN)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", providerARN)
	}
	if err != nil {
		return nil, err
	}
	iss, err := oidc.Issuer(tok)
	if err != nil {
		return nil, oidcError(err)
	}
	if key, ok := iam.ProviderKey(iss); !ok || key != p.URL {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "The token's issuer %s is not the provider %s.", iss, providerARN)
	}
	v, err := s.verifyOIDC(ctx, p, iss, tok)
	if err != nil {
		return nil, err
	}
	return &v.WebIdentity, nil
}

func (s *Service) verifyOIDC(ctx context.Context, p storage.OIDCProvider, iss, tok string) (*VerifiedToken, error) {
	c, err := s.oidc.Verify(ctx, oidc.Provider{Issuer: iss, ClientIDs: p.ClientIDs}, tok)
	if err != nil {
		return nil, oidcError(err)
	}
	return &VerifiedToken{WebIdentity: WebIdentity{
		Provider:        iam.ProviderARN(s.account, p.URL),
		Issuer:          c.Issuer,
		Subject:         c.Subject,
		Audience:        c.Audience,
		AuthorizedParty: c.AuthorizedParty,
		AMR:             c.AMR,
		Email:           c.Email,
		Claims:          c.Raw,
	}, PrincipalTags: sessionTags(c.Raw)}, nil
}

// tagsClaim carries session tags in a web identity token, as AWS documents
// for AssumeRoleWithWebIdentity:
// {"https://aws.amazon.com/tags": {"principal_tags": {"k": ["v"]}}}.
const tagsClaim = "https://aws.amazon.com/tags"

// sessionTags reads the principal tags a token passes (the first value of
// each).
func sessionTags(claims map[string]any) map[string]string {
	tags, _ := claims[tagsClaim].(map[string]any)
	pt, _ := tags["principal_tags"].(map[string]any)
	if len(pt) == 0 {
		return nil
	}
	out := make(map[string]string, len(pt))
	for k, v := range pt {
		switch x := v.(type) {
		case string:
			out[k] = x
		case []any:
			if len(x) > 0 {
				if s, ok := x[0].(string); ok {
					out[k] = s
				}
			}
		}
	}
	return out
}

// oidcError maps an oidc.Error to STS's error.
func oidcError(err error) error {
	var e *oidc.Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case errors.Is(err, oidc.ErrExpired):
		return awsproto.Errorf(CodeExpiredToken, "%s", e.Message)
	case errors.Is(err, oidc.ErrUnreachable):
		return awsproto.Errorf(CodeIDPCommunicationError, "%s", e.Message)
	}
	return awsproto.Errorf(CodeInvalidIdentityToken, "%s", e.Message)
}

// cognitoClaims are the claims of an identity pool OpenID token.
type cognitoClaims struct {
	Iss string       `json:"iss"`
	Sub string       `json:"sub"`
	Aud stringOrList `json:"aud"`
	AMR []string     `json:"amr"`
	Exp float64      `json:"exp"`
	// Tags are the principal tags GetOpenIdToken passes on.
	Tags struct {
		PrincipalTags map[string][]string `json:"principal_tags"`
	} `json:"https://aws.amazon.com/tags"`
}

// stringOrList reads a JSON string or list of strings.
type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// verifyCognitoToken verifies an identity pool OpenID token and finds the
// identity it names and the user linked to that identity.
func (s *Service) verifyCognitoToken(ctx context.Context, tok string) (*VerifiedToken, error) {
	var c cognitoClaims
	err := s.tokens.VerifyUse(ctx, CognitoKeys, CognitoKeyUse, tok, &c)
	switch {
	case errors.Is(err, token.ErrExpired):
		var peek cognitoClaims
		_ = token.Peek(tok, &peek) // the signature verified; only exp is read
		return nil, awsproto.Errorf(CodeExpiredToken, "Token expired: current date/time %d must be before the expiration date/time %d",
			s.now().Unix(), int64(peek.Exp))
	case errors.Is(err, token.ErrInvalid):
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "%s", msgInvalidToken)
	case err != nil:
		return nil, fmt.Errorf("sts: verify identity pool token: %w", err)
	}
	if c.Iss != s.cognitoIssuer || c.Sub == "" || len(c.Aud) == 0 {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "%s", msgInvalidToken)
	}
	if s.cognitoLive != nil {
		live, err := s.cognitoLive(ctx, tok)
		if err != nil {
			return nil, err
		}
		if !live {
			return nil, awsproto.Errorf(CodeInvalidIdentityToken, "%s", msgInvalidToken)
		}
	}
	identity, err := s.store.Identities().Get(ctx, c.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "%s", msgInvalidToken)
	}
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.Aud, identity.PoolID) {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "Incorrect token audience")
	}
	v := &VerifiedToken{
		WebIdentity: WebIdentity{
			Provider: CognitoProvider,
			Issuer:   c.Iss,
			Subject:  c.Sub,
			Audience: c.Aud,
			AMR:      c.AMR,
		},
		IdentityID:     identity.ID,
		IdentityPoolID: identity.PoolID,
	}
	for k, vs := range c.Tags.PrincipalTags {
		if len(vs) > 0 {
			if v.PrincipalTags == nil {
				v.PrincipalTags = map[string]string{}
			}
			v.PrincipalTags[k] = vs[0]
		}
	}
	if err := s.linkedUser(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// linkedUser fills in the user pool user linked to the identity, if any.
func (s *Service) linkedUser(ctx context.Context, v *VerifiedToken) error {
	logins, err := s.store.Identities().Logins(ctx, v.IdentityID)
	if err != nil {
		return err
	}
	for _, l := range logins {
		if l.UserPoolID == "" || l.UserSub == "" {
			continue
		}
		v.UserPoolID, v.UserSub = l.UserPoolID, l.UserSub
		u, err := s.store.Users().GetBySub(ctx, l.UserPoolID, l.UserSub)
		switch {
		case err == nil:
			v.Username = u.Username
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		return nil
	}
	return nil
}

const msgInvalidToken = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
