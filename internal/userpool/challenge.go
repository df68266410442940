package userpool

import (
	"context"
	"errors"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// RespondToAuthChallenge answers a challenge through an app client.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *cip.RespondToAuthChallengeRequest) (*cip.RespondToAuthChallengeResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	r, err := s.respond(ctx, p, cl, in.ChallengeName, in.Session, in.ChallengeResponses)
	if err != nil {
		return nil, err
	}
	return &cip.RespondToAuthChallengeResponse{ChallengeName: r.ChallengeName, Session: r.Session,
		ChallengeParameters: r.ChallengeParameters, AuthenticationResult: r.Result}, nil
}

// AdminRespondToAuthChallenge answers a challenge from a trusted back end.
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *cip.AdminRespondToAuthChallengeRequest) (*cip.AdminRespondToAuthChallengeResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	p, cl, err := s.loadClientOfPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	r, err := s.respond(ctx, p, cl, in.ChallengeName, in.Session, in.ChallengeResponses)
	if err != nil {
		return nil, err
	}
	return &cip.AdminRespondToAuthChallengeResponse{ChallengeName: r.ChallengeName, Session: r.Session,
		ChallengeParameters: r.ChallengeParameters, AuthenticationResult: r.Result}, nil
}

func (s *Service) respond(ctx context.Context, p *pool, cl *client, challenge, sess string, resp map[string]string) (*authResult, error) {
	switch challenge {
	case "NEW_PASSWORD_REQUIRED":
		return s.respondNewPassword(ctx, p, cl, sess, resp)
	case "CUSTOM_CHALLENGE":
		r, err := s.respondCustom(ctx, p, cl, sess, resp)
		return s.auditSignIn(ctx, p, resp["USERNAME"], r, err)
	case "PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER",
		"SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SMS_OTP", "SELECT_MFA_TYPE", "MFA_SETUP",
		"SELECT_CHALLENGE", "PASSWORD", "PASSWORD_SRP", "WEB_AUTHN":
		return s.respondFlow(ctx, p, cl, challenge, sess, resp)
	default:
		return nil, errorf(InvalidParameter, "The %s challenge is not available on this server yet.", challenge)
	}
}

// respondNewPassword completes NEW_PASSWORD_REQUIRED: the new password,
// plus any required attributes as "userAttributes.<name>".
func (s *Service) respondNewPassword(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	if resp["USERNAME"] == "" { // every challenge answer names the user
		return nil, errorf(InvalidParameter, "Missing required parameter USERNAME")
	}
	st, err := s.openSession(cl, sess, "NEW_PASSWORD_REQUIRED")
	if err != nil {
		return nil, err
	}
	u, err := s.store.Users().GetBySub(ctx, p.rec.ID, st.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], u.Username); err != nil {
		return nil, err
	}
	if u.Status != "FORCE_CHANGE_PASSWORD" || st.Password != passwordFingerprint(&u) {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	pw := resp["NEW_PASSWORD"]
	if pw == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter NEW_PASSWORD")
	}
	if err := p.checkPassword(pw); err != nil {
		return nil, err
	}
	if err := setNewPasswordAttributes(p, cl, cloneUser(&u), resp); err != nil {
		return nil, err
	}
	np, err := s.hashPassword(ctx, p, &u, pw)
	if err != nil {
		return nil, err
	}
	if err := s.prepareHistory(ctx, p, &u, np); err != nil {
		return nil, err
	}
	saved, err := s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if cur.Status != "FORCE_CHANGE_PASSWORD" || passwordFingerprint(cur) != st.Password {
			return errorf(NotAuthorized, msgBadSession)
		}
		if err := setNewPasswordAttributes(p, cl, cur, resp); err != nil {
			return err
		}
		cur.Status = "CONFIRMED"
		cur.UpdatedAt = s.now()
		return s.setPassword(ctx, tx, p, cur, np)
	})
	if e := AsError(err); e != nil && e.Kind == UserNotFound {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	if err != nil {
		return nil, err
	}
	return s.continueSignIn(ctx, p, cl, saved, flowState{Device: resp["DEVICE_KEY"], NewPassword: true})
}

// setNewPasswordAttributes sets on u the attributes a
// NEW_PASSWORD_REQUIRED answer gives ("userAttributes.<name>"), as far as
// the client may write them; a required attribute u has already cannot
// change, and every required attribute must have a value afterwards.
func setNewPasswordAttributes(p *pool, cl *client, u *storage.User, resp map[string]string) error {
	var attrs []cip.AttributeType
	for k, v := range resp {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			if old := u.Attributes[name]; old != "" && old != v {
				if def, _ := p.schemaAttribute(name); boolv(def.Required) {
					return errorf(NotAuthorized, "Cannot modify an already provided %s", name)
				}
			}
			attrs = append(attrs, cip.AttributeType{Name: name, Value: v})
		}
	}
	if err := p.checkAttributes(attrs, writer{client: cl}, false); err != nil {
		return err
	}
	setAttributes(u.Attributes, attrs)
	if missing := p.missingRequired(u.Attributes); missing != "" {
		return errorf(InvalidParameter, "Invalid attributes given, %s is missing", missing)
	}
	return nil
}
