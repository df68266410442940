package identitypool

import (
	"context"
	"errors"
	"maps"
	"strings"

	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// CreateIdentityPool creates an identity pool in the signed region.
func (s *Service) CreateIdentityPool(ctx context.Context, in *ci.CreateIdentityPoolInput) (*ci.IdentityPool, error) {
	region := regionFrom(ctx)
	if region == "" {
		return nil, errorf(InvalidParameter, "A region is required: sign the request with a credential scope.")
	}
	p := &ipool{cfg: &poolConfig{Tags: in.IdentityPoolTags}}
	err := s.apply(p.cfg, settings{
		AllowUnauth: boolv(in.AllowUnauthenticatedIdentities), AllowClassicFlow: in.AllowClassicFlow,
		Supported: in.SupportedLoginProviders, Developer: in.DeveloperProviderName, OIDC: in.OpenIdConnectProviderARNs,
		Cognito: in.CognitoIdentityProviders, SAML: in.SamlProviderARNs,
	})
	if err != nil {
		return nil, err
	}
	doc, err := p.encode()
	if err != nil {
		return nil, err
	}
	now := s.now()
	p.rec = storage.IdentityPool{
		ID: region + ":" + uuid.NewString(), Region: region, Name: in.IdentityPoolName,
		Config: doc, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.Identities().CreatePool(ctx, p.rec); err != nil {
		return nil, err
	}
	s.poolsChanged(p)
	return s.describe(p), nil
}

// DescribeIdentityPool returns a pool's settings.
func (s *Service) DescribeIdentityPool(ctx context.Context, in *ci.DescribeIdentityPoolInput) (*ci.IdentityPool, error) {
	p, err := s.loadPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return s.describe(p), nil
}

// ListIdentityPools lists the pools of the signed region by id, up to
// MaxResults a page. The store lists every region's pools: pages of it are
// read, each no longer than what the answer still lacks so that the
// store's page token resumes right after the last pool returned, until the
// answer is full or the store has no more.
func (s *Service) ListIdentityPools(ctx context.Context, in *ci.ListIdentityPoolsInput) (*ci.ListIdentityPoolsResponse, error) {
	limit := 60
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	out := &ci.ListIdentityPoolsResponse{IdentityPools: []ci.IdentityPoolShortDescription{}}
	token := in.NextToken
	for {
		pools, next, err := s.store.Identities().ListPools(ctx, storage.Page{Token: token, Limit: limit - len(out.IdentityPools)})
		if err != nil {
			return nil, pageError(err)
		}
		for _, p := range pools {
			if inRegion(ctx, p.Region) {
				out.IdentityPools = append(out.IdentityPools, ci.IdentityPoolShortDescription{IdentityPoolId: p.ID, IdentityPoolName: p.Name})
			}
		}
		if token = next; token == "" || len(out.IdentityPools) >= limit {
			out.NextToken = token
			return out, nil
		}
	}
}

// UpdateIdentityPool replaces a pool's settings; as in AWS, members left
// out return to their defaults. Roles, role mappings, principal tag maps
// and Cognate options are kept; tags are kept unless given.
func (s *Service) UpdateIdentityPool(ctx context.Context, in *ci.IdentityPool) (*ci.IdentityPool, error) {
	var out *ci.IdentityPool
	var changed *ipool
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := s.loadPool(ctx, tx, in.IdentityPoolId)
		if err != nil {
			return err
		}
		err = s.apply(p.cfg, settings{
			AllowUnauth: boolv(in.AllowUnauthenticatedIdentities), AllowClassicFlow: in.AllowClassicFlow,
			Supported: in.SupportedLoginProviders, Developer: in.DeveloperProviderName, OIDC: in.OpenIdConnectProviderARNs,
			Cognito: in.CognitoIdentityProviders, SAML: in.SamlProviderARNs,
		})
		if err != nil {
			return err
		}
		if in.IdentityPoolTags != nil {
			p.cfg.Tags = in.IdentityPoolTags
		}
		p.rec.Name = in.IdentityPoolName
		if err := s.savePool(ctx, tx, p); err != nil {
			return err
		}
		out, changed = s.describe(p), p
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.poolsChanged(changed)
	return out, nil
}

// savePool writes a pool's name and settings.
func (s *Service) savePool(ctx context.Context, st storage.Stores, p *ipool) error {
	doc, err := p.encode()
	if err != nil {
		return err
	}
	p.rec.Config, p.rec.UpdatedAt = doc, s.now()
	// Forget the cached copy now and again when the caller's transaction
	// is over (poolsChanged), so no reader caches the old settings.
	s.pools.forget(p.rec.ID)
	err = st.Identities().UpdatePool(ctx, p.rec)
	if errors.Is(err, storage.ErrNotFound) {
		return poolNotFound(p.rec.ID)
	}
	return err
}

// DeleteIdentityPool deletes a pool with its identities and logins.
func (s *Service) DeleteIdentityPool(ctx context.Context, in *ci.DeleteIdentityPoolInput) (*struct{}, error) {
	p, err := s.loadPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	// With the write-back option on, note whose attribute names which
	// identity, to clear it once the identities are gone.
	written := map[string][]storage.IdentityLogin{}
	if p.cfg.IdentityIdAttribute != "" {
		token := ""
		for {
			ids, next, err := s.store.Identities().List(ctx, p.rec.ID, storage.Page{Token: token, Limit: 60})
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				logins, err := s.store.Identities().Logins(ctx, id.ID)
				if err != nil {
					return nil, err
				}
				written[id.ID] = logins
			}
			if token = next; token == "" {
				break
			}
		}
	}
	err = s.store.Identities().DeletePool(ctx, in.IdentityPoolId)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, poolNotFound(in.IdentityPoolId)
	}
	if err != nil {
		return nil, err
	}
	e := s.newEvent(EventIdentityPoolDeleted)
	e.IdentityPoolID = in.IdentityPoolId
	s.record(ctx, e)
	for id, logins := range written {
		s.clearWriteBack(ctx, p, id, logins)
	}
	s.poolsChanged(p)
	return &struct{}{}, nil
}

