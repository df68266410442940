package identitypool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
	"github.com/cognate-dev/cognate/internal/storage"
)

// GetId returns the identity of the given logins, creating it (and
// linking them) if they have none; without logins, a new guest identity
// if the pool allows guests.
func (s *Service) GetId(ctx context.Context, in *ci.GetIdInput) (*ci.GetIdResponse, error) {
	if in.AccountId != "" && in.AccountId != s.accountID {
		return nil, errorf(NotAuthorized, "The AccountId does not own identity pool %s.", in.IdentityPoolId)
	}
	p, err := s.loadPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	ls, err := s.verifyLogins(ctx, p, in.Logins, false)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.kind == kindCognito {
			// Cognito's own tokens open an identity; they do not name one.
			return nil, errorf(NotAuthorized, msgUnsupported)
		}
	}
	res, err := s.resolve(ctx, p, "", ls, false)
	if err != nil {
		return nil, err
	}
	s.writeBack(ctx, res)
	return &ci.GetIdResponse{IdentityId: res.identity.ID}, nil
}

// getIdentity loads an identity for a signed request, which finds only
// identities of its region (region.go).
func (s *Service) getIdentity(ctx context.Context, idID string) (storage.Identity, error) {
	id, err := s.store.Identities().Get(ctx, idID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !inRegion(ctx, idRegion(id.ID))) {
		return storage.Identity{}, identityNotFound(idID)
	}
	return id, err
}

// describeIdentity renders an identity with its logins' provider names.
func describeIdentity(id storage.Identity, logins []storage.IdentityLogin) ci.IdentityDescription {
	return ci.IdentityDescription{
		IdentityId: id.ID, Logins: providerNames(logins),
		CreationDate: awstime.New(id.CreatedAt), LastModifiedDate: awstime.New(id.UpdatedAt),
	}
}

// DescribeIdentity returns an identity's dates and login providers.
func (s *Service) DescribeIdentity(ctx context.Context, in *ci.DescribeIdentityInput) (*ci.IdentityDescription, error) {
	id, err := s.getIdentity(ctx, in.IdentityId)
	if err != nil {
		return nil, err
	}
	logins, err := s.store.Identities().Logins(ctx, id.ID)
	if err != nil {
		return nil, err
	}
	out := describeIdentity(id, logins)
	return &out, nil
}

// ListIdentities lists a pool's identities; HideDisabled leaves out
// identities merged into others.
func (s *Service) ListIdentities(ctx context.Context, in *ci.ListIdentitiesInput) (*ci.ListIdentitiesResponse, error) {
	if _, err := s.loadPool(ctx, s.store, in.IdentityPoolId); err != nil {
		return nil, err
	}
	limit := 60
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	ids, next, err := s.store.Identities().List(ctx, in.IdentityPoolId, storage.Page{Token: in.NextToken, Limit: limit})
	if err != nil {
		return nil, pageError(err)
	}
	out := &ci.ListIdentitiesResponse{IdentityPoolId: in.IdentityPoolId, Identities: []ci.IdentityDescription{}, NextToken: next}
	for _, id := range ids {
		if boolv(in.HideDisabled) && id.MergedInto != "" {
			continue
		}
		logins, err := s.store.Identities().Logins(ctx, id.ID)
		if err != nil {
			return nil, err
		}
		out.Identities = append(out.Identities, describeIdentity(id, logins))
	}
	return out, nil
}

// DeleteIdentities deletes identities with their logins. Each deletion is
// audited with the users it linked, and the users' write-back attribute
// is cleared when it named the identity. Identities that do not exist
// (in the signed region) are skipped, as AWS does.
func (s *Service) DeleteIdentities(ctx context.Context, in *ci.DeleteIdentitiesInput) (*ci.DeleteIdentitiesResponse, error) {
	out := &ci.DeleteIdentitiesResponse{UnprocessedIdentityIds: []ci.UnprocessedIdentityId{}}
	for _, idID := range in.IdentityIdsToDelete {
		if err := s.deleteIdentity(ctx, idID); err != nil {
			s.log.Error("identitypool: delete identity", "identity", idID, "err", err)
			out.UnprocessedIdentityIds = append(out.UnprocessedIdentityIds,
				ci.UnprocessedIdentityId{IdentityId: idID, ErrorCode: ci.ErrorCodeInternalServerError})
		}
	}
	return out, nil
}

