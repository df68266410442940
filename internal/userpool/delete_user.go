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
	err = s.store.Users().Delete(ctx, c.pool.rec.ID, c.user.Sub)
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
