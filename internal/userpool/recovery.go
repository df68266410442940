package userpool

import (
	"context"
	"errors"
	"sort"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Account recovery: ForgotPassword sends a code to a verified email
// address or phone number chosen by AccountRecoverySetting, and
// ConfirmForgotPassword trades it for a new password. AdminResetUserPassword
// puts a user in RESET_REQUIRED (sign-in answers
// PasswordResetRequiredException) and sends the same code.

const (
	msgNoRecoveryDestination = "Cannot reset password for the user as there is no registered/verified email or phone_number"
	msgCannotReset           = "User password cannot be reset in the current state."
	msgAdminOnlyRecovery     = "Contact administrator to reset password."
	msgUnknownUsername       = "Username/client id combination not found."
	msgResetRequired         = "Password reset required for the user"
)

// recoveryOrder lists the attributes a password-reset code may go to, in
// the pool's AccountRecoverySetting priorities; without the setting,
// Cognito's legacy order: a verified phone number, then a verified email
// address. adminOnly reports the admin_only setting.
func (p *pool) recoveryOrder() (attrs []string, adminOnly bool) {
	order := []string{"verified_phone_number", "verified_email"}
	if rs := p.cfg.AccountRecoverySetting; rs != nil && len(rs.RecoveryMechanisms) > 0 {
		ms := append([]cip.RecoveryOptionType(nil), rs.RecoveryMechanisms...)
		sort.SliceStable(ms, func(i, j int) bool { return int32v(ms[i].Priority, 0) < int32v(ms[j].Priority, 0) })
		order = order[:0]
		for _, m := range ms {
			if m.Name == "admin_only" {
				adminOnly = true
			}
			order = append(order, m.Name)
		}
	}
	for _, m := range order {
		if a := map[string]string{"verified_email": "email", "verified_phone_number": "phone_number"}[m]; a != "" {
			attrs = append(attrs, a)
		}
	}
	return attrs, adminOnly
}

// recoveryDestination picks where a password-reset code goes: the first
// attribute of recoveryOrder the user has verified. adminOnly reports the
// admin_only setting.
func (p *pool) recoveryDestination(u *storage.User) (attr string, ok, adminOnly bool) {
	order, adminOnly := p.recoveryOrder()
	for _, a := range order {
		if u.Attributes[a] != "" && u.Attributes[a+"_verified"] == "true" {
			return a, true, adminOnly
		}
	}
	return "", false, adminOnly
}

// adminOnlyRecovery reports whether the pool allows only admins to reset
// passwords.
func (p *pool) adminOnlyRecovery() bool {
	_, adminOnly := p.recoveryOrder()
	return adminOnly
}

// ForgotPassword sends a password-reset code. With
// PreventUserExistenceErrors, a user who does not exist, is disabled, has
// no verified destination or cannot reset yet (FORCE_CHANGE_PASSWORD) gets
// the same answer as one who does: a simulated CodeDeliveryDetails
// (fakeDelivery).
func (s *Service) ForgotPassword(ctx context.Context, in *cip.ForgotPasswordRequest) (*cip.ForgotPasswordResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	u, err := s.findUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(in.SecretHash, secretHashNames(in.Username, u)...); err != nil {
		return nil, err
	}
	if p.adminOnlyRecovery() {
		return nil, errorf(NotAuthorized, msgAdminOnlyRecovery)
	}
	// With PreventUserExistenceErrors, whoever gets no code gets the
	// answer of a name no user holds: a simulated delivery.
	refuse := func(err error) (*cip.ForgotPasswordResponse, error) {
		if !cl.preventsExistenceErrors() {
			return nil, err
		}
		d, ferr := s.fakeDelivery(ctx, p, in.Username, true)
		if ferr != nil {
			return nil, ferr
		}
		return &cip.ForgotPasswordResponse{CodeDeliveryDetails: d}, nil
	}
	subject := unknownSubject(p, in.Username)
	if u != nil {
		subject = userSubject(u)
	}
	if u == nil && !cl.preventsExistenceErrors() && !s.migrates(p) {
		return nil, errorf(UserNotFound, msgUnknownUsername)
	}
	if err := s.limitCodeRequests(ctx, p, subject, "forgot"); err != nil {
		return nil, err
	}
	if u == nil {
		m, err := s.migrateOrFind(ctx, p, cl, in.Username, "")
		if err != nil && !errors.Is(err, errNotMigrated) {
			return nil, err
		}
		if m == nil && !cl.preventsExistenceErrors() {
			return nil, errorf(UserNotFound, msgUnknownUsername)
		}
		if m == nil {
			return refuse(nil)
		}
		u = m
	}
	if !u.Enabled {
		return refuse(errorf(NotAuthorized, msgUserDisabled))
	}
	if u.Status == "FORCE_CHANGE_PASSWORD" {
		return refuse(errorf(NotAuthorized, msgCannotReset))
	}
	attr, ok, _ := p.recoveryDestination(u)
	if !ok {
		return refuse(errorf(InvalidParameter, msgNoRecoveryDestination))
	}
	details, err := s.sendResetCode(ctx, p, cl, u, attr)
	if err != nil {
		return nil, err
	}
	s.recordAuthEvent(ctx, p, u.Sub, EventForgotPassword, eventPass, "")
	return &cip.ForgotPasswordResponse{CodeDeliveryDetails: details}, nil
}

// sendResetCode creates a password-reset code and sends it to attr.
func (s *Service) sendResetCode(ctx context.Context, p *pool, cl *client, u *storage.User, attr string) (*cip.CodeDeliveryDetailsType, error) {
	code, err := s.newCode(ctx, u, purposeForgot, "", forgotCodeTTL)
	if err != nil {
		return nil, err
	}
	return s.sendCode(ctx, p, cl, u, attr, u.Attributes[attr], msgForgotPassword, code)
}

// ConfirmForgotPassword sets a new password with a reset code. The
// password policy is checked first, for every caller alike; with
// PreventUserExistenceErrors an unknown or disabled user gets
// CodeMismatchException.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *cip.ConfirmForgotPasswordRequest) (*cip.ConfirmForgotPasswordResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(in.SecretHash, secretHashNames(in.Username, u)...); err != nil {
		return nil, err
	}
	if err := p.checkPassword(in.Password); err != nil {
		return nil, err
	}
	hide := cl.preventsExistenceErrors()
	if u == nil {
		if hide {
			return nil, errorf(CodeMismatch, msgCodeMismatch)
		}
		return nil, errorf(UserNotFound, msgUnknownUsername)
	}
	if !u.Enabled {
		return nil, disabledForRecovery(hide)
	}
	// The code first: the history must not answer anyone without it.
	c, err := s.verifyCode(ctx, u, purposeForgot, "", in.ConfirmationCode)
	if err != nil {
		return nil, err
	}
	np, err := s.hashPassword(ctx, p, u, in.Password)
	if err != nil {
		return nil, err
	}
	if err := s.prepareHistory(ctx, p, u, np); err != nil {
		return nil, err
	}
	saved, err := s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if !cur.Enabled {
			return disabledForRecovery(hide)
		}
		if err := consumeCode(ctx, tx, c); err != nil {
			return err
		}
		if cur.Status == "RESET_REQUIRED" || cur.Status == "FORCE_CHANGE_PASSWORD" {
			cur.Status = "CONFIRMED"
		}
		cur.UpdatedAt = s.now()
		return s.setPassword(ctx, tx, p, cur, np)
	})
	if e := AsError(err); hide && e != nil && e.Kind == UserNotFound {
		return nil, errorf(CodeMismatch, msgCodeMismatch) // deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(withClientMetadata(ctx, in.ClientMetadata), p, cl, saved, "PostConfirmation_ConfirmForgotPassword"); err != nil {
		return nil, err
	}
	return &cip.ConfirmForgotPasswordResponse{}, nil
}

