package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// authResult is the common answer of the sign-in operations: tokens, or
// the next challenge.
type authResult struct {
	ChallengeName       string
	Session             string
	ChallengeParameters map[string]string
	Result              *cip.AuthenticationResultType
	// AvailableChallenges answers USER_AUTH without a usable
	// PREFERRED_CHALLENGE.
	AvailableChallenges []string
	// hostedSub is the user a managed-login sign-in signed in (no tokens).
	hostedSub string
}

// InitiateAuth starts a sign-in through an app client.
func (s *Service) InitiateAuth(ctx context.Context, in *cip.InitiateAuthRequest) (*cip.InitiateAuthResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if in.UserContextData != nil {
		ctx = WithSourceIP(ctx, in.UserContextData.IpAddress)
	}
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	r, err := s.initiate(ctx, p, cl, in.AuthFlow, in.AuthParameters, false)
	if err != nil {
		return nil, err
	}
	return &cip.InitiateAuthResponse{ChallengeName: r.ChallengeName, Session: r.Session,
		ChallengeParameters: r.ChallengeParameters, AuthenticationResult: r.Result,
		AvailableChallenges: r.AvailableChallenges}, nil
}

// AdminInitiateAuth starts a sign-in from a trusted back end.
func (s *Service) AdminInitiateAuth(ctx context.Context, in *cip.AdminInitiateAuthRequest) (*cip.AdminInitiateAuthResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	p, cl, err := s.loadClientOfPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if in.ContextData != nil {
		ctx = WithSourceIP(ctx, in.ContextData.IpAddress)
	}
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	r, err := s.initiate(ctx, p, cl, in.AuthFlow, in.AuthParameters, true)
	if err != nil {
		return nil, err
	}
	return &cip.AdminInitiateAuthResponse{ChallengeName: r.ChallengeName, Session: r.Session,
		ChallengeParameters: r.ChallengeParameters, AuthenticationResult: r.Result,
		AvailableChallenges: r.AvailableChallenges}, nil
}

func (s *Service) initiate(ctx context.Context, p *pool, cl *client, flow string, params map[string]string, admin bool) (*authResult, error) {
	switch flow {
	case "USER_PASSWORD_AUTH":
		if admin { // AdminInitiateAuth takes ADMIN_USER_PASSWORD_AUTH instead
			return nil, errorf(InvalidParameter, "Initiate Auth method not supported.")
		}
		if !cl.allows("ALLOW_USER_PASSWORD_AUTH") {
			return nil, errorf(InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
		}
		r, err := s.passwordAuth(ctx, p, cl, params)
		return s.auditSignIn(ctx, p, params["USERNAME"], r, err)
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		if !admin {
			return nil, errorf(InvalidParameter, "Initiate Auth method not supported.")
		}
		if !cl.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH") {
			return nil, errorf(InvalidParameter, "Auth flow not enabled for this client")
		}
		r, err := s.passwordAuth(ctx, p, cl, params)
		return s.auditSignIn(ctx, p, params["USERNAME"], r, err)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !cl.allows("ALLOW_REFRESH_TOKEN_AUTH") {
			return nil, errorf(InvalidParameter, "Refresh Token flow not enabled for this client")
		}
		if cl.rotatesRefreshTokens() {
			return nil, errorf(InvalidParameter, "Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.")
		}
		return s.refreshAuth(ctx, p, cl, params)
	case "USER_SRP_AUTH":
		if !cl.allows("ALLOW_USER_SRP_AUTH") {
			return nil, errorf(InvalidParameter, "USER_SRP_AUTH flow not enabled for this client")
		}
		return s.srpAuth(ctx, p, cl, params)
	case "CUSTOM_AUTH":
		if !cl.allows("ALLOW_CUSTOM_AUTH") {
			return nil, errorf(InvalidParameter, "CUSTOM_AUTH flow not enabled for this client")
		}
		r, err := s.customAuth(ctx, p, cl, params)
		return s.auditSignIn(ctx, p, params["USERNAME"], r, err)
	case "USER_AUTH":
		if !cl.allows("ALLOW_USER_AUTH") {
			return nil, errorf(InvalidParameter, "USER_AUTH flow not enabled for this client")
		}
		return s.userAuth(ctx, p, cl, params)
	default:
		return nil, errorf(InvalidParameter, "The %s flow is not available on this server yet.", flow)
	}
}

