package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// maxCustomAttributes is Cognito's quota of custom attributes per pool.
const maxCustomAttributes = 50

// AddCustomAttributes adds custom attributes ("custom:<name>", or
// "dev:custom:<name>" when developer-only) to the pool's schema. A name
// already in the schema is refused, as is going past the quota of 50.
func (s *Service) AddCustomAttributes(ctx context.Context, in *cip.AddCustomAttributesRequest) (*cip.AddCustomAttributesResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	schema := append([]cip.SchemaAttributeType(nil), p.cfg.SchemaAttributes...)
	custom := 0
	for _, a := range schema {
		if strings.HasPrefix(a.Name, "custom:") || strings.HasPrefix(a.Name, "dev:custom:") {
			custom++
		}
	}
	for _, g := range in.CustomAttributes {
		sa, err := customAttribute(g)
		if err != nil {
			return nil, err
		}
		base := strings.TrimPrefix(sa.Name, "dev:")
		if indexOfAttribute(schema, base) >= 0 || indexOfAttribute(schema, "dev:"+base) >= 0 {
			return nil, errorf(InvalidParameter, "%s: Existing attribute already has name %s.", base, sa.Name)
		}
		if custom++; custom > maxCustomAttributes {
			return nil, errorf(InvalidParameter, "A user pool can have at most %d custom attributes.", maxCustomAttributes)
		}
		schema = append(schema, sa)
	}
	cfg := *p.cfg
	cfg.SchemaAttributes = schema
	doc, err := json.Marshal(&cfg)
	if err != nil {
		return nil, err
	}
	rec := p.rec
	rec.Config = doc
	rec.UpdatedAt = s.now()
	err = s.store.Pools().Update(ctx, rec)
	s.cache.forgetPool(rec.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, poolNotFound(rec.ID)
	}
	if err != nil {
		return nil, err
	}
	return &cip.AddCustomAttributesResponse{}, nil
}
