package userpool

import (
	"context"
	"errors"
	"strings"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

const (
	defaultInviteEmail   = "Your username is {username} and temporary password is {####}. "
	defaultInviteSubject = "Your temporary password"
	defaultInviteSMS     = "Your username is {username} and temporary password is {####}. "
)

// AdminCreateUser creates a user in FORCE_CHANGE_PASSWORD with a temporary
// password and, unless suppressed, sends the invitation.
func (s *Service) AdminCreateUser(ctx context.Context, in *cip.AdminCreateUserRequest) (*cip.AdminCreateUserResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	tmp := in.TemporaryPassword
	if in.MessageAction == "RESEND" {
		return s.resendInvitation(ctx, p, in)
	}
	u, err := p.newUser(in.Username, in.UserAttributes, writer{admin: true}, s.now())
	if err != nil {
		return nil, err
	}
	if err := checkInvitationTargets(u, in.DesiredDeliveryMediums); err != nil {
		return nil, err
	}
	if tmp == "" {
		tmp = p.generatePassword()
	} else if err := p.checkPassword(tmp); err != nil {
		return nil, err
	}
	if existing, err := s.findUser(ctx, p, in.Username); err != nil {
		return nil, err
	} else if existing != nil {
		return nil, errorf(UsernameExists, "User account already exists")
	}
	// Cognito ignores the answer's flags for users an administrator
	// creates: they start with a temporary password.
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	if _, err := s.preSignUp(ctx, p, nil, u, "PreSignUp_AdminCreateUser", in.UserAttributes, in.ValidationData); err != nil {
		return nil, err
	}
	np, err := s.hashPassword(ctx, p, u, tmp)
	if err != nil {
		return nil, err
	}
	s.putPassword(u, np)
	u.Status = "FORCE_CHANGE_PASSWORD"
	err = s.userTx(ctx, func(tx storage.Stores) error {
		cur, err := s.claimAliases(ctx, tx, p, u, boolv(in.ForceAliasCreation))
		if err != nil {
			return err
		}
		pinNameVerifier(p, cur, u)
		if err := s.saveInForce(ctx, tx, cur, u, true); err != nil {
			return err
		}
		return s.passwordSaved(ctx, tx, p, u)
	})
	if err != nil {
		if e := (*Error)(nil); errors.As(err, &e) && e.Kind == UsernameExists {
			return nil, errorf(UsernameExists, "User account already exists")
		}
		return nil, err
	}
	if in.MessageAction != "SUPPRESS" {
		if err := s.sendInvitation(ctx, p, u, in.Username, tmp, in.DesiredDeliveryMediums); err != nil {
			return nil, err
		}
	}
	return &cip.AdminCreateUserResponse{User: userType(u)}, nil
}

// resendInvitation handles MessageAction=RESEND: a new temporary password
// for a user who has not signed in yet, sent again.
func (s *Service) resendInvitation(ctx context.Context, p *pool, in *cip.AdminCreateUserRequest) (*cip.AdminCreateUserResponse, error) {
	u, err := s.mustFindUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	if u.Status != "FORCE_CHANGE_PASSWORD" {
		return nil, notResendable(u)
	}
	tmp := in.TemporaryPassword
	if tmp == "" {
		tmp = p.generatePassword()
	} else if err := p.checkPassword(tmp); err != nil {
		return nil, err
	}
	np, err := s.hashPassword(ctx, p, u, tmp)
	if err != nil {
		return nil, err
	}
	u, err = s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if cur.Status != "FORCE_CHANGE_PASSWORD" {
			return notResendable(cur)
		}
		s.putPassword(cur, np)
		cur.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.sendInvitation(ctx, p, u, in.Username, tmp, in.DesiredDeliveryMediums); err != nil {
		return nil, err
	}
	return &cip.AdminCreateUserResponse{User: userType(u)}, nil
}

// notResendable is the answer for resending the invitation of a user who
// has signed in already.
func notResendable(u *storage.User) error {
	return errorf(UnsupportedUserState, "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD", u.Username)
}

// sendInvitation sends the invitation with the temporary password through
// each desired medium the user has an attribute for (SMS by default, as in
// Cognito).
func (s *Service) sendInvitation(ctx context.Context, p *pool, u *storage.User, username, tmp string, mediums []string) error {
	if len(mediums) == 0 {
		mediums = []string{"SMS"}
	}
	t := p.cfg.AdminCreateUserConfig.InviteMessageTemplate
	if t == nil {
		t = &cip.MessageTemplateType{}
	}
	fill := func(tpl string) string {
		return strings.ReplaceAll(strings.ReplaceAll(tpl, "{username}", username), "{####}", tmp)
	}
	for _, m := range mediums {
		msg := messaging.Message{Kind: "invite", PoolID: u.PoolID, Username: u.Username, Code: tmp}
		switch {
		case m == "EMAIL" && u.Attributes["email"] != "":
			msg.To = u.Attributes["email"]
			msg.Subject = orDefault(t.EmailSubject, defaultInviteSubject)
			msg.Body = fill(orDefault(t.EmailMessage, defaultInviteEmail))
		case m == "SMS" && u.Attributes["phone_number"] != "":
			msg.To = u.Attributes["phone_number"]
			msg.Body = fill(orDefault(t.SMSMessage, defaultInviteSMS))
		default:
			continue
		}
		if err := s.deliver(ctx, p, nil, u, msgAdminCreateUser, m, msg, tmp, username); err != nil {
			if e := AsError(err); e != nil {
				return err // a trigger's failure
			}
			s.log.Error("invitation delivery failed", "pool", u.PoolID, "medium", m, "err", err)
			return errorf(CodeDeliveryFailure, "Unable to deliver the invitation.")
		}
	}
	return nil
}

// generatePassword makes a temporary password that satisfies the policy.
func (p *pool) generatePassword() string {
	n := p.passwordPolicy().MinimumLength
	if n < 12 {
		n = 12
	}
	// One of each class, then random characters from all of them.
	pw := secret.RandomString(1, "ABCDEFGHJKLMNPQRSTUVWXYZ") + secret.RandomString(1, "abcdefghijkmnpqrstuvwxyz") +
		secret.RandomString(1, "23456789") + secret.RandomString(1, "^$*.[]{}()?!@#%&/,><:;|_~=+-")
	return pw + secret.RandomString(n-4, secret.Alnum)
}

// AdminGetUser returns a user as an admin sees it.
func (s *Service) AdminGetUser(ctx context.Context, in *cip.AdminGetUserRequest) (*cip.AdminGetUserResponse, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	mfa, err := s.mfaViewOf(u)
	if err != nil {
		return nil, err
	}
	return &cip.AdminGetUserResponse{
		MFAOptions: mfa.options, PreferredMfaSetting: mfa.preferred, UserMFASettingList: mfa.list,
		Username:             u.Username,
		UserAttributes:       attributeList(u.Sub, u.Attributes, nil),
		UserCreateDate:       awstime.New(u.CreatedAt),
		UserLastModifiedDate: awstime.New(u.UpdatedAt),
		Enabled:              ptr(u.Enabled),
		UserStatus:           u.Status,
	}, nil
}

// userType renders a user as UserType.
func userType(u *storage.User) *cip.UserType {
	return &cip.UserType{
		Username:             u.Username,
		Attributes:           attributeList(u.Sub, u.Attributes, nil),
		UserCreateDate:       awstime.New(u.CreatedAt),
		UserLastModifiedDate: awstime.New(u.UpdatedAt),
		Enabled:              ptr(u.Enabled),
		UserStatus:           u.Status,
	}
}

// AdminDeleteUser deletes a user, its tokens and codes, and unlinks its
// identities. The deletion is final in a pool that migrates from Cognito
// too (removeUser).
func (s *Service) AdminDeleteUser(ctx context.Context, in *cip.AdminDeleteUserRequest) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	err = s.removeUser(ctx, p, u.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(UserNotFound, msgUserNotFound)
	}
	return &Empty{}, err
}

