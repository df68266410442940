package userpool

import (
	"context"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/storage"
)

// This file is what the identity-pool side (internal/identitypool) asks of
// user pools: finding a user by what an administrator calls them, and
// setting an attribute the server maintains.

// LookupUser resolves a username, alias (email, phone number,
// preferred_username, as the pool allows) or sub in a pool. It fails with
// an error wrapping storage.ErrNotFound when the pool or the user does not
// exist.
func (s *Service) LookupUser(ctx context.Context, poolID, name string) (storage.User, error) {
	p, err := s.loadPool(ctx, poolID)
	var perr *Error
	if errors.As(err, &perr) {
		return storage.User{}, fmt.Errorf("userpool: pool %s: %w", poolID, storage.ErrNotFound)
	}
	if err != nil {
		return storage.User{}, err
	}
	u, err := s.findUser(ctx, p, name)
	if err != nil {
		return storage.User{}, err
	}
	if u == nil {
		return storage.User{}, fmt.Errorf("userpool: user of %s: %w", poolID, storage.ErrNotFound)
	}
	return *u, nil
}

// UpdateSystemAttribute sets attribute name of the user (pool, sub) to
// update(current value) on the server's own behalf: no app client's
// WriteAttributes apply, and an empty result removes the attribute. It
// reports defined = false, changing nothing, when the pool's schema does
// not define the attribute. update may run more than once and must not
// have side effects. A user that does not exist is an error wrapping
// storage.ErrNotFound.
func (s *Service) UpdateSystemAttribute(ctx context.Context, poolID, sub, name string, update func(old string) string) (defined bool, err error) {
	p, err := s.loadPool(ctx, poolID)
	var perr *Error
	if errors.As(err, &perr) {
		return false, fmt.Errorf("userpool: pool %s: %w", poolID, storage.ErrNotFound)
	}
	if err != nil {
		return false, err
	}
	def, ok := p.schemaAttribute(name)
	if !ok {
		return false, nil
	}
	err = s.userTx(ctx, func(tx storage.Stores) error {
		u, err := tx.Users().GetBySub(ctx, poolID, sub)
		if err != nil {
			return err
		}
		old := u.Attributes[name]
		v := update(old)
		if v == old {
			return nil
		}
		if v != "" {
			if err := checkValue(def, v); err != nil {
				return err
			}
			u.Attributes[name] = v
		} else {
			delete(u.Attributes, name)
		}
		u.UpdatedAt = s.now()
		return putUser(ctx, tx, &u)
	})
	return true, err
}

// ForgetPool drops this node's cached copy of a pool, so that the next
// request reloads its settings and read-only attributes.
func (s *Service) ForgetPool(poolID string) { s.cache.forgetPool(poolID) }
