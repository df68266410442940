package iam

import (
	"context"
	"encoding/hex"
	"errors"
	"slices"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/storage"
)

// IAM's quotas for OIDC providers.
const (
	maxClientIDs   = 100
	maxThumbprints = 5
)

// CreateOpenIDConnectProviderInput is CreateOpenIDConnectProvider's input.
type CreateOpenIDConnectProviderInput struct {
	Url            string
	ClientIDList   []string
	ThumbprintList []string
	Tags           []Tag
}

// CreateOpenIDConnectProviderOutput is its result.
type CreateOpenIDConnectProviderOutput struct {
	OpenIDConnectProviderArn string
	Tags                     []Tag `xml:"Tags>member,omitempty"`
}

// CreateOpenIDConnectProvider registers an OIDC issuer that web identity
// tokens may come from. The URL must be https (or http on a loopback host,
// for local development). Thumbprints are kept and returned but not used:
// the issuer's TLS certificate is checked against the system's roots, as
// IAM now does for most providers.
func (s *Service) CreateOpenIDConnectProvider(ctx context.Context, in *CreateOpenIDConnectProviderInput) (*CreateOpenIDConnectProviderOutput, error) {
	key, ok := ProviderKey(in.Url)
	if !ok {
		return nil, awsproto.Errorf(codeInvalidInput, "The URL %s is not valid: it must begin with https:// and have no query or fragment.", in.Url)
	}
	if err := checkProviderLists(in.ClientIDList, in.ThumbprintList); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags, nil); err != nil {
		return nil, err
	}
	now := s.now()
	p := storage.OIDCProvider{URL: key, ClientIDs: dedupe(in.ClientIDList), Thumbprints: dedupe(in.ThumbprintList),
		Tags: fromTags(in.Tags), CreatedAt: now, UpdatedAt: now}
	if err := s.store.OIDCProviders().Create(ctx, p); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, awsproto.Errorf(codeEntityAlreadyExists, "Provider with url %s already exists.", in.Url)
		}
		return nil, err
	}
	return &CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: ProviderARN(s.account, key), Tags: in.Tags}, nil
}

// ProviderARNInput names a provider.
type ProviderARNInput struct {
	OpenIDConnectProviderArn string
}

// GetOpenIDConnectProviderOutput is GetOpenIDConnectProvider's result.
type GetOpenIDConnectProviderOutput struct {
	Url            string
	ClientIDList   []string `xml:"ClientIDList>member"`
	ThumbprintList []string `xml:"ThumbprintList>member"`
	CreateDate     string
	Tags           []Tag `xml:"Tags>member"`
}

// GetOpenIDConnectProvider describes a provider. Its Url comes without the
// scheme, as IAM returns it.
func (s *Service) GetOpenIDConnectProvider(ctx context.Context, in *ProviderARNInput) (*GetOpenIDConnectProviderOutput, error) {
	p, err := s.provider(ctx, in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	return &GetOpenIDConnectProviderOutput{Url: p.URL, ClientIDList: p.ClientIDs, ThumbprintList: p.Thumbprints,
		CreateDate: wireTime(p.CreatedAt), Tags: toTags(p.Tags)}, nil
}

// ListOpenIDConnectProvidersOutput is ListOpenIDConnectProviders' result.
type ListOpenIDConnectProvidersOutput struct {
	OpenIDConnectProviderList []ProviderEntry `xml:"OpenIDConnectProviderList>member"`
}

// ProviderEntry is IAM's OpenIDConnectProviderListEntry.
type ProviderEntry struct {
	Arn string
}

// ListOpenIDConnectProviders lists every provider's ARN.
func (s *Service) ListOpenIDConnectProviders(ctx context.Context, _ *struct{}) (*ListOpenIDConnectProvidersOutput, error) {
	ps, err := s.store.OIDCProviders().List(ctx)
	if err != nil {
		return nil, err
	}
	out := &ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: make([]ProviderEntry, len(ps))}
	for i, p := range ps {
		out.OpenIDConnectProviderList[i] = ProviderEntry{Arn: ProviderARN(s.account, p.URL)}
	}
	return out, nil
}

// DeleteOpenIDConnectProvider deletes a provider. As in IAM, deleting one
// that does not exist succeeds.
func (s *Service) DeleteOpenIDConnectProvider(ctx context.Context, in *ProviderARNInput) (*struct{}, error) {
	key, err := s.providerKey(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	if err := s.store.OIDCProviders().Delete(ctx, key); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	return nil, nil
}

// ProviderClientIDInput is the input of Add/RemoveClientIDTo/FromOpenIDConnectProvider.
type ProviderClientIDInput struct {
	OpenIDConnectProviderArn string
	ClientID                 string
}

// AddClientIDToOpenIDConnectProvider adds an audience; adding one that is
// there already does nothing.
func (s *Service) AddClientIDToOpenIDConnectProvider(ctx context.Context, in *ProviderClientIDInput) (*struct{}, error) {
	return nil, s.updateProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		if slices.Contains(p.ClientIDs, in.ClientID) {
			return nil
		}
		if len(p.ClientIDs) >= maxClientIDs {
			return awsproto.Errorf(codeLimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxClientIDs)
		}
		p.ClientIDs = append(p.ClientIDs, in.ClientID)
		return nil
	})
}

// RemoveClientIDFromOpenIDConnectProvider removes an audience; removing one
// that is not there does nothing.
func (s *Service) RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, in *ProviderClientIDInput) (*struct{}, error) {
	return nil, s.updateProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(c string) bool { return c == in.ClientID })
		return nil
	})
}

