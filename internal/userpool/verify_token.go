package userpool

import (
	"context"
	"errors"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
)

// VerifiedToken is a user pool token that a resource server accepted.
type VerifiedToken struct {
	// Use is "id" or "access".
	Use      string
	ClientID string
	Sub      string
	Username string
	// Scopes are an access token's scopes.
	Scopes []string
	// Claims are all of the token's claims.
	Claims map[string]any
}

// VerifyToken checks an ID or access token of the pool as a resource
// server in front of it does (API Gateway's Cognito authorizer): the
// signature by the pool's keys for the token's use, expiry, iss,
// token_use, that its client (an ID token's aud, an access token's
// client_id) is one of the pool's app clients, that its session was not
// revoked (GlobalSignOut, RevokeToken, AdminUserGlobalSignOut), and that
// the user still exists and is enabled. Every refusal is
// NotAuthorizedException.
func (s *Service) VerifyToken(ctx context.Context, poolID, raw string) (*VerifiedToken, error) {
	refused := errorf(NotAuthorized, "Invalid token.")
	var peek struct {
		Use string `json:"token_use"`
	}
	if token.Peek(raw, &peek) != nil || (peek.Use != useAccess && peek.Use != useID) {
		return nil, refused
	}
	claims := map[string]any{}
	if err := s.tokens.VerifyUse(ctx, poolID, peek.Use, raw, &claims); err != nil {
		if errors.Is(err, token.ErrExpired) {
			return nil, errorf(NotAuthorized, "Token has expired.")
		}
		if errors.Is(err, token.ErrInvalid) || errors.Is(err, storage.ErrNotFound) {
			return nil, refused
		}
		return nil, err
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	v := &VerifiedToken{Use: str("token_use"), Sub: str("sub"), Claims: claims}
	if v.Use != peek.Use || str("iss") != s.issuer(poolID) || v.Sub == "" {
		return nil, refused
	}
	if v.Use == useAccess {
		v.ClientID, v.Username = str("client_id"), str("username")
		v.Scopes = strings.Fields(str("scope"))
	} else {
		v.ClientID, v.Username = str("aud"), str("cognito:username")
	}
	if _, _, err := s.loadClientOfPool(ctx, poolID, v.ClientID); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, refused
		}
		return nil, err
	}
	rt, err := s.store.Tokens().GetByOrigin(ctx, str("origin_jti"))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, errorf(NotAuthorized, "Token has been revoked.")
	case err != nil:
		return nil, err
	case !rt.RevokedAt.IsZero() || rt.PoolID != poolID || rt.Sub != v.Sub:
		return nil, errorf(NotAuthorized, "Token has been revoked.")
	}
	u, err := s.store.Users().GetBySub(ctx, poolID, v.Sub)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, errorf(NotAuthorized, "User does not exist.")
	case err != nil:
		return nil, err
	case !u.Enabled:
		return nil, errorf(NotAuthorized, "User is disabled.")
	}
	v.Username = u.Username
	return v, nil
}
