package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// DefaultMaxSessionDuration is a role's MaxSessionDuration unless set, in
// seconds.
const DefaultMaxSessionDuration = 3600

// CreateRoleInput is CreateRole's input.
type CreateRoleInput struct {
	Path                     string
	RoleName                 string
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       *int
	PermissionsBoundary      string
	Tags                     []Tag
}

// RoleOutput is the result of CreateRole, GetRole, UpdateRoleDescription.
type RoleOutput struct {
	Role Role
}

// RoleNameInput names a role.
type RoleNameInput struct {
	RoleName string
}

// CreateRole creates a role with a trust policy.
func (s *Service) CreateRole(ctx context.Context, in *CreateRoleInput) (*RoleOutput, error) {
	if _, err := parseTrust(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	if in.PermissionsBoundary != "" {
		return nil, noBoundary(in.PermissionsBoundary)
	}
	if err := checkTags(in.Tags, nil); err != nil {
		return nil, err
	}
	now := s.now()
	r := storage.Role{
		ID:                 "AROA" + secret.RandomString(17, secret.UpperAlnum),
		Name:               in.RoleName,
		Path:               in.Path,
		AssumeRolePolicy:   in.AssumeRolePolicyDocument,
		Description:        in.Description,
		MaxSessionDuration: DefaultMaxSessionDuration,
		Tags:               fromTags(in.Tags),
		CreatedAt:          now,
		UpdatedAt:          now,
	}
	if r.Path == "" {
		r.Path = "/"
	}
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = *in.MaxSessionDuration
	}
	if err := s.store.Roles().Create(ctx, r); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, awsproto.Errorf(codeEntityAlreadyExists, "Role with name %s already exists.", in.RoleName)
		}
		return nil, err
	}
	return &RoleOutput{Role: s.wireRole(r, true)}, nil
}

// GetRole returns a role with its trust policy and tags.
func (s *Service) GetRole(ctx context.Context, in *RoleNameInput) (*RoleOutput, error) {
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	return &RoleOutput{Role: s.wireRole(r, true)}, nil
}

// ListRolesInput is ListRoles' input.
type ListRolesInput struct {
	PathPrefix string
	Marker     string
	MaxItems   *int
}

