package userpool

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// The managed login branding operations keep one style per app client
// (a ClientDocument of kind "branding"): a settings document and images.
// The login pages read it with Branding.

// ManagedLoginBrandingExists is the exception for a second style of a
// client.
const ManagedLoginBrandingExists Kind = "ManagedLoginBrandingExistsException"

func brandingNotFound(id string) *Error {
	return errorf(ResourceNotFound, "Managed login branding %s does not exist.", id)
}

// CreateManagedLoginBranding creates the branding style of an app client:
// Cognate's defaults (UseCognitoProvidedValues, with no Settings or
// Assets), or the given settings and images.
func (s *Service) CreateManagedLoginBranding(ctx context.Context, in *cip.CreateManagedLoginBrandingRequest) (*cip.CreateManagedLoginBrandingResponse, error) {
	p, err := s.adminClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	b, err := brandingRequest(in.UseCognitoProvidedValues, in.Settings, in.Assets, nil)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := storage.ClientDocument{
		PoolID: p.rec.ID, ID: uuid.NewString(), ClientID: in.ClientId, Kind: docBranding,
		CreatedAt: now, UpdatedAt: now,
	}
	if d.Body, err = json.Marshal(b); err != nil {
		return nil, err
	}
	err = s.store.ClientDocuments().Create(ctx, d)
	switch {
	case errors.Is(err, storage.ErrConflict):
		return nil, errorf(ManagedLoginBrandingExists, "App client %s already has a managed login branding style.", in.ClientId)
	case errors.Is(err, storage.ErrNotFound):
		return nil, clientNotFound(in.ClientId)
	case err != nil:
		return nil, err
	}
	out, err := brandingOutput(d, b, false)
	if err != nil {
		return nil, err
	}
	return &cip.CreateManagedLoginBrandingResponse{ManagedLoginBranding: out}, nil
}

