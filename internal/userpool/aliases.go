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

// aliasConflict reports the first of u's lookups (computed as if u were
// saved now) that another user holds, as the error Cognito gives for it;
// nil when there is none. Callers check before consuming a code, so a
// refused confirmation can be retried with ForceAliasCreation.
func (s *Service) aliasConflict(ctx context.Context, p *pool, u *storage.User, force bool) error {
	for _, l := range p.lookupsFor(u) {
		other, err := s.store.Users().GetByLookup(ctx, p.rec.ID, l.Kind, l.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if other.Sub != u.Sub && !(force && movableAlias(p, l.Kind)) {
			return lookupConflict(p, l.Kind)
		}
	}
	return nil
}

// movableAlias reports whether ForceAliasCreation may move a lookup of
// kind: an email or phone alias (never a username or a UsernameAttributes
// value, which are the user's identity, nor preferred_username).
func movableAlias(p *pool, kind string) bool {
	return (kind == storage.LookupEmail || kind == storage.LookupPhoneNumber) &&
		p.aliasAttribute(kind) && !p.usernameAttribute(kind)
}

// saveUserMovingAliases saves u like saveUser; with force, email and phone
// aliases that other users hold move to u (their attribute becomes
// unverified), in one transaction.
func (s *Service) saveUserMovingAliases(ctx context.Context, p *pool, u *storage.User, create, force bool) error {
	if !force {
		return s.saveUser(ctx, s.store, p, u, create)
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx storage.Stores) error {
		for _, l := range p.lookupsFor(u) {
			if !movableAlias(p, l.Kind) {
				continue
			}
			other, err := tx.Users().GetByLookup(ctx, p.rec.ID, l.Kind, l.Key)
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if other.Sub == u.Sub {
				continue
			}
			other.Attributes[l.Kind+"_verified"] = "false"
			other.UpdatedAt = now
			if err := s.saveUser(ctx, tx, p, &other, false); err != nil {
				return err
			}
		}
		return s.saveUser(ctx, tx, p, u, create)
	})
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
