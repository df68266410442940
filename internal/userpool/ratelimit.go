package userpool

import (
	"context"
	"time"
)

// Per-user limits on code requests. Cognito documents ("Forgot password
// behavior") that in a given hour it allows between 5 and 20 attempts for a
// user to request or enter a password-reset code, depending on risk, and
// answers LimitExceededException past that. Cognate allows a user
// codeRequestLimit requests per hour for each kind of code (sign-up,
// password reset, attribute verification); entering codes is limited per
// code (maxCodeAttempts), so a guesser gets at most 25 tries an hour at a
// one-in-a-million code.
const (
	codeRequestLimit  = 5
	codeRequestWindow = time.Hour
)

// limitCodeRequests counts a code request of kind for subject and refuses
// it past the hourly limit. Names no user holds are counted too, so the
// answer does not reveal whether a user exists.
func (s *Service) limitCodeRequests(ctx context.Context, p *pool, subject, kind string) error {
	n, err := s.store.Security().Hit(ctx, p.rec.ID, subject, kind, s.now(), codeRequestWindow)
	if err != nil {
		return err
	}
	if n > codeRequestLimit {
		return errorf(LimitExceeded, msgLimitExceeded)
	}
	return nil
}