// brandingRequest validates a create or update request's values. On update
// (old set) what the request leaves out is kept: its settings are merged
// into the old ones and its assets replace those of the same category and
// color mode; UseCognitoProvidedValues resets the style to the defaults.
func brandingRequest(useDefaults *bool, settings json.RawMessage, assets []cip.AssetType, old *storedBranding) (*storedBranding, error) {
	settings, err := checkSettings(settings)
	if err != nil {
		return nil, err
	}
	if useDefaults != nil && *useDefaults {
		if settings != nil || len(assets) > 0 {
			return nil, errorf(InvalidParameter, "When UseCognitoProvidedValues is true, Settings and Assets must be omitted.")
		}
		return &storedBranding{UseDefaults: true}, nil
	}
	var base storedBranding
	if old != nil {
		base = *old
	}
	add, err := checkAssets(assets, base.Assets)
	if err != nil {
		return nil, err
	}
	b := &storedBranding{Settings: base.Settings, Assets: mergeAssets(base.Assets, add)}
	if len(b.Assets) > maxBrandingAssets {
		return nil, errorf(InvalidParameter, "A branding style can have at most %d assets.", maxBrandingAssets)
	}
	if settings != nil {
		var own, over map[string]any
		if len(base.Settings) > 0 {
			if err := json.Unmarshal(base.Settings, &own); err != nil {
				return nil, err
			}
		}
		if err := json.Unmarshal(settings, &over); err != nil {
			return nil, err
		}
		if b.Settings, err = json.Marshal(mergeJSON(own, over)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// brandingOutput renders a style; merged returns its settings over the
// defaults (ReturnMergedResources).
func brandingOutput(d storage.ClientDocument, b *storedBranding, merged bool) (*cip.ManagedLoginBrandingType, error) {
	out := &cip.ManagedLoginBrandingType{
		ManagedLoginBrandingId: d.ID, UserPoolId: d.PoolID, UseCognitoProvidedValues: ptr(b.UseDefaults),
		Settings: b.Settings, CreationDate: awstime.New(d.CreatedAt), LastModifiedDate: awstime.New(d.UpdatedAt),
	}
	if merged {
		m, err := mergedSettings(b.Settings)
		if err != nil {
			return nil, err
		}
		if out.Settings, err = json.Marshal(m); err != nil {
			return nil, err
		}
	}
	for _, a := range b.Assets {
		out.Assets = append(out.Assets, cip.AssetType{
			Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension, Bytes: a.Bytes, ResourceId: a.ResourceID,
		})
	}
	return out, nil
}

// DescribeManagedLoginBranding returns a style by id.
func (s *Service) DescribeManagedLoginBranding(ctx context.Context, in *cip.DescribeManagedLoginBrandingRequest) (*cip.DescribeManagedLoginBrandingResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	d, err := s.store.ClientDocuments().Get(ctx, p.rec.ID, docBranding, in.ManagedLoginBrandingId)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, brandingNotFound(in.ManagedLoginBrandingId)
	}
	out, err := describeBranding(d, err, in.ReturnMergedResources)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeManagedLoginBrandingResponse{ManagedLoginBranding: out}, nil
}

// DescribeManagedLoginBrandingByClient returns the style of an app client.
func (s *Service) DescribeManagedLoginBrandingByClient(ctx context.Context, in *cip.DescribeManagedLoginBrandingByClientRequest) (*cip.DescribeManagedLoginBrandingByClientResponse, error) {
	p, err := s.adminClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	d, err := s.store.ClientDocuments().Find(ctx, p.rec.ID, in.ClientId, docBranding, "")
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(ResourceNotFound, "App client %s has no managed login branding style.", in.ClientId)
	}
	out, err := describeBranding(d, err, in.ReturnMergedResources)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeManagedLoginBrandingByClientResponse{ManagedLoginBranding: out}, nil
}

func describeBranding(d storage.ClientDocument, err error, merged *bool) (*cip.ManagedLoginBrandingType, error) {
	if err != nil {
		return nil, err
	}
	b, err := decodeBranding(d)
	if err != nil {
		return nil, err
	}
	return brandingOutput(d, b, merged != nil && *merged)
}

// UpdateManagedLoginBranding changes a style: see brandingRequest for what
// a request keeps. The read and the write are one transaction.
func (s *Service) UpdateManagedLoginBranding(ctx context.Context, in *cip.UpdateManagedLoginBrandingRequest) (*cip.UpdateManagedLoginBrandingResponse, error) {
	if in.UserPoolId == "" || in.ManagedLoginBrandingId == "" {
		return nil, errorf(InvalidParameter, "UserPoolId and ManagedLoginBrandingId are required.")
	}
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var out *cip.ManagedLoginBrandingType
	err = s.store.InTx(ctx, func(tx storage.Stores) error {
		d, err := tx.ClientDocuments().Get(ctx, p.rec.ID, docBranding, in.ManagedLoginBrandingId)
		if errors.Is(err, storage.ErrNotFound) {
			return brandingNotFound(in.ManagedLoginBrandingId)
		}
		if err != nil {
			return err
		}
		old, err := decodeBranding(d)
		if err != nil {
			return err
		}
		b, err := brandingRequest(in.UseCognitoProvidedValues, in.Settings, in.Assets, old)
		if err != nil {
			return err
		}
		d.UpdatedAt = s.now()
		if d.Body, err = json.Marshal(b); err != nil {
			return err
		}
		if err := tx.ClientDocuments().Update(ctx, d); err != nil {
			return err
		}
		out, err = brandingOutput(d, b, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateManagedLoginBrandingResponse{ManagedLoginBranding: out}, nil
}

// DeleteManagedLoginBranding deletes a style; the client's pages go back
// to the defaults.
func (s *Service) DeleteManagedLoginBranding(ctx context.Context, in *cip.DeleteManagedLoginBrandingRequest) (*Empty, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	err = s.store.ClientDocuments().Delete(ctx, p.rec.ID, docBranding, in.ManagedLoginBrandingId)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, brandingNotFound(in.ManagedLoginBrandingId)
	}
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// adminClient loads a pool for an admin operation (see adminPool) and
// checks that the app client is one of its clients.
func (s *Service) adminClient(ctx context.Context, poolID, clientID string) (*pool, error) {
	p, err := s.adminPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.loadClientOfPool(ctx, p.rec.ID, clientID); err != nil {
		return nil, err
	}
	return p, nil
}