// poolsChanged drops cached answers that depend on the pool's settings.
func (s *Service) poolsChanged(p *ipool) {
	s.forgetReadOnly()
	if p == nil {
		return
	}
	s.pools.forget(p.rec.ID)
	if s.userPoolsChanged == nil {
		return
	}
	for _, cp := range p.cfg.CognitoIdentityProviders {
		if up, ok := s.userPoolProvider(cp.ProviderName); ok {
			s.userPoolsChanged(up.poolID)
		}
	}
}

// SetIdentityPoolRoles sets the pool's roles and role mappings.
func (s *Service) SetIdentityPoolRoles(ctx context.Context, in *ci.SetIdentityPoolRolesInput) (*struct{}, error) {
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := s.loadPool(ctx, tx, in.IdentityPoolId)
		if err != nil {
			return err
		}
		if err := s.checkRoles(p, in.Roles, in.RoleMappings); err != nil {
			return err
		}
		p.cfg.Roles, p.cfg.RoleMappings = in.Roles, in.RoleMappings
		return s.savePool(ctx, tx, p)
	})
	s.pools.forget(in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// GetIdentityPoolRoles returns the pool's roles and role mappings.
func (s *Service) GetIdentityPoolRoles(ctx context.Context, in *ci.GetIdentityPoolRolesInput) (*ci.GetIdentityPoolRolesResponse, error) {
	p, err := s.loadPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return &ci.GetIdentityPoolRolesResponse{IdentityPoolId: p.rec.ID, Roles: p.cfg.Roles, RoleMappings: p.cfg.RoleMappings}, nil
}

// tagProvider canonicalises an IdentityProviderName of the principal tag
// operations, which must be one of the pool's providers.
func (s *Service) tagProvider(p *ipool, name string) (string, error) {
	if up, ok := s.userPoolProvider(name); ok {
		for _, cp := range p.cfg.CognitoIdentityProviders {
			if n, _ := s.userPoolProvider(cp.ProviderName); n.provider == up.provider {
				return up.provider, nil
			}
		}
	} else if s.mappingKeyConfigured(p, name) {
		return name, nil
	}
	return "", errorf(InvalidParameter, "The identity provider %s is not configured for this identity pool.", name)
}

// SetPrincipalTagAttributeMap sets a provider's attributes-for-access-
// control map: UseDefaults, or tag -> claim pairs.
func (s *Service) SetPrincipalTagAttributeMap(ctx context.Context, in *ci.SetPrincipalTagAttributeMapInput) (*ci.SetPrincipalTagAttributeMapResponse, error) {
	var out *ci.SetPrincipalTagAttributeMapResponse
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := s.loadPool(ctx, tx, in.IdentityPoolId)
		if err != nil {
			return err
		}
		provider, err := s.tagProvider(p, in.IdentityProviderName)
		if err != nil {
			return err
		}
		conf := principalTagConfig{UseDefaults: boolv(in.UseDefaults), Tags: in.PrincipalTags}
		if p.cfg.PrincipalTagMaps == nil {
			p.cfg.PrincipalTagMaps = map[string]principalTagConfig{}
		}
		p.cfg.PrincipalTagMaps[provider] = conf
		if err := s.savePool(ctx, tx, p); err != nil {
			return err
		}
		out = &ci.SetPrincipalTagAttributeMapResponse{
			IdentityPoolId: p.rec.ID, IdentityProviderName: in.IdentityProviderName,
			UseDefaults: ptr(conf.UseDefaults), PrincipalTags: conf.Tags,
		}
		return nil
	})
	s.pools.forget(in.IdentityPoolId)
	return out, err
}

