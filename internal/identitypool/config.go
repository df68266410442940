package identitypool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
	"github.com/cognate-dev/cognate/internal/storage"
)

// poolConfig is an identity pool's settings, stored as the opaque JSON
// document storage.IdentityPool.Config.
type poolConfig struct {
	AllowUnauthenticatedIdentities bool                          `json:"allowUnauth"`
	AllowClassicFlow               *bool                         `json:"allowClassicFlow,omitempty"`
	SupportedLoginProviders        map[string]string             `json:"supportedLoginProviders,omitempty"`
	DeveloperProviderName          string                        `json:"developerProviderName,omitempty"`
	OpenIdConnectProviderARNs      []string                      `json:"oidcProviderARNs,omitempty"`
	CognitoIdentityProviders       []ci.CognitoIdentityProvider  `json:"cognitoIdentityProviders,omitempty"`
	SamlProviderARNs               []string                      `json:"samlProviderARNs,omitempty"`
	Tags                           map[string]string             `json:"tags,omitempty"`
	Roles                          map[string]string             `json:"roles,omitempty"`
	RoleMappings                   map[string]ci.RoleMapping     `json:"roleMappings,omitempty"`
	PrincipalTagMaps               map[string]principalTagConfig `json:"principalTagMaps,omitempty"`
	// IdentityIdAttribute is Cognate's write-back option: the user-pool
	// attribute set to the user's identity id ("" when off).
	IdentityIdAttribute string `json:"identityIdAttribute,omitempty"`
}

// principalTagConfig is one provider's attributes-for-access-control map.
type principalTagConfig struct {
	UseDefaults bool              `json:"useDefaults"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// ipool is a loaded identity pool.
type ipool struct {
	rec storage.IdentityPool
	cfg *poolConfig
}

// loadPool loads a pool through st. Outside a transaction (st is the
// Service's store) the answer may come from the pool cache; callers must
// not modify it. Inside one it is read fresh, for read-modify-write. A
// signed request finds only pools of its region (region.go).
func (s *Service) loadPool(ctx context.Context, st storage.Stores, id string) (*ipool, error) {
	cached := st == storage.Stores(s.store)
	var p *ipool
	if cached {
		p = s.pools.get(id, s.now())
	}
	if p == nil {
		rec, err := st.Identities().GetPool(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, poolNotFound(id)
		}
		if err != nil {
			return nil, err
		}
		if p, err = parsePool(rec); err != nil {
			return nil, err
		}
		if cached {
			s.pools.put(p, s.now())
		}
	}
	if !inRegion(ctx, p.rec.Region) {
		return nil, poolNotFound(id)
	}
	return p, nil
}

// poolCacheTTL bounds how long a node serves an identity pool's settings
// after another node changed them; local writes invalidate at once.
const poolCacheTTL = 5 * time.Second

// poolCache keeps parsed identity pools: every GetId and
// GetCredentialsForIdentity needs its pool's settings.
type poolCache struct {
	mu sync.Mutex
	m  map[string]poolEntry
}

type poolEntry struct {
	p       *ipool
	expires time.Time
}

func (c *poolCache) get(id string, now time.Time) *ipool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[id]; ok && now.Before(e.expires) {
		return e.p
	}
	return nil
}

func (c *poolCache) put(p *ipool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]poolEntry{}
	}
	c.m[p.rec.ID] = poolEntry{p: p, expires: now.Add(poolCacheTTL)}
}

func (c *poolCache) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

func parsePool(rec storage.IdentityPool) (*ipool, error) {
	cfg := &poolConfig{}
	if len(rec.Config) > 0 {
		if err := json.Unmarshal(rec.Config, cfg); err != nil {
			return nil, fmt.Errorf("identitypool: pool %s settings: %w", rec.ID, err)
		}
	}
	return &ipool{rec: rec, cfg: cfg}, nil
}

func (p *ipool) encode() ([]byte, error) { return json.Marshal(p.cfg) }

// supportedLoginProviders are the public providers CreateIdentityPool
// accepts as SupportedLoginProviders keys.
var supportedLoginProviders = map[string]bool{
	"graph.facebook.com": true, "accounts.google.com": true, "www.amazon.com": true,
	"api.twitter.com": true, "www.digits.com": true, "appleid.apple.com": true,
}

var oidcARNPattern = regexp.MustCompile(`^arn:aws[\w-]*:iam::\d{12}:oidc-provider/[^\s]+$`)
var samlARNPattern = regexp.MustCompile(`^arn:aws[\w-]*:iam::\d{12}:saml-provider/[\w+=,.@-]+$`)
var roleARNPattern = regexp.MustCompile(`^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)

// settings are the members CreateIdentityPool and UpdateIdentityPool set.
type settings struct {
	AllowUnauth      bool
	AllowClassicFlow *bool
	Supported        map[string]string
	Developer        string
	OIDC             []string
	Cognito          []ci.CognitoIdentityProvider
	SAML             []string
}