// disabledForRecovery is ConfirmForgotPassword's answer for a disabled
// user: CodeMismatchException when the client hides user existence, as for
// a user who does not exist.
func disabledForRecovery(hide bool) error {
	if hide {
		return errorf(CodeMismatch, msgCodeMismatch)
	}
	return errorf(NotAuthorized, msgUserDisabled)
}

// AdminResetUserPassword puts a confirmed user in RESET_REQUIRED and sends
// a reset code to their verified email address or phone number.
func (s *Service) AdminResetUserPassword(ctx context.Context, in *cip.AdminResetUserPasswordRequest) (*cip.AdminResetUserPasswordResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	code := newCodeValue()
	var attr string
	u, err = s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		a, err := p.resettable(cur)
		if err != nil {
			return err
		}
		attr = a
		cur.Status = "RESET_REQUIRED"
		cur.UpdatedAt = s.now()
		return s.putCode(ctx, tx, cur, purposeForgot, "", code, forgotCodeTTL)
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.sendCode(withClientMetadata(ctx, in.ClientMetadata), p, nil, u, attr, u.Attributes[attr], msgForgotPassword, code); err != nil {
		return nil, err
	}
	return &cip.AdminResetUserPasswordResponse{}, nil
}

// resettable says where an administrator's reset sends u's code, or why u
// cannot be reset: only enabled, confirmed users with a verified
// destination can.
func (p *pool) resettable(u *storage.User) (attr string, err error) {
	if !u.Enabled {
		return "", errorf(NotAuthorized, msgUserDisabled)
	}
	if u.Status != "CONFIRMED" && u.Status != "RESET_REQUIRED" {
		return "", errorf(NotAuthorized, msgCannotReset)
	}
	attr, ok, _ := p.recoveryDestination(u)
	if !ok {
		return "", errorf(InvalidParameter, msgNoRecoveryDestination)
	}
	return attr, nil
}

// secretHashNames are the names a SECRET_HASH may have been computed over:
// what the caller typed and, for a known user, the username.
func secretHashNames(typed string, u *storage.User) []string {
	if u == nil {
		return []string{typed}
	}
	return []string{typed, u.Username}
}