// signInUser finds the user a sign-in names, after checking SECRET_HASH
// against the name given or the user's username. An unknown user is nil
// when the client prevents user existence errors (the flow goes on with a
// pretend user), UserNotFoundException otherwise.
func (s *Service) signInUser(ctx context.Context, p *pool, cl *client, username, secretHash string) (*storage.User, error) {
	u, err := s.findUser(ctx, p, username)
	if err != nil {
		return nil, err
	}
	names := []string{username}
	if u != nil {
		names = append(names, u.Username)
	}
	if err := cl.checkSecretHash(secretHash, names...); err != nil {
		return nil, err
	}
	if u == nil && !cl.preventsExistenceErrors() {
		return nil, errorf(UserNotFound, msgUserNotFound)
	}
	return u, nil
}

// passwordAuth checks USERNAME and PASSWORD under the user's lockout.
// Unknown users cost the same argon2id work as known ones, and with
// PreventUserExistenceErrors they are locked out the same way, so neither
// timing nor answers reveal who exists.
func (s *Service) passwordAuth(ctx context.Context, p *pool, cl *client, params map[string]string) (*authResult, error) {
	username, pw := params["USERNAME"], params["PASSWORD"]
	if username == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter USERNAME")
	}
	if pw == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter PASSWORD")
	}
	u, err := s.signInUser(ctx, p, cl, username, params["SECRET_HASH"])
	if e := AsError(err); u == nil && (err == nil || e != nil && e.Kind == UserNotFound) && s.migrates(p) {
		if u, err = s.migrateOnSignIn(ctx, p, cl, username, pw); err != nil {
			return nil, err
		}
	}
	if err != nil {
		if e, ok := err.(*Error); ok && e.Kind == UserNotFound {
			s.hasher.VerifyDummy(ctx, pw) // as long as a known user's check
		}
		return nil, err
	}
	if err := s.preAuthentication(ctx, p, cl, u, username); err != nil {
		return nil, err
	}
	if u != nil && u.PasswordHash == "" && u.Status == "RESET_REQUIRED" {
		// An imported user has no password until the reset sets one; as
		// in Cognito, every password gets the answer that says so.
		s.hasher.VerifyDummy(ctx, pw)
		return nil, errorf(PasswordResetRequired, msgResetRequired)
	}
	var res passwordCheck
	if src, serr := s.copiedWithoutPassword(p, u); serr != nil {
		return nil, serr
	} else if src != nil {
		var saved *storage.User
		if saved, res, err = s.migratePassword(ctx, p, src, u, pw); saved != nil {
			u = saved
		}
	} else {
		res, err = s.checkUserPassword(ctx, p, u, username, pw)
	}
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
	return s.afterPassword(ctx, p, cl, u, params["DEVICE_KEY"])
}

// checkUserPassword verifies pw for u (nil when name matches no user, or a
// user without a password: both fail after the same hash work) under the
// lockout.
func (s *Service) checkUserPassword(ctx context.Context, p *pool, u *storage.User, name, pw string) (passwordCheck, error) {
	if u == nil || u.PasswordHash == "" {
		subject := unknownSubject(p, name)
		if u != nil {
			subject = userSubject(u)
		}
		return s.guardPassword(ctx, p.rec.ID, subject, func() (bool, error) {
			s.hasher.VerifyDummy(ctx, pw)
			return false, nil
		})
	}
	return s.guardPassword(ctx, p.rec.ID, userSubject(u), func() (bool, error) {
		return s.hasher.Verify(ctx, pw, u.PasswordHash)
	})
}