// UpdateThumbprintInput is UpdateOpenIDConnectProviderThumbprint's input.
type UpdateThumbprintInput struct {
	OpenIDConnectProviderArn string
	ThumbprintList           []string
}

// UpdateOpenIDConnectProviderThumbprint replaces a provider's thumbprints.
func (s *Service) UpdateOpenIDConnectProviderThumbprint(ctx context.Context, in *UpdateThumbprintInput) (*struct{}, error) {
	if err := checkProviderLists(nil, in.ThumbprintList); err != nil {
		return nil, err
	}
	return nil, s.updateProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.Thumbprints = dedupe(in.ThumbprintList)
		return nil
	})
}

// TagProviderInput is TagOpenIDConnectProvider's input.
type TagProviderInput struct {
	OpenIDConnectProviderArn string
	Tags                     []Tag
}

// TagOpenIDConnectProvider adds or replaces tags on a provider.
func (s *Service) TagOpenIDConnectProvider(ctx context.Context, in *TagProviderInput) (*struct{}, error) {
	return nil, s.updateProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		if err := checkTags(in.Tags, p.Tags); err != nil {
			return err
		}
		p.Tags = mergeTags(p.Tags, in.Tags)
		return nil
	})
}

// UntagProviderInput is UntagOpenIDConnectProvider's input.
type UntagProviderInput struct {
	OpenIDConnectProviderArn string
	TagKeys                  []string
}

// UntagOpenIDConnectProvider removes tags from a provider.
func (s *Service) UntagOpenIDConnectProvider(ctx context.Context, in *UntagProviderInput) (*struct{}, error) {
	return nil, s.updateProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.Tags = removeTags(p.Tags, in.TagKeys)
		return nil
	})
}

// ListProviderTagsInput is ListOpenIDConnectProviderTags' input.
type ListProviderTagsInput struct {
	OpenIDConnectProviderArn string
	Marker                   string
	MaxItems                 *int
}

// ListOpenIDConnectProviderTags lists a provider's tags.
func (s *Service) ListOpenIDConnectProviderTags(ctx context.Context, in *ListProviderTagsInput) (*TagsOutput, error) {
	p, err := s.provider(ctx, in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	return pageTags(p.Tags, in.Marker, in.MaxItems)
}

// OIDCProvider returns the provider registered for an issuer URL (the iss
// of a token); storage.ErrNotFound if there is none.
func (s *Service) OIDCProvider(ctx context.Context, issuer string) (storage.OIDCProvider, error) {
	key, ok := ProviderKey(issuer)
	if !ok {
		return storage.OIDCProvider{}, storage.ErrNotFound
	}
	return s.store.OIDCProviders().Get(ctx, key)
}

// OIDCProviderByARN returns the provider an ARN names; storage.ErrNotFound
// if there is none (identity pools name providers by ARN).
func (s *Service) OIDCProviderByARN(ctx context.Context, arn string) (storage.OIDCProvider, error) {
	key, ok := parseProviderARN(s.account, arn)
	if !ok {
		return storage.OIDCProvider{}, storage.ErrNotFound
	}
	return s.store.OIDCProviders().Get(ctx, key)
}

func (s *Service) providerKey(arn string) (string, error) {
	key, ok := parseProviderARN(s.account, arn)
	if !ok {
		return "", awsproto.Errorf(codeInvalidInput, "ARN %s is not valid.", arn)
	}
	return key, nil
}

func (s *Service) provider(ctx context.Context, arn string) (storage.OIDCProvider, error) {
	key, err := s.providerKey(arn)
	if err != nil {
		return storage.OIDCProvider{}, err
	}
	p, err := s.store.OIDCProviders().Get(ctx, key)
	if err != nil {
		return storage.OIDCProvider{}, storeError(err, func() error { return noSuchProvider(arn) })
	}
	return p, nil
}

func (s *Service) updateProvider(ctx context.Context, arn string, change func(p *storage.OIDCProvider) error) error {
	key, err := s.providerKey(arn)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := tx.OIDCProviders().Get(ctx, key)
		if err != nil {
			return storeError(err, func() error { return noSuchProvider(arn) })
		}
		if err := change(&p); err != nil {
			return err
		}
		p.UpdatedAt = s.now()
		return storeError(tx.OIDCProviders().Update(ctx, p), func() error { return noSuchProvider(arn) })
	})
}

func noSuchProvider(arn string) error {
	return awsproto.Errorf(codeNoSuchEntity, "OpenIDConnect Provider not found for arn %s", arn)
}

// checkProviderLists applies IAM's quotas and the thumbprint format (40
// hex digits: a SHA-1).
func checkProviderLists(clientIDs, thumbprints []string) error {
	if len(clientIDs) > maxClientIDs {
		return awsproto.Errorf(codeLimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxClientIDs)
	}
	if len(thumbprints) > maxThumbprints {
		return awsproto.Errorf(codeInvalidInput, "Thumbprint list must contain fewer than %d entries.", maxThumbprints+1)
	}
	for _, t := range thumbprints {
		if _, err := hex.DecodeString(t); err != nil || len(t) != 40 {
			return awsproto.Errorf(codeInvalidInput, "Thumbprint %s is not a valid SHA-1 thumbprint.", t)
		}
	}
	return nil
}

func dedupe(list []string) []string {
	var out []string
	for _, v := range list {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
