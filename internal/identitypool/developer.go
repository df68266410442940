package identitypool

import (
	"context"
	"encoding/base64"
	"errors"
	"sort"
	"strings"
	"time"

	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Developer-authenticated identities: the pool's DeveloperProviderName is
// a provider whose "tokens" are user identifiers from the developer's own
// backend, trusted because these operations are signed by an
// administrator. The client then uses the returned OpenID token as the
// login "cognito-identity.amazonaws.com" (GetCredentialsForIdentity) or
// with STS directly.

// developerPool loads a pool and checks it has the named developer
// provider.
func (s *Service) developerPool(ctx context.Context, poolID, provider string) (*ipool, error) {
	p, err := s.loadPool(ctx, s.store, poolID)
	if err != nil {
		return nil, err
	}
	if p.cfg.DeveloperProviderName == "" {
		return nil, errorf(InvalidParameter, "Identity pool %s has no developer provider.", poolID)
	}
	if provider != "" && provider != p.cfg.DeveloperProviderName {
		return nil, errorf(InvalidParameter, "The developer provider name %s does not match the identity pool's.", provider)
	}
	return p, nil
}

// GetOpenIdTokenForDeveloperIdentity registers (or finds) the identity of
// a developer user identifier, links the other logins given, and returns
// an OpenID token for it, valid for TokenDuration (15 minutes by default).
func (s *Service) GetOpenIdTokenForDeveloperIdentity(ctx context.Context, in *ci.GetOpenIdTokenForDeveloperIdentityInput) (*ci.GetOpenIdTokenForDeveloperIdentityResponse, error) {
	p, err := s.developerPool(ctx, in.IdentityPoolId, "")
	if err != nil {
		return nil, err
	}
	ls, err := s.verifyLogins(ctx, p, in.Logins, true)
	if err != nil {
		return nil, err
	}
	dev := 0
	for _, l := range ls {
		switch l.kind {
		case kindDeveloper:
			dev++
		case kindCognito:
			return nil, errorf(InvalidParameter, "Logins cannot contain %s.", cognitoProvider)
		}
	}
	if dev != 1 {
		return nil, errorf(InvalidParameter, "Logins must contain the developer provider %s.", p.cfg.DeveloperProviderName)
	}
	if in.IdentityId != "" {
		if _, err := s.store.Identities().Get(ctx, in.IdentityId); errors.Is(err, storage.ErrNotFound) {
			return nil, identityNotFound(in.IdentityId)
		}
	}
	res, err := s.resolve(ctx, p, in.IdentityId, ls, true)
	if err != nil {
		return nil, err
	}
	ttl := developerTTL
	if in.TokenDuration != nil {
		ttl = time.Duration(*in.TokenDuration) * time.Second
	}
	tags := res.principalTags()
	for k, v := range in.PrincipalTags {
		if tags == nil {
			tags = map[string]string{}
		}
		tags[k] = v
	}
	// The developer vouches for the identity: the token is its own origin.
	tok, err := s.signOpenID(ctx, res.identity, res.amr(), tags, ttl, tokenOrigin{})
	if err != nil {
		return nil, err
	}
	s.record(ctx, res.event(EventOpenIDToken, "", map[string]string{"Source": "GetOpenIdTokenForDeveloperIdentity"}))
	s.writeBack(ctx, res)
	return &ci.GetOpenIdTokenForDeveloperIdentityResponse{IdentityId: res.identity.ID, Token: tok}, nil
}

// LookupDeveloperIdentity finds the identity of a developer user
// identifier, or the identifiers of an identity (sorted, MaxResults at a
// time with NextToken); given both, they must match
// (ResourceConflictException otherwise).
func (s *Service) LookupDeveloperIdentity(ctx context.Context, in *ci.LookupDeveloperIdentityInput) (*ci.LookupDeveloperIdentityResponse, error) {
	p, err := s.developerPool(ctx, in.IdentityPoolId, "")
	if err != nil {
		return nil, err
	}
	if in.IdentityId == "" && in.DeveloperUserIdentifier == "" {
		return nil, errorf(InvalidParameter, "Either IdentityId or DeveloperUserIdentifier must be specified.")
	}
	idID := in.IdentityId
	if in.DeveloperUserIdentifier != "" {
		row, err := s.store.Identities().FindLogin(ctx, p.rec.ID, p.cfg.DeveloperProviderName, in.DeveloperUserIdentifier)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, errorf(ResourceNotFound, "Developer user identifier %s is not registered.", in.DeveloperUserIdentifier)
		}
		if err != nil {
			return nil, err
		}
		if idID != "" && idID != row.IdentityID {
			return nil, errorf(ResourceConflict, "The developer user identifier is not linked to identity %s.", idID)
		}
		idID = row.IdentityID
	}
	id, err := s.store.Identities().Get(ctx, idID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && id.PoolID != p.rec.ID) {
		return nil, identityNotFound(idID)
	}
	if err != nil {
		return nil, err
	}
	logins, err := s.store.Identities().Logins(ctx, id.ID)
	if err != nil {
		return nil, err
	}
	var users []string
	for _, l := range logins {
		if l.Provider == p.cfg.DeveloperProviderName {
			users = append(users, l.Subject)
		}
	}
	sort.Strings(users)
	limit := 60
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	page, next, err := identifierPage(id.ID, users, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	return &ci.LookupDeveloperIdentityResponse{IdentityId: id.ID, DeveloperUserIdentifierList: page, NextToken: next}, nil
}

// identifierPage returns up to limit of an identity's sorted developer
// user identifiers after the one token names, and the token of the next
// page ("" when there is none). A token names the identity and the last
// identifier returned, so it is good only for that identity.
func identifierPage(identityID string, users []string, token string, limit int) ([]string, string, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		id, last, ok := strings.Cut(string(raw), "\x00")
		if err != nil || !ok || id != identityID {
			return nil, "", errorf(InvalidParameter, "Invalid pagination token.")
		}
		start = sort.SearchStrings(users, last)
		if start < len(users) && users[start] == last {
			start++
		}
	}
	end := min(start+limit, len(users))
	page := append([]string{}, users[start:end]...)
	if end == len(users) {
		return page, "", nil
	}
	return page, base64.RawURLEncoding.EncodeToString([]byte(identityID + "\x00" + users[end-1])), nil
}

