package userpool

import (
	"context"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// maxCustomAttributes is Cognito's quota of custom attributes per pool.
const maxCustomAttributes = 50

// AddCustomAttributes adds custom attributes ("custom:<name>", or
// "dev:custom:<name>" when developer-only) to the pool's schema. A name
// already in the schema is refused, as is going past the quota of 50, and
// one whose removal (DeleteCustomAttribute) is not finished.
func (s *Service) AddCustomAttributes(ctx context.Context, in *cip.AddCustomAttributesRequest) (*cip.AddCustomAttributesResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	// Read, check and write in one transaction: concurrent calls adding
	// different attributes must not drop each other's.
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		for _, g := range in.CustomAttributes {
			for _, r := range cfg.RemovedAttributes {
				if customBase(r) == customBase(g.Name) {
					return errorf(InvalidParameter, "%s is still being removed: call CognateAdmin.DeleteCustomAttribute for it again to finish.", r)
				}
			}
		}
		schema, err := withCustomAttributes(cfg.SchemaAttributes, in.CustomAttributes)
		if err != nil {
			return err
		}
		cfg.SchemaAttributes = schema
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AddCustomAttributesResponse{}, nil
}

// withCustomAttributes returns schema with the custom attributes added, or
// the error for a name already in it or for going past the quota.
func withCustomAttributes(schema []cip.SchemaAttributeType, add []cip.SchemaAttributeType) ([]cip.SchemaAttributeType, error) {
	schema = append([]cip.SchemaAttributeType(nil), schema...)
	custom := 0
	for _, a := range schema {
		if strings.HasPrefix(a.Name, "custom:") || strings.HasPrefix(a.Name, "dev:custom:") {
			custom++
		}
	}
	for _, g := range add {
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
	return schema, nil
}