// AdminConfirmSignUp confirms an UNCONFIRMED user without a code.
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *cip.AdminConfirmSignUpRequest) (*cip.AdminConfirmSignUpResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	confirmed, err := s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if err := s.confirm(ctx, tx, p, cur, false); err != nil {
			return err
		}
		err := tx.Codes().Delete(ctx, p.rec.ID, cur.Sub, purposeSignUp)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(withClientMetadata(ctx, in.ClientMetadata), p, nil, confirmed, "PostConfirmation_ConfirmSignUp"); err != nil {
		return nil, err
	}
	return &cip.AdminConfirmSignUpResponse{}, nil
}

// AdminSetUserPassword sets a permanent (CONFIRMED) or temporary
// (FORCE_CHANGE_PASSWORD) password.
func (s *Service) AdminSetUserPassword(ctx context.Context, in *cip.AdminSetUserPasswordRequest) (*cip.AdminSetUserPasswordResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := p.checkPassword(in.Password); err != nil {
		return nil, err
	}
	np, err := s.hashPassword(ctx, p, u, in.Password)
	if err != nil {
		return nil, err
	}
	if err := s.prepareHistory(ctx, p, u, np); err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if boolv(in.Permanent) {
			cur.Status = "CONFIRMED"
		} else {
			cur.Status = "FORCE_CHANGE_PASSWORD"
		}
		cur.UpdatedAt = s.now()
		return s.setPassword(ctx, tx, p, cur, np)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminSetUserPasswordResponse{}, nil
}