// ListRolesOutput is ListRoles' result.
type ListRolesOutput struct {
	Roles       []Role `xml:"Roles>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// ListRoles lists roles by name. As in IAM, listed roles carry no tags,
// permissions boundary or last use.
func (s *Service) ListRoles(ctx context.Context, in *ListRolesInput) (*ListRolesOutput, error) {
	pg := page(in.Marker, in.MaxItems)
	roles, next, err := s.store.Roles().List(ctx, in.PathPrefix, pg)
	if err != nil {
		return nil, badMarker(err)
	}
	out := &ListRolesOutput{Roles: make([]Role, len(roles)), IsTruncated: next != "", Marker: next}
	for i, r := range roles {
		out.Roles[i] = s.wireRole(r, false)
	}
	return out, nil
}

// UpdateRoleInput is UpdateRole's input.
type UpdateRoleInput struct {
	RoleName           string
	Description        *string
	MaxSessionDuration *int
}

// UpdateRole changes a role's description and maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, in *UpdateRoleInput) (*struct{}, error) {
	err := s.updateRole(ctx, in.RoleName, func(r *storage.Role) error {
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		return nil
	})
	return &struct{}{}, err
}

// UpdateRoleDescriptionInput is UpdateRoleDescription's input.
type UpdateRoleDescriptionInput struct {
	RoleName    string
	Description string
}

// UpdateRoleDescription changes a role's description and returns the role.
func (s *Service) UpdateRoleDescription(ctx context.Context, in *UpdateRoleDescriptionInput) (*RoleOutput, error) {
	var out storage.Role
	err := s.updateRole(ctx, in.RoleName, func(r *storage.Role) error {
		r.Description = in.Description
		out = *r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RoleOutput{Role: s.wireRole(out, true)}, nil
}

// UpdateAssumeRolePolicyInput is UpdateAssumeRolePolicy's input.
type UpdateAssumeRolePolicyInput struct {
	RoleName       string
	PolicyDocument string
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, in *UpdateAssumeRolePolicyInput) (*struct{}, error) {
	if _, err := s.role(ctx, in.RoleName); err != nil {
		return nil, err // IAM reports a missing role before a bad policy
	}
	if _, err := parseTrust(in.PolicyDocument); err != nil {
		return nil, err
	}
	return nil, s.updateRole(ctx, in.RoleName, func(r *storage.Role) error {
		r.AssumeRolePolicy = in.PolicyDocument
		return nil
	})
}

// DeleteRole deletes a role that has no inline policies left.
func (s *Service) DeleteRole(ctx context.Context, in *RoleNameInput) (*struct{}, error) {
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	err = s.store.Roles().Delete(ctx, r.ID)
	switch {
	case errors.Is(err, storage.ErrConflict):
		return nil, awsproto.Errorf(codeDeleteConflict, "Cannot delete entity, must delete policies first.")
	case err != nil:
		return nil, storeError(err, func() error { return noSuchRole(in.RoleName) })
	}
	return nil, nil
}

// role loads a role by name; NoSuchEntity if there is none.
func (s *Service) role(ctx context.Context, name string) (storage.Role, error) {
	r, err := s.store.Roles().Get(ctx, name)
	if err != nil {
		return storage.Role{}, storeError(err, func() error { return noSuchRole(name) })
	}
	return r, nil
}

// updateRole runs a read-modify-write of a role in one transaction.
func (s *Service) updateRole(ctx context.Context, name string, change func(r *storage.Role) error) error {
	return s.store.InTx(ctx, func(tx storage.Stores) error {
		r, err := tx.Roles().Get(ctx, name)
		if err != nil {
			return storeError(err, func() error { return noSuchRole(name) })
		}
		if err := change(&r); err != nil {
			return err
		}
		r.UpdatedAt = s.now()
		return storeError(tx.Roles().Update(ctx, r), func() error { return noSuchRole(name) })
	})
}

// wireRole is a role as IAM returns it; full adds what ListRoles leaves
// out (tags, last use).
func (s *Service) wireRole(r storage.Role, full bool) Role {
	out := Role{
		Path:                     r.Path,
		RoleName:                 r.Name,
		RoleId:                   r.ID,
		Arn:                      RoleARN(s.account, r.Path, r.Name),
		CreateDate:               wireTime(r.CreatedAt),
		AssumeRolePolicyDocument: encodePolicy(r.AssumeRolePolicy),
		Description:              r.Description,
		MaxSessionDuration:       r.MaxSessionDuration,
	}
	if full {
		out.Tags = toTags(r.Tags)
		out.RoleLastUsed = &struct{}{}
	}
	return out
}

// parseTrust validates a trust policy as CreateRole does.
func parseTrust(doc string) (*policy.Document, error) {
	d, err := policy.ParseTrustPolicy(doc)
	if err != nil {
		return nil, malformed(err)
	}
	return d, nil
}

// malformed turns a policy.Error into MalformedPolicyDocument.
func malformed(err error) error {
	var pe *policy.Error
	if errors.As(err, &pe) {
		return awsproto.Errorf(codeMalformedPolicy, "%s", pe.Message)
	}
	return err
}

// noBoundary refuses permissions boundaries: Cognate has no managed
// policies for one to name.
func noBoundary(arn string) error {
	return awsproto.Errorf(codeNoSuchEntity, "Scope ARN: %s does not exist or is not attachable.", arn)
}

// maxTags is IAM's quota of tags per role or provider.
const maxTags = 50

// checkTags refuses duplicate keys (IAM compares them case-insensitively)
// in add, and more than maxTags once add is merged into existing.
func checkTags(add []Tag, existing []storage.Tag) error {
	for i := range add {
		for j := range i {
			if strings.EqualFold(add[i].Key, add[j].Key) {
				return awsproto.Errorf(codeInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			}
		}
	}
	if n := len(mergeTags(existing, add)); n > maxTags {
		return awsproto.Errorf(codeLimitExceeded, "Cannot exceed quota for TagsPerRole: %d.", maxTags)
	}
	return nil
}

// mergeTags sets add's tags on existing: a tag whose key is there
// (case-insensitively) replaces it, others are appended.
func mergeTags(existing []storage.Tag, add []Tag) []storage.Tag {
	out := append([]storage.Tag(nil), existing...)
next:
	for _, t := range add {
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = storage.Tag(t)
				continue next
			}
		}
		out = append(out, storage.Tag(t))
	}
	return out
}

// removeTags drops the tags with the given keys (case-insensitively).
func removeTags(existing []storage.Tag, keys []string) []storage.Tag {
	var out []storage.Tag
	for _, t := range existing {
		keep := true
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	return out
}
