package userpool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Aliases. An email address or phone number that is an alias
// (AliasAttributes) signs a user in only once it is verified and the user
// is confirmed, and it can be verified in one account only. When another
// account holds it, confirming, verifying or an admin's update answers
// AliasExistsException; ForceAliasCreation (ConfirmSignUp,
// AdminCreateUser) moves the alias instead: the other account keeps the
// value, unverified, and can no longer sign in with it.

// claimAliases makes the lookups u will have when saved (computed as if
// it were saved now) free for u, through tx. A lookup another user holds
// is the error Cognito gives for it, unless force is set and it is an
// email or phone alias: then it moves, the other user keeping the value
// unverified (and saved in tx without the lookup). Callers that use up a
// code run it first in the same transaction, so a refused confirmation
// leaves the code for a retry with ForceAliasCreation. It returns the
// pool in force (inForce), for the caller's saveInForce.
func (s *Service) claimAliases(ctx context.Context, tx storage.Stores, p *pool, u *storage.User, force bool) (*pool, error) {
	p, err := s.inForce(ctx, tx, p) // the keys saveUser will give
	if err != nil {
		return nil, err
	}
	for _, l := range p.lookupsFor(u) {
		other, err := tx.Users().GetByLookup(ctx, p.rec.ID, l.Kind, l.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if other.Sub == u.Sub {
			continue
		}
		if dropped, err := dropStaleKey(ctx, tx, p, &other, l); dropped || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		if !force || !movableAlias(p, l.Kind) {
			return nil, lookupConflict(p, l.Kind)
		}
		other.Attributes[l.Kind+"_verified"] = "false"
		other.UpdatedAt = s.now()
		if err := s.saveInForce(ctx, tx, p, &other, false); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// movableAlias reports whether ForceAliasCreation may move a lookup of
// kind: an email or phone alias (never a username or a UsernameAttributes
// value, which are the user's identity, nor preferred_username).
func movableAlias(p *pool, kind string) bool {
	return (kind == storage.LookupEmail || kind == storage.LookupPhoneNumber) &&
		p.aliasAttribute(kind) && !p.usernameAttribute(kind)
}

// asAliasExists words a lookup conflict met while changing an existing
// user's attributes as AliasExistsException, the only one those
// operations declare (a UsernameAttributes value taken by another user
// included).
func asAliasExists(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Kind == UsernameExists {
		return &Error{Kind: AliasExists, Message: e.Message}
	}
	return err
}
