package userpool

import (
	"context"
	"errors"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// DeleteUser deletes the signed-in user, with their codes and refresh
// tokens (so every token they hold stops working), and unlinks their
// identities.
func (s *Service) DeleteUser(ctx context.Context, in *cip.DeleteUserRequest) (*Empty, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	err = s.removeUser(ctx, c.pool, c.user.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(UserNotFound, msgUserNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := s.clearLockout(ctx, c.user); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// removeUser deletes the user sub of pool p. In a pool copied from
// Cognito, while it migrates and after, it records the sub in the same
// transaction: the old pool still knows the user, and without the record
// the next password sign-in or ForgotPassword of that name would create
// them again, undoing the deletion, as would a later copy run, which turns
// the migration on again (migrateFromSource and CopyUser refuse a
// recorded sub). Whether the pool was copied is read in the transaction
// when p, which may be cached, says no: a copy run in another process may
// have marked it since (and its mark conflicts with this deletion, which
// counts the pool's users).
func (s *Service) removeUser(ctx context.Context, p *pool, sub string) error {
	return s.userTx(ctx, func(tx storage.Stores) error {
		copied := p.cfg.CognitoSource != nil || p.cfg.CognitoCopied
		if !copied {
			rec, err := tx.Pools().Get(ctx, p.rec.ID)
			if err != nil {
				return err
			}
			cur, err := parsePool(rec)
			if err != nil {
				return err
			}
			copied = cur.cfg.CognitoSource != nil || cur.cfg.CognitoCopied
		}
		if err := tx.Users().Delete(ctx, p.rec.ID, sub); err != nil || !copied {
			return err
		}
		return tx.DeletedSubs().Add(ctx, p.rec.ID, sub)
	})
}
