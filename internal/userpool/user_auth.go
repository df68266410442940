package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"

	"github.com/cognate-dev/cognate/internal/storage"
)

// USER_AUTH, choice-based sign-in. The first factor is one the pool's
// SignInPolicy.AllowedFirstAuthFactors allows and the user has: PASSWORD
// (answered as PASSWORD, or as PASSWORD_SRP with SRP), EMAIL_OTP (a code to
// a verified email address), SMS_OTP (a code to a verified phone number) or
// WEB_AUTHN (a passkey, passkey_signin.go).
//
//	InitiateAuth(USER_AUTH: USERNAME, PREFERRED_CHALLENGE?, PASSWORD? | SRP_A?)
//	  -> the preferred challenge, started (a PASSWORD in the request is
//	     checked at once; SRP_A gets PASSWORD_VERIFIER; a code is sent), or
//	  -> SELECT_CHALLENGE with AvailableChallenges, answered by
//	     RespondToAuthChallenge(SELECT_CHALLENGE: ANSWER, and PASSWORD or
//	     SRP_A for the password choices)
//
// A password first factor is followed by MFA as in the other flows; a
// passwordless one is not. In a pool that migrates users (UserMigration,
// or a Cognito source), PASSWORD of a name no user holds migrates it, as
// USER_PASSWORD_AUTH does; the other factors do not.

// First-factor challenges.
const (
	ffPassword    = "PASSWORD"
	ffPasswordSRP = "PASSWORD_SRP"
	ffEmailOTP    = "EMAIL_OTP"
	ffSMSOTP      = "SMS_OTP"
	ffWebAuthn    = "WEB_AUTHN"
)

// availableFirstFactors lists the first-factor challenges the pool allows
// and the user can use; u is nil for a name no user holds (it is offered
// what the pool allows).
func (p *pool) availableFirstFactors(u *storage.User) []string {
	allowed := []string{"PASSWORD"}
	if pol := p.cfg.Policies; pol != nil && pol.SignInPolicy != nil && len(pol.SignInPolicy.AllowedFirstAuthFactors) > 0 {
		allowed = pol.SignInPolicy.AllowedFirstAuthFactors
	}
	var out []string
	// A user copied from Cognito whose password is not here yet: the old
	// pool checks it (cognito_source.go, cognito_srp.go).
	copied := u != nil && u.Status != "RESET_REQUIRED" && p.cfg.CognitoSource != nil
	if contains(allowed, "PASSWORD") && (u == nil || u.PasswordHash != "" || copied) {
		out = append(out, ffPassword, ffPasswordSRP)
	}
	if contains(allowed, "EMAIL_OTP") && (u == nil || verifiedAttr(u, "email")) {
		out = append(out, ffEmailOTP)
	}
	if contains(allowed, "SMS_OTP") && (u == nil || verifiedAttr(u, "phone_number")) {
		out = append(out, ffSMSOTP)
	}
	return out
}

func verifiedAttr(u *storage.User, name string) bool {
	return u.Attributes[name] != "" && u.Attributes[name+"_verified"] == "true"
}

// userAuth starts USER_AUTH.
func (s *Service) userAuth(ctx context.Context, p *pool, cl *client, params map[string]string) (*authResult, error) {
	username := params["USERNAME"]
	if username == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter USERNAME")
	}
	u, err := s.signInUser(ctx, p, cl, username, params["SECRET_HASH"])
	if e := AsError(err); u == nil && e != nil && e.Kind == UserNotFound && s.migrates(p) {
		err = nil // a name to migrate, perhaps: its PASSWORD decides
	}
	if err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, p, cl, u, username); err != nil {
		return nil, err
	}
	choices, err := s.firstFactors(ctx, p, u)
	if err != nil {
		return nil, err
	}
	if u == nil && !cl.preventsExistenceErrors() {
		// A pool that migrates users, and a client that tells unknown
		// names apart: a name no user holds can only arrive by the
		// migration, which a password sign-in alone asks (Cognito does not
		// invoke UserMigration for passwordless sign-in, nor for SRP, which
		// hides the password), so PASSWORD is all it is offered.
		if !contains(choices, ffPassword) {
			return nil, errorf(UserNotFound, msgUserNotFound)
		}
		choices = []string{ffPassword}
	}
	st := flowState{Pool: p.rec.ID, Client: cl.rec.ID, Name: username, Device: params["DEVICE_KEY"], Choices: choices}
	if u != nil {
		st.Sub, st.Password = u.Sub, passwordFingerprint(u)
	}
	if pref := params["PREFERRED_CHALLENGE"]; pref != "" && contains(st.Choices, pref) {
		return s.firstFactor(ctx, p, cl, u, st, pref, params)
	}
	st.Challenge = "SELECT_CHALLENGE"
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	return &authResult{ChallengeName: "SELECT_CHALLENGE", Session: sess, AvailableChallenges: st.Choices,
		ChallengeParameters: map[string]string{}}, nil
}