func (s *Service) deleteIdentity(ctx context.Context, idID string) error {
	var logins []storage.IdentityLogin
	var pool *ipool
	var events []storage.AuditEvent
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		events = events[:0]
		id, err := tx.Identities().Get(ctx, idID)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && !inRegion(ctx, idRegion(id.ID))) {
			logins = nil
			return nil
		}
		if err != nil {
			return err
		}
		if pool, err = s.loadPool(ctx, tx, id.PoolID); err != nil {
			return err
		}
		if logins, err = tx.Identities().Logins(ctx, id.ID); err != nil {
			return err
		}
		users := 0
		for _, l := range logins {
			if l.UserSub == "" {
				continue
			}
			users++
			events = append(events, s.userEvent(ctx, tx, EventIdentityDeleted, id, l))
		}
		if users == 0 {
			e := s.newEvent(EventIdentityDeleted)
			e.IdentityID, e.IdentityPoolID = id.ID, id.PoolID
			events = append(events, e)
		}
		for _, e := range events {
			if err := tx.Audit().Record(ctx, e); err != nil {
				return err
			}
		}
		return tx.Identities().Delete(ctx, id.ID)
	})
	if err != nil || pool == nil {
		return err
	}
	s.clearWriteBack(ctx, pool, idID, logins)
	return nil
}

// userEvent returns an event about identity id naming the user of a
// user-pool login (with the username as it is now).
func (s *Service) userEvent(ctx context.Context, st storage.Stores, typ string, id storage.Identity, l storage.IdentityLogin) storage.AuditEvent {
	e := s.newEvent(typ)
	e.IdentityID, e.IdentityPoolID = id.ID, id.PoolID
	e.UserPoolID, e.UserSub = l.UserPoolID, l.UserSub
	e.Details = map[string]string{"Provider": l.Provider}
	if u, err := st.Users().GetBySub(ctx, l.UserPoolID, l.UserSub); err == nil {
		e.Username = u.Username
	}
	return e
}

// UnlinkIdentity removes logins from an identity. The caller proves the
// identity with valid tokens (Logins) for at least one of its logins;
// LoginsToRemove names providers linked to it. An identity left without
// logins becomes inaccessible, as AWS documents.
func (s *Service) UnlinkIdentity(ctx context.Context, in *ci.UnlinkIdentityInput) (*struct{}, error) {
	if len(in.Logins) == 0 {
		return nil, errorf(NotAuthorized, msgLoginsMismatch)
	}
	res, err := s.open(ctx, in.IdentityId, in.Logins)
	if err != nil {
		return nil, err
	}
	if res.identity.ID != in.IdentityId {
		return nil, forbidden(in.IdentityId) // a merged identity has nothing to unlink
	}
	remove := map[string]bool{}
	for _, name := range in.LoginsToRemove {
		if up, ok := s.userPoolProvider(name); ok {
			name = up.provider
		}
		remove[name] = true
	}
	var removed []storage.IdentityLogin
	err = s.store.InTx(ctx, func(tx storage.Stores) error {
		removed = removed[:0]
		logins, err := tx.Identities().Logins(ctx, res.identity.ID)
		if err != nil {
			return err
		}
		found := map[string]bool{}
		for _, l := range logins {
			if !remove[l.Provider] {
				continue
			}
			found[l.Provider] = true
			if err := tx.Identities().RemoveLogin(ctx, l.IdentityPoolID, l.Provider, l.Subject); err != nil {
				return err
			}
			removed = append(removed, l)
			e := s.userEvent(ctx, tx, EventLoginUnlinked, res.identity, l)
			if l.UserSub == "" {
				e.UserPoolID, e.UserSub = "", ""
			}
			if err := tx.Audit().Record(ctx, e); err != nil {
				return err
			}
		}
		for name := range remove {
			if !found[name] {
				return errorf(InvalidParameter, "The login %s is not linked to identity %s.", name, res.identity.ID)
			}
		}
		id := res.identity
		id.UpdatedAt = s.now()
		return tx.Identities().Update(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	s.clearWriteBack(ctx, res.pool, res.identity.ID, removed)
	return &struct{}{}, nil
}
