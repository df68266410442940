package userpool

import (
	"context"
	"errors"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
)

// caller is the user an access token speaks for.
type caller struct {
	pool   *pool
	client *client
	user   *storage.User
	claims *accessClaims
}

// authenticate checks an access token for a self-service operation:
// authenticateScoped, and that the token has the scope
// aws.cognito.signin.user.admin (tokens of the OAuth endpoints may not).
func (s *Service) authenticate(ctx context.Context, accessToken string) (*caller, error) {
	c, err := s.authenticateScoped(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if !hasScope(c.claims.Scope, adminScope) {
		return nil, errorf(NotAuthorized, "Access Token does not have required scopes")
	}
	return c, nil
}

// authenticateScoped checks an access token: the signature against the
// pool's keys, expiry, token_use, that the session it came from is not
// revoked, and that the user is still there and enabled.
func (s *Service) authenticateScoped(ctx context.Context, accessToken string) (*caller, error) {
	var peek struct {
		Iss string `json:"iss"`
	}
	if token.Peek(accessToken, &peek) != nil {
		return nil, errorf(NotAuthorized, msgInvalidToken)
	}
	poolID, ok := strings.CutPrefix(peek.Iss, s.publicURL+"/")
	if !ok || strings.Contains(poolID, "/") {
		return nil, errorf(NotAuthorized, msgInvalidToken)
	}
	p, err := s.loadPool(ctx, poolID)
	var perr *Error
	if errors.As(err, &perr) {
		return nil, errorf(NotAuthorized, msgInvalidToken)
	}
	if err != nil {
		return nil, err
	}
	var c accessClaims
	if err := s.tokens.VerifyUse(ctx, poolID, useAccess, accessToken, &c); err != nil {
		if errors.Is(err, token.ErrExpired) {
			return nil, errorf(NotAuthorized, "Access Token has expired")
		}
		if errors.Is(err, token.ErrInvalid) {
			return nil, errorf(NotAuthorized, msgInvalidToken)
		}
		return nil, err
	}
	if c.TokenUse != useAccess || c.Iss != peek.Iss {
		return nil, errorf(NotAuthorized, msgInvalidToken)
	}
	rt, err := s.store.Tokens().GetByOrigin(ctx, c.OriginJTI)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, msgRevokedToken)
	}
	if err != nil {
		return nil, err
	}
	if !rt.RevokedAt.IsZero() {
		return nil, errorf(NotAuthorized, msgRevokedToken)
	}
	u, err := s.store.Users().GetBySub(ctx, poolID, c.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(UserNotFound, msgUserNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errorf(NotAuthorized, msgUserDisabled)
	}
	if u.Status == "RESET_REQUIRED" {
		return nil, errorf(PasswordResetRequired, msgResetRequired)
	}
	cl, err := s.loadClient(ctx, c.ClientID)
	if errors.As(err, &perr) {
		return nil, errorf(NotAuthorized, msgRevokedToken)
	}
	if err != nil {
		return nil, err
	}
	p.hideRemoved(&u)
	return &caller{pool: p, client: cl, user: &u, claims: &c}, nil
}

// GetUser returns the signed-in user's attributes the client may read.
func (s *Service) GetUser(ctx context.Context, in *cip.GetUserRequest) (*cip.GetUserResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	mfa, err := s.mfaViewOf(c.user)
	if err != nil {
		return nil, err
	}
	return &cip.GetUserResponse{
		Username:       c.user.Username,
		UserAttributes: attributeList(c.user.Sub, c.user.Attributes, c.client.clientReadable),
		MFAOptions:     mfa.options, PreferredMfaSetting: mfa.preferred, UserMFASettingList: mfa.list,
	}, nil
}

// GlobalSignOut revokes every refresh token of the signed-in user, and with
// them every access token they issued.
func (s *Service) GlobalSignOut(ctx context.Context, in *cip.GlobalSignOutRequest) (*cip.GlobalSignOutResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.Tokens().RevokeUser(ctx, c.pool.rec.ID, c.user.Sub, s.now()); err != nil {
		return nil, err
	}
	return &cip.GlobalSignOutResponse{}, nil
}

// RevokeToken revokes a refresh token, and the access tokens issued from
// it (RFC 7009: an unknown token is not an error).
func (s *Service) RevokeToken(ctx context.Context, in *cip.RevokeTokenRequest) (*cip.RevokeTokenResponse, error) {
	cl, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if !cl.acceptsSecret(in.ClientSecret) {
		return nil, errorf(NotAuthorized, "Client secret is missing or invalid for client %s", cl.rec.ID)
	}
	if !boolv(cl.cfg.EnableTokenRevocation) {
		return nil, errorf(UnsupportedOperation, "Token revocation is not enabled for client %s", cl.rec.ID)
	}
	if strings.Count(in.Token, ".") == 2 {
		return nil, errorf(UnsupportedTokenType, "Only refresh tokens can be revoked.")
	}
	rec, err := s.store.Tokens().Get(ctx, hashRefresh(in.Token))
	if errors.Is(err, storage.ErrNotFound) {
		return &cip.RevokeTokenResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	if rec.ClientID != cl.rec.ID {
		return nil, errorf(Unauthorized, "The token was not issued to client %s", cl.rec.ID)
	}
	if err := s.store.Tokens().RevokeFamily(ctx, rec.FamilyID, s.now()); err != nil {
		return nil, err
	}
	return &cip.RevokeTokenResponse{}, nil
}
