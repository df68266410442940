package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// preSignUp invokes the pool's PreSignUp function for u, a user about to
// be created (source PreSignUp_SignUp, PreSignUp_AdminCreateUser or
// PreSignUp_ExternalProvider) with the attributes and validation data of
// the request; its answer is the zero response when the pool has none. It
// runs before the user's transaction: an error refuses the sign-up.
func (s *Service) preSignUp(ctx context.Context, p *pool, cl *client, u *storage.User, source string, attrs, validation []cip.AttributeType) (triggers.PreSignUpResponse, error) {
	var resp triggers.PreSignUpResponse
	fn := s.function(p, triggers.PreSignUp)
	if fn == "" {
		return resp, nil
	}
	req := triggers.PreSignUpRequest{UserAttributes: triggers.Attributes{}, ValidationData: map[string]string{},
		ClientMetadata: clientMetadata(ctx)}
	for _, a := range attrs {
		req.UserAttributes[a.Name] = a.Value
	}
	for k, v := range u.Attributes { // the username attribute, when the username is an email or phone number
		if _, ok := req.UserAttributes[k]; !ok {
			req.UserAttributes[k] = v
		}
	}
	for _, a := range validation {
		req.ValidationData[a.Name] = a.Value
	}
	err := call(ctx, s, triggers.PreSignUp, fn, header(p, cl, source, u.Username), req, &resp, false)
	return resp, err
}

// autoConfirm applies a PreSignUp answer to a user signing up: verified
// addresses as asked, and CONFIRMED with autoConfirmUser. It reports
// whether the user is confirmed; an address asked to be verified must be
// there.
func autoConfirm(u *storage.User, r triggers.PreSignUpResponse) (bool, error) {
	for attr, on := range map[string]bool{"email": r.AutoVerifyEmail, "phone_number": r.AutoVerifyPhone} {
		if !on {
			continue
		}
		if u.Attributes[attr] == "" {
			return false, errorf(InvalidLambdaResponse, "Invalid lambda response: %s must be set to auto-verify it.", attr)
		}
		u.Attributes[attr+"_verified"] = "true"
	}
	if r.AutoConfirmUser {
		u.Status = "CONFIRMED"
	}
	return r.AutoConfirmUser, nil
}

// postConfirmation invokes the pool's PostConfirmation function for u, a
// user confirmed by a committed change (source
// PostConfirmation_ConfirmSignUp or PostConfirmation_ConfirmForgotPassword).
// As in Cognito, its failure is the operation's answer although the change
// stays.
func (s *Service) postConfirmation(ctx context.Context, p *pool, cl *client, u *storage.User, source string) error {
	fn := s.function(p, triggers.PostConfirmation)
	if fn == "" {
		return nil
	}
	req := triggers.PostConfirmationRequest{UserAttributes: eventAttributes(u), ClientMetadata: clientMetadata(ctx)}
	var resp triggers.Empty
	return call(ctx, s, triggers.PostConfirmation, fn, header(p, cl, source, u.Username), req, &resp, false)
}
