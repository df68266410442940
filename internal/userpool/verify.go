package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/storage"
)

// GetUserAttributeVerificationCode sends the signed-in user a code that
// verifies their email address or phone number: the new value when a
// change waits for verification, else the current one.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *cip.GetUserAttributeVerificationCodeRequest) (*cip.GetUserAttributeVerificationCodeResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	attr := in.AttributeName
	if !contains(verifiable, attr) {
		return nil, errorf(InvalidParameter, "Invalid attribute name: only email and phone_number can be verified.")
	}
	to := verificationTarget(c.user, attr)
	if to == "" {
		return nil, errorf(InvalidParameter, "User does not have the %s attribute.", attr)
	}
	if err := s.limitCodeRequests(ctx, c.pool, userSubject(c.user), "verify"); err != nil {
		return nil, err
	}
	code, err := s.newCode(ctx, c.user, purposeVerify+attr, to, verifyCodeTTL)
	if err != nil {
		return nil, err
	}
	details, err := s.sendCode(ctx, c.pool, c.user, attr, to, messaging.KindVerify, code)
	if err != nil {
		return nil, err
	}
	return &cip.GetUserAttributeVerificationCodeResponse{CodeDeliveryDetails: details}, nil
}

// VerifyUserAttribute checks a verification code and marks the value it
// was sent to verified, moving a pending value into place. A verified
// email or phone alias must be free: if another account holds it, the
// answer is AliasExistsException and the code is not used up.
func (s *Service) VerifyUserAttribute(ctx context.Context, in *cip.VerifyUserAttributeRequest) (*cip.VerifyUserAttributeResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	attr := in.AttributeName
	if !contains(verifiable, attr) {
		return nil, errorf(InvalidParameter, "Invalid attribute name: only email and phone_number can be verified.")
	}
	to := verificationTarget(c.user, attr)
	next := cloneUser(c.user)
	next.Attributes[attr] = to
	next.Attributes[attr+"_verified"] = "true"
	delete(next.Attributes, pendingKey(attr))
	next.UpdatedAt = s.now()
	if err := s.verifyCode(ctx, c.user, purposeVerify+attr, to, in.Code); err != nil {
		return nil, err
	}
	if err := s.aliasConflict(ctx, c.pool, next, false); err != nil {
		return nil, asAliasExists(err)
	}
	if err := s.consumeCode(ctx, c.user, purposeVerify+attr); err != nil {
		return nil, err
	}
	if err := s.saveUser(ctx, s.store, c.pool, next, false); err != nil {
		return nil, asAliasExists(err)
	}
	return &cip.VerifyUserAttributeResponse{}, nil
}

// verificationTarget is the value a verification code for attr is about.
func verificationTarget(u *storage.User, attr string) string {
	if v := u.Attributes[pendingKey(attr)]; v != "" {
		return v
	}
	return u.Attributes[attr]
}