// afterPassword decides what a user with a verified password gets;
// deviceKey is the DEVICE_KEY the client sent along.
func (s *Service) afterPassword(ctx context.Context, p *pool, cl *client, u *storage.User, deviceKey string) (*authResult, error) {
	if !u.Enabled {
		return nil, errorf(NotAuthorized, msgUserDisabled)
	}
	switch u.Status {
	case "UNCONFIRMED":
		return nil, errorf(UserNotConfirmed, msgNotConfirmed)
	case "RESET_REQUIRED":
		return nil, errorf(PasswordResetRequired, msgResetRequired)
	case "FORCE_CHANGE_PASSWORD":
		days := int32v(p.cfg.Policies.PasswordPolicy.TemporaryPasswordValidityDays, 7)
		if s.now().After(u.PasswordChangedAt.Add(time.Duration(days) * 24 * time.Hour)) {
			return nil, errorf(NotAuthorized, msgTempExpired)
		}
		return s.newPasswordChallenge(p, cl, u)
	}
	return s.continueSignIn(ctx, p, cl, u, flowState{Device: deviceKey})
}

// newPasswordChallenge asks a user with a temporary password for a new one.
func (s *Service) newPasswordChallenge(p *pool, cl *client, u *storage.User) (*authResult, error) {
	sess, err := s.sealSession(cl, u, "NEW_PASSWORD_REQUIRED")
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		if cl.clientReadable(k) {
			attrs[k] = v
		}
	}
	required := []string{}
	for _, def := range p.cfg.SchemaAttributes {
		if boolv(def.Required) && def.Name != "sub" && u.Attributes[def.Name] == "" {
			required = append(required, "userAttributes."+def.Name)
		}
	}
	a, _ := json.Marshal(attrs)
	r, _ := json.Marshal(required)
	return &authResult{
		ChallengeName: "NEW_PASSWORD_REQUIRED",
		Session:       sess,
		ChallengeParameters: map[string]string{
			"USER_ID_FOR_SRP":    u.Username,
			"requiredAttributes": string(r),
			"userAttributes":     string(a),
		},
	}, nil
}

// refreshAuth trades a refresh token for new access and ID tokens of the
// same session (same origin_jti and auth_time).
func (s *Service) refreshAuth(ctx context.Context, p *pool, cl *client, params map[string]string) (*authResult, error) {
	tok := params["REFRESH_TOKEN"]
	if tok == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter REFRESH_TOKEN")
	}
	rec, err := s.lookupRefreshToken(ctx, cl, tok)
	if err != nil {
		return nil, err
	}
	u, err := s.store.Users().GetBySub(ctx, p.rec.ID, rec.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, "Invalid Refresh Token")
	}
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(params["SECRET_HASH"], u.Username, u.Sub, params["USERNAME"]); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errorf(NotAuthorized, msgUserDisabled)
	}
	res, err := s.issueTokens(ctx, p, cl, &u, &session{originJTI: rec.OriginJTI, familyID: rec.FamilyID, authTime: rec.AuthTime,
		eventID: rec.OriginJTI, deviceKey: s.refreshDeviceKey(ctx, p, &u, rec, params["DEVICE_KEY"]), source: triggers.TokenRefreshTokens,
		scope: rec.Scope, nonce: rec.Nonce})
	if err != nil {
		return nil, err
	}
	return &authResult{Result: res, ChallengeParameters: map[string]string{}}, nil
}

// lookupRefreshToken finds a live refresh token issued to the client.
func (s *Service) lookupRefreshToken(ctx context.Context, cl *client, tok string) (*storage.RefreshToken, error) {
	rec, err := s.store.Tokens().Get(ctx, hashRefresh(tok))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, "Invalid Refresh Token")
	}
	if err != nil {
		return nil, err
	}
	if rec.ClientID != cl.rec.ID {
		return nil, errorf(NotAuthorized, "Invalid Refresh Token")
	}
	if !rec.RevokedAt.IsZero() {
		return nil, errorf(NotAuthorized, "Refresh Token has been revoked")
	}
	if !s.now().Before(rec.ExpiresAt) {
		return nil, errorf(NotAuthorized, "Refresh Token has expired")
	}
	return &rec, nil
}