// GetPrincipalTagAttributeMap returns a provider's map; with UseDefaults
// the default tags (client from aud, username from sub) are shown.
func (s *Service) GetPrincipalTagAttributeMap(ctx context.Context, in *ci.GetPrincipalTagAttributeMapInput) (*ci.GetPrincipalTagAttributeMapResponse, error) {
	p, err := s.loadPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	provider, err := s.tagProvider(p, in.IdentityProviderName)
	if err != nil {
		return nil, err
	}
	conf := p.cfg.PrincipalTagMaps[provider]
	tags := conf.Tags
	if conf.UseDefaults {
		tags = maps.Clone(defaultTagMap)
	}
	return &ci.GetPrincipalTagAttributeMapResponse{
		IdentityPoolId: p.rec.ID, IdentityProviderName: in.IdentityProviderName,
		UseDefaults: ptr(conf.UseDefaults), PrincipalTags: tags,
	}, nil
}

// poolOfARN finds the pool an identity pool ARN names.
func (s *Service) poolOfARN(ctx context.Context, st storage.Stores, arn string) (*ipool, error) {
	_, id, ok := strings.Cut(arn, ":identitypool/")
	if !ok || !strings.HasPrefix(arn, "arn:aws") {
		return nil, errorf(InvalidParameter, "Invalid ResourceArn: %s", arn)
	}
	p, err := s.loadPool(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if s.poolARN(p.rec) != arn {
		return nil, errorf(ResourceNotFound, "Resource %s not found.", arn)
	}
	return p, nil
}

// forgetARN drops the cached pool an ARN names.
func (s *Service) forgetARN(arn string) {
	if _, id, ok := strings.Cut(arn, ":identitypool/"); ok {
		s.pools.forget(id)
	}
}

// TagResource adds or replaces tags of an identity pool.
func (s *Service) TagResource(ctx context.Context, in *ci.TagResourceInput) (*ci.TagResourceResponse, error) {
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := s.poolOfARN(ctx, tx, in.ResourceArn)
		if err != nil {
			return err
		}
		if p.cfg.Tags == nil {
			p.cfg.Tags = map[string]string{}
		}
		maps.Copy(p.cfg.Tags, in.Tags)
		if len(p.cfg.Tags) > 50 {
			return errorf(InvalidParameter, "An identity pool can have at most 50 tags.")
		}
		return s.savePool(ctx, tx, p)
	})
	s.forgetARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &ci.TagResourceResponse{}, nil
}

// UntagResource removes tags of an identity pool.
func (s *Service) UntagResource(ctx context.Context, in *ci.UntagResourceInput) (*ci.UntagResourceResponse, error) {
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := s.poolOfARN(ctx, tx, in.ResourceArn)
		if err != nil {
			return err
		}
		for _, k := range in.TagKeys {
			delete(p.cfg.Tags, k)
		}
		return s.savePool(ctx, tx, p)
	})
	s.forgetARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &ci.UntagResourceResponse{}, nil
}

// ListTagsForResource lists an identity pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *ci.ListTagsForResourceInput) (*ci.ListTagsForResourceResponse, error) {
	p, err := s.poolOfARN(ctx, s.store, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := p.cfg.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return &ci.ListTagsForResourceResponse{Tags: tags}, nil
}
