package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Passwords. A new password must satisfy the policy and, when the pool sets
// PasswordHistorySize n, differ from the user's n most recent passwords
// (the current one included). Only hashes are kept. Setting a password
// changes the hash, which ends every challenge Session issued under the old
// one (see challengeState.Password), and forgets failed sign-ins.
//
// Refresh tokens survive a password change, as in Cognito, whose API
// reference names GlobalSignOut, AdminUserGlobalSignOut and RevokeToken as
// the ways to end sessions.

// historySize is the pool's PasswordHistorySize.
func (p *pool) historySize() int {
	return int(int32v(p.cfg.Policies.PasswordPolicy.PasswordHistorySize, 0))
}

// newPassword checks pw against the policy and the history and sets it on
// u (the caller saves u, then calls passwordSaved).
func (s *Service) newPassword(ctx context.Context, p *pool, u *storage.User, pw string) error {
	if err := p.checkPassword(pw); err != nil {
		return err
	}
	if err := s.checkHistory(ctx, p, u, pw); err != nil {
		return err
	}
	return s.setPassword(ctx, u, pw)
}

// checkHistory refuses a password among the user's recent ones.
func (s *Service) checkHistory(ctx context.Context, p *pool, u *storage.User, pw string) error {
	n := p.historySize()
	if n <= 0 || u.PasswordHash == "" {
		return nil
	}
	hashes, err := s.store.Security().Passwords(ctx, p.rec.ID, u.Sub, n)
	if err != nil {
		return err
	}
	if len(hashes) == 0 || hashes[0] != u.PasswordHash {
		// The current password counts even if it predates the policy.
		hashes = append([]string{u.PasswordHash}, hashes...)
	}
	if len(hashes) > n {
		hashes = hashes[:n]
	}
	for _, h := range hashes {
		ok, err := s.hasher.Verify(ctx, pw, h)
		if err != nil {
			return err
		}
		if ok {
			return errorf(PasswordHistoryViolated, "The password has been used recently; choose a password that differs from the last %d.", n)
		}
	}
	return nil
}

// passwordSaved records the saved user's new password in the history and
// forgets failed sign-ins.
func (s *Service) passwordSaved(ctx context.Context, p *pool, u *storage.User) error {
	if n := p.historySize(); n > 0 {
		if err := s.store.Security().AddPassword(ctx, p.rec.ID, u.Sub, u.PasswordHash, u.PasswordChangedAt, n); err != nil {
			return err
		}
	}
	return s.clearLockout(ctx, u)
}

// ChangePassword changes the signed-in user's password. The previous
// password is checked under the sign-in lockout: while it lasts, the answer
// is LimitExceededException, as Cognito gives.
func (s *Service) ChangePassword(ctx context.Context, in *cip.ChangePasswordRequest) (*cip.ChangePasswordResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	p, u := c.pool, c.user
	if err := p.checkPassword(in.ProposedPassword); err != nil {
		return nil, err
	}
	if u.PasswordHash != "" {
		if in.PreviousPassword == "" {
			return nil, errorf(InvalidParameter, "PreviousPassword is required for a user who has a password.")
		}
		res, err := s.checkUserPassword(ctx, p, u, u.Username, in.PreviousPassword)
		if err != nil {
			return nil, err
		}
		switch res {
		case passwordLocked:
			return nil, errorf(LimitExceeded, msgLimitExceeded)
		case passwordWrong:
			s.recordAuthEvent(ctx, p, u.Sub, EventPasswordChange, eventFail, "Password")
			return nil, errorf(NotAuthorized, msgBadCredentials)
		}
	}
	if err := s.newPassword(ctx, p, u, in.ProposedPassword); err != nil {
		return nil, err
	}
	u.UpdatedAt = s.now()
	if err := s.saveUser(ctx, s.store, p, u, false); err != nil {
		return nil, err
	}
	if err := s.passwordSaved(ctx, p, u); err != nil {
		return nil, err
	}
	s.recordAuthEvent(ctx, p, u.Sub, EventPasswordChange, eventPass, "Password")
	return &cip.ChangePasswordResponse{}, nil
}
