package userpool

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Interim stand-ins for the sign-in lockout that the users branch brings
// (lockout.go: guardPassword, userSubject, unknownSubject); this file goes
// when that branch is merged.

type passwordCheck int

const (
	passwordOK passwordCheck = iota
	passwordWrong
	passwordLocked
)

const msgAttemptsExceeded = "Password attempts exceeded"

func (s *Service) guardPassword(_ context.Context, _, _ string, check func() (bool, error)) (passwordCheck, error) {
	ok, err := check()
	if err != nil || !ok {
		return passwordWrong, err
	}
	return passwordOK, nil
}

func (s *Service) checkUserPassword(ctx context.Context, p *pool, u *storage.User, name, pw string) (passwordCheck, error) {
	if u == nil || u.PasswordHash == "" {
		s.hasher.VerifyDummy(pw)
		return passwordWrong, nil
	}
	return s.guardPassword(ctx, p.rec.ID, u.Sub, func() (bool, error) { return s.hasher.Verify(pw, u.PasswordHash) })
}
