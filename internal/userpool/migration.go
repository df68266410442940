package userpool

import (
	"context"
	"errors"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// Lazy migration (the UserMigration trigger). A password sign-in
// (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH's PASSWORD; not
// SRP, which hides the password, nor passwordless factors, as in Cognito)
// or a ForgotPassword for a name no user holds asks the pool's
// UserMigration function about the name, with the password just typed; the
// function checks it against the old system and answers with the user's
// attributes. The user is then created here, with that password (hashed
// here, and given an SRP verifier, so that SRP sign-ins work from then
// on), the status the function chose (CONFIRMED, or RESET_REQUIRED to make
// them reset it) and its aliases, and the sign-in goes on as for any user.
// The function's error means "no such user, or wrong password": the caller
// gets the answer of an unknown user, and with a password the attempt
// counts toward the name's lockout as a wrong password does, so the
// function cannot be used to guess passwords faster than sign-in allows.

// errNotMigrated is the function's refusal: no user to migrate.
var errNotMigrated = errors.New("userpool: the migration function knows no such user")

// migrateUser asks the UserMigration function about name, which no user
// holds, and creates the user it describes. pw is the password typed at
// sign-in, "" for ForgotPassword. It returns errNotMigrated when the
// function refuses, and nil, nil when the pool has no such function.
func (s *Service) migrateUser(ctx context.Context, p *pool, cl *client, name, pw string) (*storage.User, error) {
	fn := s.function(p, triggers.UserMigration)
	if fn == "" {
		src, err := s.cognitoSource(p)
		if src == nil || err != nil {
			return nil, err
		}
		return s.migrateFromSource(ctx, p, cl, src, name, pw)
	}
	source := "UserMigration_Authentication"
	if pw == "" {
		source = "UserMigration_ForgotPassword"
	}
	req := triggers.MigrateUserRequest{Password: pw, ValidationData: clientMetadata(ctx), ClientMetadata: clientMetadata(ctx)}
	var resp triggers.MigrateUserResponse
	err := call(ctx, s, triggers.UserMigration, fn, header(p, cl, source, name), req, &resp, true)
	if e := AsError(err); e != nil && e.Kind == UserLambdaValidation {
		return nil, errNotMigrated
	}
	if err != nil {
		return nil, err
	}
	u, err := s.migratedUser(p, name, pw, resp)
	if err != nil {
		return nil, err
	}
	if pw != "" {
		np, err := s.hashPassword(ctx, p, u, pw)
		if err != nil {
			return nil, err
		}
		s.putPassword(u, np)
	}
	err = s.userTx(ctx, func(tx storage.Stores) error {
		in, err := s.claimAliases(ctx, tx, p, u, resp.ForceAliasCreation)
		if err != nil {
			return err
		}
		pinNameVerifier(p, in, u)
		if err := s.saveInForce(ctx, tx, in, u, true); err != nil {
			return err
		}
		if pw == "" {
			return nil
		}
		return s.passwordSaved(ctx, tx, p, u)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user migrated", "pool", p.rec.ID, "sub", u.Sub, "status", u.Status)
	if resp.MessageAction != "SUPPRESS" {
		// The welcome message is the pool's invitation, without a password.
		if err := s.sendInvitation(ctx, p, u, name, "", resp.DesiredDeliveryMediums); err != nil {
			s.log.Warn("welcome message of a migrated user not delivered", "pool", p.rec.ID, "err", err)
		}
	}
	return u, nil
}

// migratedUser builds the user a migration answer describes.
func (s *Service) migratedUser(p *pool, name, pw string, r triggers.MigrateUserResponse) (*storage.User, error) {
	status := r.FinalUserStatus
	switch {
	case pw == "":
		status = "RESET_REQUIRED" // no password yet: the reset code sets it
	case status == "":
		status = "CONFIRMED"
	case status != "CONFIRMED" && status != "RESET_REQUIRED":
		return nil, errorf(InvalidLambdaResponse, "Invalid finalUserStatus %q: it must be CONFIRMED or RESET_REQUIRED.", status)
	}
	switch r.MessageAction {
	case "", "SUPPRESS", "RESEND":
	default:
		return nil, errorf(InvalidLambdaResponse, "Invalid messageAction %q: it must be SUPPRESS or RESEND.", r.MessageAction)
	}
	attrs := make([]cip.AttributeType, 0, len(r.UserAttributes))
	for k, v := range r.UserAttributes {
		if k == "sub" || k == "username" || k == "cognito:user_status" {
			continue
		}
		attrs = append(attrs, cip.AttributeType{Name: k, Value: v})
	}
	u, err := p.newUser(name, attrs, writer{admin: true}, s.now())
	if err != nil {
		if e := AsError(err); e != nil {
			return nil, errorf(InvalidLambdaResponse, "Invalid lambda response: %s", e.Message)
		}
		return nil, err
	}
	u.Status = status
	return u, nil
}

// migrationRefused is the answer for a name the migration function does
// not know, or whose password it refused: that of a name no user holds.
func migrationRefused(cl *client) error {
	if cl.preventsExistenceErrors() {
		return errorf(NotAuthorized, msgBadCredentials)
	}
	return errorf(UserNotFound, "Exception migrating user in app client %s", cl.rec.ID)
}

// migrateOnSignIn migrates name, which no user holds, at a password
// sign-in with pw, under the lockout of that name: a refusal counts as a
// wrong password.
func (s *Service) migrateOnSignIn(ctx context.Context, p *pool, cl *client, name, pw string) (*storage.User, error) {
	var migrated *storage.User
	res, err := s.guardPassword(ctx, p.rec.ID, unknownSubject(p, name), func() (bool, error) {
		u, err := s.migrateOrFind(ctx, p, cl, name, pw)
		if errors.Is(err, errNotMigrated) {
			return false, nil
		}
		migrated = u
		return err == nil, err
	})
	switch {
	case err != nil:
		return nil, err
	case res == passwordLocked:
		return nil, errorf(NotAuthorized, msgAttemptsExceeded)
	case res == passwordWrong:
		return nil, migrationRefused(cl)
	}
	return migrated, nil
}

// migrateOrFind is migrateUser, for a name another request may be
// migrating at the same time (on this node or another): when that one
// created the user first, this one gets the user it created, and the
// sign-in or reset goes on as for any user (the password is then checked
// against the one saved here).
func (s *Service) migrateOrFind(ctx context.Context, p *pool, cl *client, name, pw string) (*storage.User, error) {
	u, err := s.migrateUser(ctx, p, cl, name, pw)
	if e := AsError(err); e == nil || e.Kind != UsernameExists {
		return u, err
	}
	found, ferr := s.findUser(ctx, p, name)
	if ferr != nil || found == nil {
		return nil, err
	}
	return found, nil
}

// migrates reports whether a sign-in or reset of an unknown name asks the
// pool's UserMigration function, or the Cognito pool it was copied from.
func (s *Service) migrates(p *pool) bool {
	return s.function(p, triggers.UserMigration) != "" || (p.cfg.CognitoSource != nil && s.old != nil)
}
