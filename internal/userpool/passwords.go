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

// newPassword is a password hashed ahead of the transaction that sets
// it: argon2id takes tens of milliseconds, and no transaction waits for
// it. The SRP verifier is computed for the user it was hashed for (its
// pool, sub and username, which never change).
type newPassword struct {
	plain       string
	hash        string
	srpSalt     string
	srpVerifier storage.SRPVerifiers
	// matches caches the history check: for each stored hash verified
	// against plain so far, whether plain is that password.
	matches map[string]bool
}

// hashPassword hashes pw for u in pool p. The caller has checked the
// policy.
func (s *Service) hashPassword(ctx context.Context, p *pool, u *storage.User, pw string) (*newPassword, error) {
	h, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	salt, verifier := s.srpVerifiersFor(p, u, pw)
	return &newPassword{plain: pw, hash: h, srpSalt: salt, srpVerifier: verifier, matches: map[string]bool{}}, nil
}

// prepareHistory runs the expensive part of checkHistory before the
// transaction: it verifies np against u's recent passwords as read now,
// and refuses a reused one early. Inside the transaction checkHistory
// then verifies only hashes that changed meanwhile.
func (s *Service) prepareHistory(ctx context.Context, p *pool, u *storage.User, np *newPassword) error {
	return s.checkHistory(ctx, s.store, p, u, np)
}

// checkHistory refuses np when it is among u's recent passwords (the
// current one included), read through st.
func (s *Service) checkHistory(ctx context.Context, st storage.Stores, p *pool, u *storage.User, np *newPassword) error {
	n := p.historySize()
	if n <= 0 || u.PasswordHash == "" {
		return nil
	}
	hashes, err := st.Security().Passwords(ctx, p.rec.ID, u.Sub, n)
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
		same, ok := np.matches[h]
		if !ok {
			if same, err = s.hasher.Verify(ctx, np.plain, h); err != nil {
				return err
			}
			np.matches[h] = same
		}
		if same {
			return errorf(PasswordHistoryViolated, "The password has been used recently; choose a password that differs from the last %d.", n)
		}
	}
	return nil
}

// setPassword, inside the transaction that saves u, refuses np when it is
// among u's recent passwords and otherwise puts it on u, recorded in the
// history, with u's failed sign-ins forgotten.
func (s *Service) setPassword(ctx context.Context, tx storage.Stores, p *pool, u *storage.User, np *newPassword) error {
	if err := s.checkHistory(ctx, tx, p, u, np); err != nil {
		return err
	}
	s.putPassword(u, np)
	return s.passwordSaved(ctx, tx, p, u)
}

// putPassword puts np on u (a user not stored yet, or one that setPassword
// checked).
func (s *Service) putPassword(u *storage.User, np *newPassword) {
	u.PasswordHash, u.SRPSalt, u.SRPVerifier = np.hash, np.srpSalt, np.srpVerifier
	u.PasswordChangedAt = s.now()
}

// passwordSaved records u's new password in the history and forgets its
// failed sign-ins, through tx (u must exist in it, or be created in it
// first).
func (s *Service) passwordSaved(ctx context.Context, tx storage.Stores, p *pool, u *storage.User) error {
	if n := p.historySize(); n > 0 {
		if err := tx.Security().AddPassword(ctx, p.rec.ID, u.Sub, u.PasswordHash, u.PasswordChangedAt, n); err != nil {
			return err
		}
	}
	return tx.Security().DeleteGuard(ctx, u.PoolID, userSubject(u))
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
	src, err := s.copiedWithoutPassword(p, u)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash != "" || src != nil { // a copied user's is at the old pool
		if in.PreviousPassword == "" {
			return nil, errorf(InvalidParameter, "PreviousPassword is required for a user who has a password.")
		}
		var res passwordCheck
		u, res, err = s.checkPasswordOrOld(ctx, p, u, u.Username, in.PreviousPassword)
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
	np, err := s.hashPassword(ctx, p, u, in.ProposedPassword)
	if err != nil {
		return nil, err
	}
	if err := s.prepareHistory(ctx, p, u, np); err != nil {
		return nil, err
	}
	checked := u.PasswordHash
	_, err = s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if cur.PasswordHash != checked {
			// Changed since PreviousPassword was checked: it is not the
			// password any more.
			return errorf(NotAuthorized, msgBadCredentials)
		}
		cur.UpdatedAt = s.now()
		return s.setPassword(ctx, tx, p, cur, np)
	})
	if err != nil {
		return nil, err
	}
	s.recordAuthEvent(ctx, p, u.Sub, EventPasswordChange, eventPass, "Password")
	return &cip.ChangePasswordResponse{}, nil
}
