package userpool

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// OAuthClient is an app client's OAuth 2.0 settings, as the OAuth
// endpoints enforce them.
type OAuthClient struct {
	ID, PoolID, Name string
	// Enabled is AllowedOAuthFlowsUserPoolClient.
	Enabled      bool
	Flows        []string // AllowedOAuthFlows: code, implicit, client_credentials
	Scopes       []string // AllowedOAuthScopes
	CallbackURLs []string
	LogoutURLs   []string
	Providers    []string // SupportedIdentityProviders
	HasSecret    bool
	// Revocable is EnableTokenRevocation.
	Revocable bool
	// RequirePKCE is set when the pool's cognate:require-pkce tag makes
	// PKCE mandatory for this client (see TagRequirePKCE).
	RequirePKCE bool
}

// OAuthClient returns the OAuth settings of a client; ResourceNotFound when
// there is no such client.
func (s *Service) OAuthClient(ctx context.Context, clientID string) (*OAuthClient, error) {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	c := cl.cfg
	pkce := p.cfg.UserPoolTags[TagRequirePKCE]
	return &OAuthClient{
		ID: cl.rec.ID, PoolID: cl.rec.PoolID, Name: c.ClientName, Enabled: boolv(c.AllowedOAuthFlowsUserPoolClient),
		Flows: c.AllowedOAuthFlows, Scopes: c.AllowedOAuthScopes, CallbackURLs: c.CallbackURLs, LogoutURLs: c.LogoutURLs,
		Providers: c.SupportedIdentityProviders, HasSecret: cl.secret != "", Revocable: boolv(c.EnableTokenRevocation),
		RequirePKCE: pkce == "all" || (pkce == "public" && cl.secret == ""),
	}, nil
}

// CheckClientSecret reports whether secret is one of the client's secrets
// (any value for a client without one), compared in constant time.
func (s *Service) CheckClientSecret(ctx context.Context, clientID, secret string) bool {
	cl, err := s.loadClient(ctx, clientID)
	if err != nil {
		return false
	}
	if cl.secret == "" {
		return secret == ""
	}
	return secret != "" && cl.acceptsSecret(secret)
}

// DomainPool returns the id of the pool that owns a domain (a prefix or a
// custom domain name); ResourceNotFound when none does.
func (s *Service) DomainPool(ctx context.Context, domain string) (string, error) {
	owner, err := s.store.Settings().Get(ctx, domainSetting(strings.ToLower(domain)))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && len(owner) == 0) {
		return "", errorf(ResourceNotFound, "Domain %s does not exist.", domain)
	}
	if err != nil {
		return "", err
	}
	p, err := s.loadPool(ctx, string(owner))
	if err != nil {
		return "", err
	}
	if d, _ := p.cfg.domain(strings.ToLower(domain)); d == nil {
		return "", errorf(ResourceNotFound, "Domain %s does not exist.", domain)
	}
	return p.rec.ID, nil
}

// PoolDomains returns a pool's prefix and custom domain names ("" for
// none) and its region.
func (s *Service) PoolDomains(ctx context.Context, poolID string) (prefix, custom, region string, err error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return "", "", "", err
	}
	if d := p.cfg.Domains; d != nil {
		if d.Prefix != nil {
			prefix = d.Prefix.Name
		}
		if d.Custom != nil {
			custom = d.Custom.Name
		}
	}
	return prefix, custom, p.rec.Region, nil
}

// PoolScopes returns the custom scopes of a pool's resource servers
// ("<identifier>/<scope>").
func (s *Service) PoolScopes(ctx context.Context, poolID string) ([]string, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rs := range p.cfg.ResourceServers {
		for _, sc := range rs.Scopes {
			out = append(out, rs.Identifier+"/"+sc.ScopeName)
		}
	}
	return out, nil
}

// MachineToken issues an access token to a client by the
// client_credentials grant, for scopes (already checked against the
// client's AllowedOAuthScopes), after the pool's pre token generation
// trigger (V3_0 only, ClientCredentialsToken). It returns the token and
// its lifetime.
func (s *Service) MachineToken(ctx context.Context, clientID string, scopes []string) (string, time.Duration, error) {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return "", 0, err
	}
	now := s.now()
	claims := map[string]any{
		"sub": cl.rec.ID, "token_use": useAccess, "scope": strings.Join(scopes, " "), "auth_time": now.Unix(),
		"iss": s.issuer(p.rec.ID), "exp": now.Add(cl.accessTTL()).Unix(), "iat": now.Unix(), "version": 2,
		"jti": uuid.NewString(), "client_id": cl.rec.ID,
	}
	if _, err := s.ClientCredentialsToken(ctx, p.rec.ID, cl.rec.ID, claims, scopes); err != nil {
		return "", 0, err
	}
	tok, err := s.tokens.Sign(ctx, p.rec.ID, useAccess, claims)
	return tok, cl.accessTTL(), err
}

// UserInfo answers the OpenID userInfo endpoint for an access token that
// was granted the openid scope: the user's sub and username, and the
// attributes the client may read that its scopes cover (openid or
// profile: all of them; email and phone: their own).
func (s *Service) UserInfo(ctx context.Context, accessToken string) (map[string]any, error) {
	c, err := s.authenticateScoped(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	scope := c.claims.Scope
	if !hasScope(scope, "openid") {
		return nil, errorf(NotAuthorized, "Access token does not contain openid scope")
	}
	all := hasScope(scope, "profile") || !hasScope(scope, "email") && !hasScope(scope, "phone")
	out := map[string]any{"sub": c.user.Sub, "username": c.user.Username}
	for name, v := range c.user.Attributes {
		if !c.client.clientReadable(name) || name == "sub" {
			continue
		}
		byScope := strings.HasPrefix(name, "email") && hasScope(scope, "email") ||
			strings.HasPrefix(name, "phone_number") && hasScope(scope, "phone")
		if !all && !byScope {
			continue
		}
		out[name] = v
	}
	return out, nil
}
