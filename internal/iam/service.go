package iam

import (
	"errors"
	"fmt"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel"
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Service is the IAM subset over a store.
type Service struct {
	store   storage.Store
	account string
	now     func() time.Time
	docs    *docCache
}

// Deps are what New needs.
type Deps struct {
	Store storage.Store
	// AccountID is the 12-digit account in ARNs.
	AccountID string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// New returns the IAM service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{store: d.Store, account: d.AccountID, now: d.Now, docs: newDocCache(512)}
}

// AccountID is the account in the service's ARNs.
func (s *Service) AccountID() string { return s.account }

// API returns the IAM query-protocol service to register on an
// awsproto.QueryMux.
func (s *Service) API() (*awsproto.QueryService, error) {
	model, err := awsproto.LoadModel(awsmodel.Service("iam"))
	if err != nil {
		return nil, fmt.Errorf("iam: model: %w", err)
	}
	return &awsproto.QueryService{
		SigningName: "iam",
		Model:       model,
		Handlers: map[string]awsproto.Handler{
			"CreateRole":             awsproto.Op(s.CreateRole),
			"GetRole":                awsproto.Op(s.GetRole),
			"ListRoles":              awsproto.Op(s.ListRoles),
			"UpdateRole":             awsproto.Op(s.UpdateRole),
			"UpdateRoleDescription":  awsproto.Op(s.UpdateRoleDescription),
			"UpdateAssumeRolePolicy": awsproto.Op(s.UpdateAssumeRolePolicy),
			"DeleteRole":             awsproto.Op(s.DeleteRole),
			"TagRole":                awsproto.Op(s.TagRole),
			"UntagRole":              awsproto.Op(s.UntagRole),
			"ListRoleTags":           awsproto.Op(s.ListRoleTags),

			"PutRolePolicy":    awsproto.Op(s.PutRolePolicy),
			"GetRolePolicy":    awsproto.Op(s.GetRolePolicy),
			"ListRolePolicies": awsproto.Op(s.ListRolePolicies),
			"DeleteRolePolicy": awsproto.Op(s.DeleteRolePolicy),

			"CreateOpenIDConnectProvider":             awsproto.Op(s.CreateOpenIDConnectProvider),
			"GetOpenIDConnectProvider":                awsproto.Op(s.GetOpenIDConnectProvider),
			"ListOpenIDConnectProviders":              awsproto.Op(s.ListOpenIDConnectProviders),
			"DeleteOpenIDConnectProvider":             awsproto.Op(s.DeleteOpenIDConnectProvider),
			"AddClientIDToOpenIDConnectProvider":      awsproto.Op(s.AddClientIDToOpenIDConnectProvider),
			"RemoveClientIDFromOpenIDConnectProvider": awsproto.Op(s.RemoveClientIDFromOpenIDConnectProvider),
			"UpdateOpenIDConnectProviderThumbprint":   awsproto.Op(s.UpdateOpenIDConnectProviderThumbprint),
			"TagOpenIDConnectProvider":                awsproto.Op(s.TagOpenIDConnectProvider),
			"UntagOpenIDConnectProvider":              awsproto.Op(s.UntagOpenIDConnectProvider),
			"ListOpenIDConnectProviderTags":           awsproto.Op(s.ListOpenIDConnectProviderTags),
		},
	}, nil
}

// IAM error codes (the model's wire codes; the query layer adds their
// HTTP statuses).
const (
	codeNoSuchEntity        = "NoSuchEntity"
	codeEntityAlreadyExists = "EntityAlreadyExists"
	codeDeleteConflict      = "DeleteConflict"
	codeMalformedPolicy     = "MalformedPolicyDocument"
	codeInvalidInput        = "InvalidInput"
	codeLimitExceeded       = "LimitExceeded"
	codeValidation          = "ValidationError"
)

// noSuchRole is IAM's answer for a missing role.
func noSuchRole(name string) error {
	return awsproto.Errorf(codeNoSuchEntity, "The role with name %s cannot be found.", name)
}

// storeError passes a not-found on as notFound and anything else on as an
// internal error.
func storeError(err error, notFound func() error) error {
	if errors.Is(err, storage.ErrNotFound) && notFound != nil {
		return notFound()
	}
	return err
}

// page reads a Marker/MaxItems pair (IAM's default page is 100 items).
func page(marker string, maxItems *int) storage.Page {
	n := 100
	if maxItems != nil {
		n = *maxItems
	}
	return storage.Page{Token: marker, Limit: n}
}

// badMarker is IAM's answer for a Marker it did not issue.
func badMarker(err error) error {
	if errors.Is(err, storage.ErrBadPageToken) {
		return awsproto.Errorf(codeValidation, "Invalid Marker.")
	}
	return err
}