// apply validates settings and writes them into cfg.
func (s *Service) apply(cfg *poolConfig, in settings) error {
	for k := range in.Supported {
		if !supportedLoginProviders[k] {
			return errorf(InvalidParameter, "Invalid login provider: %s", k)
		}
	}
	for _, arn := range in.OIDC {
		if !oidcARNPattern.MatchString(arn) {
			return errorf(InvalidParameter, "Invalid OpenIdConnectProviderARN: %s", arn)
		}
	}
	for _, arn := range in.SAML {
		if !samlARNPattern.MatchString(arn) {
			return errorf(InvalidParameter, "Invalid SamlProviderARN: %s", arn)
		}
	}
	seen := map[string]bool{}
	for _, cp := range in.Cognito {
		name, ok := s.userPoolProvider(cp.ProviderName)
		if !ok {
			return errorf(InvalidParameter, "Invalid Cognito Identity Provider: %s", cp.ProviderName)
		}
		if cp.ClientId == "" {
			return errorf(InvalidParameter, "ClientId is required for Cognito Identity Provider %s", cp.ProviderName)
		}
		key := name.provider + ":" + cp.ClientId
		if seen[key] {
			return errorf(InvalidParameter, "Duplicate Cognito Identity Provider %s with client %s", cp.ProviderName, cp.ClientId)
		}
		seen[key] = true
	}
	if cfg.DeveloperProviderName != "" && in.Developer != cfg.DeveloperProviderName {
		return errorf(InvalidParameter, "Once a DeveloperProviderName is set, it cannot be changed.")
	}
	cfg.AllowUnauthenticatedIdentities = in.AllowUnauth
	cfg.AllowClassicFlow = in.AllowClassicFlow
	cfg.SupportedLoginProviders = in.Supported
	cfg.DeveloperProviderName = in.Developer
	cfg.OpenIdConnectProviderARNs = in.OIDC
	cfg.CognitoIdentityProviders = in.Cognito
	cfg.SamlProviderARNs = in.SAML
	return nil
}

// describe renders a pool as the API shows it.
func (s *Service) describe(p *ipool) *ci.IdentityPool {
	return &ci.IdentityPool{
		IdentityPoolId:                 p.rec.ID,
		IdentityPoolName:               p.rec.Name,
		AllowUnauthenticatedIdentities: ptr(p.cfg.AllowUnauthenticatedIdentities),
		AllowClassicFlow:               p.cfg.AllowClassicFlow,
		SupportedLoginProviders:        p.cfg.SupportedLoginProviders,
		DeveloperProviderName:          p.cfg.DeveloperProviderName,
		OpenIdConnectProviderARNs:      p.cfg.OpenIdConnectProviderARNs,
		CognitoIdentityProviders:       p.cfg.CognitoIdentityProviders,
		SamlProviderARNs:               p.cfg.SamlProviderARNs,
		IdentityPoolTags:               p.cfg.Tags,
	}
}

// checkRoles validates SetIdentityPoolRoles input against the pool.
func (s *Service) checkRoles(p *ipool, roles map[string]string, mappings map[string]ci.RoleMapping) error {
	for k, arn := range roles {
		if k != "authenticated" && k != "unauthenticated" {
			return errorf(InvalidParameter, "Invalid role type: %s", k)
		}
		if !roleARNPattern.MatchString(arn) {
			return errorf(InvalidParameter, "Invalid role ARN: %s", arn)
		}
	}
	for key, m := range mappings {
		if !s.mappingKeyConfigured(p, key) {
			return errorf(InvalidParameter, "The role mapping key %s is not a provider of this identity pool.", key)
		}
		if m.AmbiguousRoleResolution == "" {
			return errorf(InvalidParameter, "AmbiguousRoleResolution must be specified for role mapping %s.", key)
		}
		switch m.Type {
		case ci.RoleMappingTypeToken:
			if m.RulesConfiguration != nil {
				return errorf(InvalidParameter, "RulesConfiguration is only allowed for the Rules role mapping type (%s).", key)
			}
		case ci.RoleMappingTypeRules:
			if m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) == 0 {
				return errorf(InvalidParameter, "RulesConfiguration is required for the Rules role mapping type (%s).", key)
			}
			if len(m.RulesConfiguration.Rules) > 25 {
				return errorf(InvalidParameter, "At most 25 rules can be specified per identity provider (%s).", key)
			}
			for _, r := range m.RulesConfiguration.Rules {
				if !roleARNPattern.MatchString(r.RoleARN) {
					return errorf(InvalidParameter, "Invalid role ARN: %s", r.RoleARN)
				}
			}
		}
	}
	return nil
}

// mappingKeyConfigured reports whether a RoleMappings key names one of the
// pool's providers: "<user pool provider>:<client id>" or an OIDC or public
// provider name.
func (s *Service) mappingKeyConfigured(p *ipool, key string) bool {
	if i := strings.LastIndex(key, ":"); i > strings.LastIndex(key, "/") {
		if up, ok := s.userPoolProvider(key[:i]); ok {
			for _, cp := range p.cfg.CognitoIdentityProviders {
				if n, _ := s.userPoolProvider(cp.ProviderName); n.provider == up.provider && cp.ClientId == key[i+1:] {
					return true
				}
			}
			return false
		}
	}
	if _, ok := p.cfg.SupportedLoginProviders[key]; ok {
		return true
	}
	for _, arn := range p.cfg.OpenIdConnectProviderARNs {
		if oidcKey(arn) == key {
			return true
		}
	}
	return key == p.cfg.DeveloperProviderName && key != ""
}
