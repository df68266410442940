package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
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
	details, err := s.sendCode(withClientMetadata(ctx, in.ClientMetadata), c.pool, c.client, c.user, attr, to, msgVerifyAttribute, code)
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
	code, err := s.verifyCode(ctx, c.user, purposeVerify+attr, to, in.Code)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, c.pool, c.user.Sub, func(tx storage.Stores, cur *storage.User) error {
		if verificationTarget(cur, attr) != to {
			// The value changed since the code was checked: it was for
			// another value.
			return errorf(CodeMismatch, msgCodeMismatch)
		}
		cur.Attributes[attr] = to
		cur.Attributes[attr+"_verified"] = "true"
		delete(cur.Attributes, pendingKey(attr))
		cur.UpdatedAt = s.now()
		// Before the code is used up: a verified alias another account
		// holds leaves the code for a later try.
		if _, err := s.claimAliases(ctx, tx, c.pool, cur, false); err != nil {
			return err
		}
		return consumeCode(ctx, tx, code)
	})
	if err != nil {
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
