package iam

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/storage"
)

// PutRolePolicyInput is PutRolePolicy's input.
type PutRolePolicyInput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

// PutRolePolicy creates or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(ctx context.Context, in *PutRolePolicyInput) (*struct{}, error) {
	if _, err := policy.ParseIdentityPolicy(in.PolicyDocument); err != nil {
		return nil, malformed(err)
	}
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.store.Roles().PutPolicy(ctx, storage.RolePolicy{RoleID: r.ID, Name: in.PolicyName,
		Document: in.PolicyDocument, CreatedAt: now, UpdatedAt: now})
	return nil, storeError(err, func() error { return noSuchRole(in.RoleName) })
}

// RolePolicyInput names an inline policy.
type RolePolicyInput struct {
	RoleName   string
	PolicyName string
}

// GetRolePolicyOutput is GetRolePolicy's result.
type GetRolePolicyOutput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

// GetRolePolicy returns an inline policy, URL-encoded as IAM does.
func (s *Service) GetRolePolicy(ctx context.Context, in *RolePolicyInput) (*GetRolePolicyOutput, error) {
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	p, err := s.store.Roles().GetPolicy(ctx, r.ID, in.PolicyName)
	if err != nil {
		return nil, storeError(err, func() error { return noSuchPolicy(in.PolicyName) })
	}
	return &GetRolePolicyOutput{RoleName: r.Name, PolicyName: p.Name, PolicyDocument: encodePolicy(p.Document)}, nil
}

// ListRolePoliciesInput is ListRolePolicies' input.
type ListRolePoliciesInput struct {
	RoleName string
	Marker   string
	MaxItems *int
}

// ListRolePoliciesOutput is ListRolePolicies' result.
type ListRolePoliciesOutput struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// ListRolePolicies lists the names of a role's inline policies.
func (s *Service) ListRolePolicies(ctx context.Context, in *ListRolePoliciesInput) (*ListRolePoliciesOutput, error) {
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	pg := page(in.Marker, in.MaxItems)
	ps, next, err := s.store.Roles().ListPolicies(ctx, r.ID, pg)
	if err != nil {
		return nil, badMarker(err)
	}
	out := &ListRolePoliciesOutput{PolicyNames: make([]string, len(ps)), IsTruncated: next != "", Marker: next}
	for i, p := range ps {
		out.PolicyNames[i] = p.Name
	}
	return out, nil
}

// DeleteRolePolicy deletes an inline policy.
func (s *Service) DeleteRolePolicy(ctx context.Context, in *RolePolicyInput) (*struct{}, error) {
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	err = s.store.Roles().DeletePolicy(ctx, r.ID, in.PolicyName)
	return nil, storeError(err, func() error { return noSuchPolicy(in.PolicyName) })
}

func noSuchPolicy(name string) error {
	return awsproto.Errorf(codeNoSuchEntity, "The role policy with name %s cannot be found.", name)
}

// ErrNoSuchRole reports a role ARN that names no role of this account.
var ErrNoSuchRole = errors.New("iam: no such role")

// RoleByARN loads the role an ARN names: the account must be this one and
// the path and name must match the role's (the name case-insensitively, as
// IAM compares names). It fails with ErrNoSuchRole otherwise.
func (s *Service) RoleByARN(ctx context.Context, arn string) (storage.Role, error) {
	account, path, name, ok := ParseRoleARN(arn)
	if !ok || account != s.account {
		return storage.Role{}, ErrNoSuchRole
	}
	r, err := s.store.Roles().Get(ctx, name)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && r.Path != path) {
		return storage.Role{}, ErrNoSuchRole
	}
	return r, err
}

// Role loads a role by name (case-insensitively); storage.ErrNotFound if
// there is none.
func (s *Service) Role(ctx context.Context, name string) (storage.Role, error) {
	return s.store.Roles().Get(ctx, name)
}

// PolicyDocuments returns the parsed inline policies of the role with the
// given id, for evaluation. Parsed documents are cached by their text, so
// a hot role costs one storage read and no parsing.
func (s *Service) PolicyDocuments(ctx context.Context, roleID string) ([]*policy.Document, error) {
	ps, err := s.store.Roles().Policies(ctx, roleID)
	if err != nil {
		return nil, err
	}
	docs := make([]*policy.Document, 0, len(ps))
	for _, p := range ps {
		d, err := s.docs.parse(p.Document, policy.Parse)
		if err != nil {
			return nil, err // validated on write: only a corrupt store gets here
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// TrustPolicy returns a role's parsed trust policy (cached like
// PolicyDocuments).
func (s *Service) TrustPolicy(r storage.Role) (*policy.Document, error) {
	return s.docs.parse(r.AssumeRolePolicy, policy.Parse)
}
