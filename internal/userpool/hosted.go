package userpool

import (
	"context"
	"errors"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// The managed login pages and the OAuth endpoints (internal/oauth) use the
// sign-in flows of the API through this file. A hosted sign-in runs the
// same password check, lockouts, triggers and MFA challenges as
// InitiateAuth, but ends with the user's sub instead of tokens: the tokens
// are issued when the authorization code is redeemed (HostedTokens), with
// the grant's scopes and nonce and trigger source TokenGeneration_HostedAuth.
// The pages run on the server, so the client's explicit auth flows and
// SECRET_HASH do not apply to them.

type hostedKey struct{}

// isHosted reports whether ctx carries a managed-login sign-in.
func isHosted(ctx context.Context) bool { return ctx.Value(hostedKey{}) != nil }

// HostedStep is where a managed-login sign-in stands: a challenge to
// answer (ChallengeName, Session, Parameters), or the signed-in user (Sub).
type HostedStep struct {
	ChallengeName string
	Session       string
	Parameters    map[string]string
	// Choices are SELECT_CHALLENGE's factors, without PASSWORD_SRP.
	Choices []string
	Sub     string
}

func hostedStep(r *authResult, err error) (*HostedStep, error) {
	if err != nil {
		return nil, err
	}
	st := &HostedStep{ChallengeName: r.ChallengeName, Session: r.Session, Parameters: r.ChallengeParameters, Sub: r.hostedSub}
	for _, c := range r.AvailableChallenges {
		if c != ffPasswordSRP {
			st.Choices = append(st.Choices, c)
		}
	}
	return st, nil
}

// HostedSignIn checks a username and password typed on the sign-in page.
func (s *Service) HostedSignIn(ctx context.Context, clientID, username, password string) (*HostedStep, error) {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, hostedKey{}, true)
	params := map[string]string{"USERNAME": username, "PASSWORD": password, "SECRET_HASH": cl.trustedHash(username)}
	r, err := s.passwordAuth(ctx, p, cl, params)
	return hostedStep(s.auditSignIn(ctx, p, username, r, err))
}

// HostedRespond answers a challenge of a managed-login sign-in
// (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP,
// SELECT_MFA_TYPE, MFA_SETUP, and USER_AUTH's SELECT_CHALLENGE, PASSWORD,
// SMS_OTP and WEB_AUTHN).
func (s *Service) HostedRespond(ctx context.Context, clientID, challenge, session, username string, answers map[string]string) (*HostedStep, error) {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, hostedKey{}, true)
	resp := map[string]string{"USERNAME": username, "SECRET_HASH": cl.trustedHash(username)}
	for k, v := range answers {
		resp[k] = v
	}
	return hostedStep(s.respond(ctx, p, cl, challenge, session, resp))
}

// SecretHashFor returns the SECRET_HASH of a username for the client (""
// for a client without a secret), for the managed pages' calls of
// SignUp, ConfirmSignUp, ForgotPassword and the like.
func (s *Service) SecretHashFor(ctx context.Context, clientID, username string) string {
	cl, err := s.loadClient(ctx, clientID)
	if err != nil {
		return ""
	}
	return cl.trustedHash(username)
}

func (c *client) trustedHash(username string) string {
	if c.secret == "" || len(c.secrets) == 0 {
		return ""
	}
	return secretHash(c.secrets[0].Value, username, c.rec.ID)
}

// Grant is what an authorization code (or a live managed-login session)
// grants: tokens for Sub through ClientID with Scopes and Nonce. Origin is
// the origin_jti of the session the tokens start, chosen when the code is
// made.
type Grant struct {
	ClientID string
	Sub      string
	Scopes   []string
	Nonce    string
	Origin   string
	// AuthTime is when the user signed in, which may be before the grant
	// (a managed-login session signs in silently); zero means now.
	AuthTime time.Time
}

// HostedTokens issues the tokens of a grant: access and ID tokens carrying
// its scopes (scope), nonce and at_hash, and a refresh token that keeps
// them.
func (s *Service) HostedTokens(ctx context.Context, g Grant) (*cip.AuthenticationResultType, error) {
	cl, p, err := s.clientAndPool(ctx, g.ClientID)
	if err != nil {
		return nil, err
	}
	u, err := s.store.Users().GetBySub(ctx, p.rec.ID, g.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, msgUserNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errorf(NotAuthorized, msgUserDisabled)
	}
	return s.issueTokens(ctx, p, cl, &u, &session{source: triggers.TokenHostedAuth,
		scope: strings.Join(g.Scopes, " "), nonce: g.Nonce, origin: g.Origin, authTime: g.AuthTime})
}

// RevokeSession revokes the refresh tokens of the session that began with
// originJTI, and so every access token issued in it (a replayed
// authorization code, RFC 9700 4.4). An unknown session is no error.
func (s *Service) RevokeSession(ctx context.Context, originJTI string) error {
	rec, err := s.store.Tokens().GetByOrigin(ctx, originJTI)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.Tokens().RevokeFamily(ctx, rec.FamilyID, s.now())
}

func hasScope(scopes, want string) bool {
	for _, sc := range strings.Fields(scopes) {
		if sc == want {
			return true
		}
	}
	return false
}