// AdminDisableUser disables a user and revokes its tokens.
func (s *Service) AdminDisableUser(ctx context.Context, in *cip.AdminDisableUserRequest) (*cip.AdminDisableUserResponse, error) {
	if err := s.setEnabled(ctx, in.UserPoolId, in.Username, false); err != nil {
		return nil, err
	}
	return &cip.AdminDisableUserResponse{}, nil
}

// AdminEnableUser enables a disabled user.
func (s *Service) AdminEnableUser(ctx context.Context, in *cip.AdminEnableUserRequest) (*cip.AdminEnableUserResponse, error) {
	if err := s.setEnabled(ctx, in.UserPoolId, in.Username, true); err != nil {
		return nil, err
	}
	return &cip.AdminEnableUserResponse{}, nil
}

func (s *Service) setEnabled(ctx context.Context, poolID, username string, enabled bool) error {
	p, err := s.adminPool(ctx, poolID)
	if err != nil {
		return err
	}
	u, err := s.mustFindUser(ctx, p, username)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		now := s.now()
		cur.Enabled = enabled
		cur.UpdatedAt = now
		if !enabled {
			_, err := tx.Tokens().RevokeUser(ctx, p.rec.ID, cur.Sub, now)
			return err
		}
		return nil
	})
	return err
}

// AdminUserGlobalSignOut revokes every refresh token of the user, and with
// them the access tokens they issued.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *cip.AdminUserGlobalSignOutRequest) (*cip.AdminUserGlobalSignOutResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.Tokens().RevokeUser(ctx, p.rec.ID, u.Sub, s.now()); err != nil {
		return nil, err
	}
	return &cip.AdminUserGlobalSignOutResponse{}, nil
}

// checkInvitationTargets applies AdminCreateUser's documented conditions:
// an email address (phone number) must be given to mark it verified, and
// an email address to send the invitation by EMAIL.
func checkInvitationTargets(u *storage.User, mediums []string) error {
	for _, a := range verifiable {
		if u.Attributes[a+"_verified"] == "true" && u.Attributes[a] == "" {
			return errorf(InvalidParameter, "%s_verified can't be true without a value for %s.", a, a)
		}
	}
	if contains(mediums, "EMAIL") && u.Attributes["email"] == "" {
		return errorf(InvalidParameter, "EMAIL delivery requires an email attribute.")
	}
	return nil
}
