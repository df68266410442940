package identitypool

import (
	"context"
	"errors"
	"sort"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/storage"
)

// RequestAuthorizer answers CognateAdmin.AuthorizeRequest: it verifies a
// SigV4 signature made with vended credentials, evaluates the role's
// policies and names the identity and user (the STS/IAM service
// implements it).
type RequestAuthorizer interface {
	AuthorizeRequest(ctx context.Context, in *ca.AuthorizeRequestInput) (*ca.AuthorizeRequestResponse, error)
}

// AuthorizeRequest delegates to the configured RequestAuthorizer.
func (s *Service) AuthorizeRequest(ctx context.Context, in *ca.AuthorizeRequestInput) (*ca.AuthorizeRequestResponse, error) {
	if s.authz == nil {
		return nil, errorf(InvalidParameter, "AuthorizeRequest is not available: this server has no credential verifier configured.")
	}
	return s.authz.AuthorizeRequest(ctx, in)
}

// DescribeIdentityOwner returns an identity's logins and the user-pool
// users behind them. A user who was deleted stays listed with Deleted set
// and no username: their login remains on the identity (so the identity
// keeps its history) but can no longer be used.
func (s *Service) DescribeIdentityOwner(ctx context.Context, in *ca.DescribeIdentityOwnerInput) (*ca.DescribeIdentityOwnerResponse, error) {
	id, err := s.getIdentity(ctx, in.IdentityId)
	if err != nil {
		return nil, err
	}
	logins, err := s.store.Identities().Logins(ctx, id.ID)
	if err != nil {
		return nil, err
	}
	out := &ca.DescribeIdentityOwnerResponse{
		IdentityId: id.ID, IdentityPoolId: id.PoolID, MergedInto: id.MergedInto,
		Logins: providerNames(logins), Users: []ca.UserReference{},
		CreationDate: awstime.New(id.CreatedAt), LastModifiedDate: awstime.New(id.UpdatedAt),
	}
	for _, l := range logins {
		up, ok := s.userPoolProvider(l.Provider)
		if !ok {
			continue
		}
		ref := ca.UserReference{UserPoolId: up.poolID, Sub: l.Subject, ProviderName: l.Provider}
		if l.UserSub == "" {
			ref.Deleted = ptr(true)
		} else {
			u, err := s.store.Users().GetBySub(ctx, l.UserPoolID, l.UserSub)
			switch {
			case errors.Is(err, storage.ErrNotFound):
				ref.Deleted = ptr(true)
			case err != nil:
				return nil, err
			default:
				ref.Username = u.Username
			}
		}
		out.Users = append(out.Users, ref)
	}
	return out, nil
}

// ListUserIdentities lists the identities, in every identity pool of the
// signed region, that a user's logins resolve to. The user is named by
// username, alias or sub; the user pool may be of any region, as identity
// pools may name user pools of other regions.
func (s *Service) ListUserIdentities(ctx context.Context, in *ca.ListUserIdentitiesInput) (*ca.ListUserIdentitiesResponse, error) {
	u, err := s.users.LookupUser(ctx, in.UserPoolId, in.Username)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(ResourceNotFound, "User does not exist.")
	}
	if err != nil {
		return nil, err
	}
	logins, err := s.store.Identities().LoginsOfUser(ctx, in.UserPoolId, u.Sub)
	if err != nil {
		return nil, err
	}
	out := &ca.ListUserIdentitiesResponse{
		UserPoolId: in.UserPoolId, Username: u.Username, Sub: u.Sub, Identities: []ca.IdentitySummary{},
	}
	seen := map[string]bool{}
	for _, l := range logins {
		if seen[l.IdentityID] || !inRegion(ctx, idRegion(l.IdentityID)) {
			continue
		}
		seen[l.IdentityID] = true
		id, err := s.store.Identities().Get(ctx, l.IdentityID)
		if errors.Is(err, storage.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out.Identities = append(out.Identities, ca.IdentitySummary{
			IdentityId: id.ID, IdentityPoolId: id.PoolID,
			CreationDate: awstime.New(id.CreatedAt), LastModifiedDate: awstime.New(id.UpdatedAt),
		})
	}
	return out, nil
}

// providerNames lists the distinct providers of logins, sorted.
func providerNames(logins []storage.IdentityLogin) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, l := range logins {
		if !seen[l.Provider] {
			seen[l.Provider] = true
			out = append(out, l.Provider)
		}
	}
	sort.Strings(out)
	return out
}
