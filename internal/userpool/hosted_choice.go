package userpool

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Choice-based sign-in and passkeys on the managed login pages. As in
// Cognito's managed login, a client that allows ALLOW_USER_AUTH in a pool
// whose SignInPolicy allows more first factors than PASSWORD gets pages
// that ask for the username first and then offer the user's factors: the
// pages run USER_AUTH (HostedUserAuth, then HostedRespond with
// SELECT_CHALLENGE, PASSWORD, EMAIL_OTP, SMS_OTP or WEB_AUTHN), so the
// rules, lockouts and triggers are the API's. After a sign-in without a
// passkey in a pool that offers passkeys, the pages offer to register one
// (HostedPasskeyOffer, HostedStartPasskey, HostedCompletePasskey), as
// StartWebAuthnRegistration and CompleteWebAuthnRegistration do for a
// signed-in user.

// HostedChoice reports whether the managed pages sign a client's users in
// by choice (USER_AUTH): the client allows ALLOW_USER_AUTH and the pool
// allows a first factor other than PASSWORD.
func (s *Service) HostedChoice(ctx context.Context, clientID string) bool {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil || !cl.allows("ALLOW_USER_AUTH") {
		return false
	}
	pol := p.cfg.Policies
	if pol == nil || pol.SignInPolicy == nil {
		return false
	}
	for _, f := range pol.SignInPolicy.AllowedFirstAuthFactors {
		if f != ffPassword {
			return true
		}
	}
	return false
}

// HostedUserAuth starts a choice-based sign-in for a username typed on the
// sign-in page: the step is SELECT_CHALLENGE with the factors the user can
// choose (Choices; PASSWORD_SRP, which needs a client-side computation, is
// left out). A password posted with the username (a form that has both) is
// USER_AUTH's PREFERRED_CHALLENGE PASSWORD, checked at once.
func (s *Service) HostedUserAuth(ctx context.Context, clientID, username, password string) (*HostedStep, error) {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, hostedKey{}, true)
	params := map[string]string{"USERNAME": username, "SECRET_HASH": cl.trustedHash(username)}
	if password != "" {
		params["PREFERRED_CHALLENGE"], params["PASSWORD"] = ffPassword, password
	}
	r, err := s.userAuth(ctx, p, cl, params)
	return hostedStep(r, err)
}

// HostedFlowName is the username a choice-based sign-in's Session was
// started with ("" when session is not one of the client's), so that the
// pages name the user of a wrong password by the flow, not by a form
// field the browser may change.
func (s *Service) HostedFlowName(ctx context.Context, clientID, session string) string {
	cl, err := s.loadClient(ctx, clientID)
	if err != nil {
		return ""
	}
	var st flowState
	if s.ring.OpenJSON(session, flowAAD, s.now(), &st) != nil || st.Client != cl.rec.ID {
		return ""
	}
	return st.Name
}

// hostedUser is the caller a managed-login page acts for: the user sub of
// the client's pool, signed in on the pages.
func (s *Service) hostedUser(ctx context.Context, clientID, sub string) (*caller, *relyingParty, error) {
	cl, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	if !p.passkeysOn() {
		return nil, nil, errorf(WebAuthnNotEnabled, "Passkeys are not enabled for this user pool: its SignInPolicy must allow WEB_AUTHN.")
	}
	rp := s.relyingParty(p)
	if rp == nil {
		return nil, nil, errorf(WebAuthnConfigurationMissing, "The user pool has no passkey relying party id and no domain.")
	}
	u, err := s.store.Users().GetBySub(ctx, p.rec.ID, sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, errorf(NotAuthorized, msgUserNotFound)
	}
	if err != nil {
		return nil, nil, err
	}
	if !u.Enabled {
		return nil, nil, errorf(NotAuthorized, msgUserDisabled)
	}
	return &caller{pool: p, client: cl, user: &u}, rp, nil
}

// HostedPasskeyOffer reports whether the pages, served at origin, should
// offer the user sub, just signed in through the client, to register a
// passkey: the pool offers passkeys, its relying party allows the origin,
// and the user has none yet.
func (s *Service) HostedPasskeyOffer(ctx context.Context, clientID, sub, origin string) bool {
	c, rp, err := s.hostedUser(ctx, clientID, sub)
	if err != nil || !rp.allowsOrigin(origin) {
		return false
	}
	n, err := s.store.Passkeys().Count(ctx, c.pool.rec.ID, sub)
	return err == nil && n == 0
}

// HostedStartPasskey returns the creation options of a new passkey for the
// user sub, signed in on the pages (as StartWebAuthnRegistration).
func (s *Service) HostedStartPasskey(ctx context.Context, clientID, sub string) (json.RawMessage, error) {
	c, rp, err := s.hostedUser(ctx, clientID, sub)
	if err != nil {
		return nil, err
	}
	return s.startRegistration(ctx, c, rp)
}

// HostedCompletePasskey verifies and stores the passkey the user sub's
// browser created (as CompleteWebAuthnRegistration).
func (s *Service) HostedCompletePasskey(ctx context.Context, clientID, sub string, credential []byte) error {
	c, rp, err := s.hostedUser(ctx, clientID, sub)
	if err != nil {
		return err
	}
	return s.completeRegistration(ctx, c, rp, credential)
}