// MergeDeveloperIdentities merges the identity of SourceUserIdentifier
// into that of DestinationUserIdentifier.
func (s *Service) MergeDeveloperIdentities(ctx context.Context, in *ci.MergeDeveloperIdentitiesInput) (*ci.MergeDeveloperIdentitiesResponse, error) {
	p, err := s.developerPool(ctx, in.IdentityPoolId, in.DeveloperProviderName)
	if err != nil {
		return nil, err
	}
	var out string
	err = s.store.InTx(ctx, func(tx storage.Stores) error {
		ids := tx.Identities()
		src, err := ids.FindLogin(ctx, p.rec.ID, p.cfg.DeveloperProviderName, in.SourceUserIdentifier)
		if errors.Is(err, storage.ErrNotFound) {
			return errorf(ResourceNotFound, "Source user identifier %s is not registered.", in.SourceUserIdentifier)
		}
		if err != nil {
			return err
		}
		dst, err := ids.FindLogin(ctx, p.rec.ID, p.cfg.DeveloperProviderName, in.DestinationUserIdentifier)
		if errors.Is(err, storage.ErrNotFound) {
			return errorf(ResourceNotFound, "Destination user identifier %s is not registered.", in.DestinationUserIdentifier)
		}
		if err != nil {
			return err
		}
		out = dst.IdentityID
		if src.IdentityID == dst.IdentityID {
			return nil
		}
		from, err := ids.Get(ctx, src.IdentityID)
		if err != nil {
			return err
		}
		into, err := ids.Get(ctx, dst.IdentityID)
		if err != nil {
			return err
		}
		r := &resolution{svc: s, pool: p}
		events, err := s.merge(ctx, tx, r, from, &into, s.now())
		if err != nil {
			return err
		}
		for _, e := range events {
			if err := tx.Audit().Record(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ci.MergeDeveloperIdentitiesResponse{IdentityId: out}, nil
}

// UnlinkDeveloperIdentity removes a developer user identifier from an
// identity.
func (s *Service) UnlinkDeveloperIdentity(ctx context.Context, in *ci.UnlinkDeveloperIdentityInput) (*struct{}, error) {
	p, err := s.developerPool(ctx, in.IdentityPoolId, in.DeveloperProviderName)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx storage.Stores) error {
		row, err := tx.Identities().FindLogin(ctx, p.rec.ID, p.cfg.DeveloperProviderName, in.DeveloperUserIdentifier)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && row.IdentityID != in.IdentityId) {
			return errorf(ResourceNotFound, "Developer user identifier %s is not linked to identity %s.", in.DeveloperUserIdentifier, in.IdentityId)
		}
		if err != nil {
			return err
		}
		if err := tx.Identities().RemoveLogin(ctx, p.rec.ID, row.Provider, row.Subject); err != nil {
			return err
		}
		e := s.newEvent(EventLoginUnlinked)
		e.IdentityID, e.IdentityPoolID = row.IdentityID, p.rec.ID
		e.Details = map[string]string{"Provider": row.Provider}
		return tx.Audit().Record(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