// firstFactor starts (or, with its answer in in, completes) the chosen
// first factor.
func (s *Service) firstFactor(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState, factor string, in map[string]string) (*authResult, error) {
	st.Choices = nil
	switch factor {
	case ffPassword:
		pw := in["PASSWORD"]
		if pw == "" {
			return s.firstFactorChallenge(cl, st, ffPassword)
		}
		if u == nil && s.migrates(p) {
			// As USER_PASSWORD_AUTH: the migration (UserMigration, or the
			// Cognito pool the pool was copied from) is asked about the
			// name, under its lockout, and answers as for an unknown name
			// when it does not know it or the password.
			m, err := s.migrateOnSignIn(ctx, p, cl, st.Name, pw)
			if err != nil {
				return nil, err
			}
			if m.PasswordHash == "" && m.Status == "RESET_REQUIRED" {
				return nil, errorf(PasswordResetRequired, msgResetRequired)
			}
			u = m
		}
		u, res, err := s.checkPasswordOrOld(ctx, p, u, st.Name, pw)
		if err != nil {
			return nil, err
		}
		switch res {
		case passwordLocked:
			return nil, errorf(NotAuthorized, msgAttemptsExceeded)
		case passwordWrong:
			return nil, errorf(NotAuthorized, msgBadCredentials)
		}
		if err := s.upgradeSRP(ctx, p, u, pw); err != nil {
			return nil, err
		}
		return s.afterPassword(ctx, p, cl, u, st.Device)
	case ffPasswordSRP:
		if in["SRP_A"] == "" {
			return s.firstFactorChallenge(cl, st, ffPasswordSRP)
		}
		if src, err := s.copiedWithoutPassword(p, u); err != nil {
			return nil, err
		} else if src != nil {
			if r, err := s.relaySRPChallenge(ctx, p, cl, src, u, in["SRP_A"], st.Device); r != nil || err != nil {
				return r, err
			}
		}
		return s.passwordVerifierChallenge(ctx, p, cl, u, st.Name, in["SRP_A"], st.Device, nil)
	case ffEmailOTP, ffSMSOTP:
		return s.otpChallenge(ctx, p, cl, u, st, factor)
	case ffWebAuthn:
		return s.webAuthnChallenge(ctx, p, cl, u, st)
	}
	return nil, errorf(InvalidParameter, "The challenge %s is not available for the user.", factor)
}

// firstFactorChallenge asks for the answer of PASSWORD or PASSWORD_SRP.
func (s *Service) firstFactorChallenge(cl *client, st flowState, factor string) (*authResult, error) {
	st.Challenge = factor
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	return &authResult{ChallengeName: factor, Session: sess, ChallengeParameters: map[string]string{}}, nil
}

// otpChallenge sends a passwordless sign-in code. A name no user holds gets
// the same answer and no code.
func (s *Service) otpChallenge(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState, factor string) (*authResult, error) {
	st.First = true
	if u == nil {
		medium := "EMAIL"
		if factor == ffSMSOTP {
			medium = "SMS"
		}
		if err := s.limitSignInCodes(ctx, p, unknownSubject(p, st.Name), medium); err != nil {
			return nil, err
		}
		st.Challenge = factor
		sess, err := s.sealFlow(cl, &st)
		if err != nil {
			return nil, err
		}
		dest, err := s.fakeDestination(ctx, p, st.Name, medium)
		if err != nil {
			return nil, err
		}
		id, err := s.fakeUserID(ctx, p, st.Name)
		if err != nil {
			return nil, err
		}
		return &authResult{ChallengeName: factor, Session: sess, ChallengeParameters: map[string]string{
			"CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": dest, "USER_ID_FOR_SRP": id,
		}}, nil
	}
	switch {
	case !u.Enabled:
		return nil, errorf(NotAuthorized, msgUserDisabled)
	case u.Status == "UNCONFIRMED":
		return nil, errorf(UserNotConfirmed, msgNotConfirmed)
	case u.Status != "CONFIRMED":
		return nil, errorf(NotAuthorized, "The user cannot sign in without a password until it is changed.")
	}
	return s.factorChallenge(ctx, p, cl, u, st, factor)
}

// respondUserAuth answers SELECT_CHALLENGE, and PASSWORD or PASSWORD_SRP
// asked for on their own.
func (s *Service) respondUserAuth(ctx context.Context, p *pool, cl *client, challenge, sess string, resp map[string]string) (*authResult, error) {
	if challenge == ffWebAuthn {
		r, err := s.respondWebAuthn(ctx, p, cl, sess, resp)
		return s.auditSignIn(ctx, p, resp["USERNAME"], r, err)
	}
	st, err := s.openFlow(ctx, cl, sess, challenge)
	if err != nil {
		return nil, err
	}
	var u *storage.User
	if st.Sub != "" {
		if u, err = s.flowUser(ctx, p, st); err != nil {
			return nil, err
		}
	}
	names := []string{resp["USERNAME"], st.Name}
	if u != nil {
		names = append(names, u.Username)
	}
	if err := cl.checkSecretHash(resp["SECRET_HASH"], names...); err != nil {
		return nil, err
	}
	factor := challenge
	if challenge == "SELECT_CHALLENGE" {
		if factor = resp["ANSWER"]; factor == "" {
			return nil, errorf(InvalidParameter, "Missing required parameter ANSWER")
		}
		if !contains(st.Choices, factor) {
			return nil, errorf(InvalidParameter, "The challenge %s is not available for the user.", factor)
		}
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	return s.firstFactor(ctx, p, cl, u, *st, factor, resp)
}

// GetUserAuthFactors lists the signed-in user's MFA settings and the first
// factors USER_AUTH offers them (PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN).
func (s *Service) GetUserAuthFactors(ctx context.Context, in *cip.GetUserAuthFactorsRequest) (*cip.GetUserAuthFactorsResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	v, err := s.mfaViewOf(c.user)
	if err != nil {
		return nil, err
	}
	choices, err := s.firstFactors(ctx, c.pool, c.user)
	if err != nil {
		return nil, err
	}
	factors := []string{}
	for _, f := range choices {
		if f != ffPasswordSRP {
			factors = append(factors, f)
		}
	}
	return &cip.GetUserAuthFactorsResponse{Username: c.user.Username, PreferredMfaSetting: v.preferred,
		UserMFASettingList: v.list, ConfiguredUserAuthFactors: factors}, nil
}
