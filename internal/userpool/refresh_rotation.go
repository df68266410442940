package userpool

import (
	"context"
	"errors"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// Refresh-token rotation. A client whose RefreshTokenRotation Feature is
// ENABLED refreshes only with GetTokensFromRefreshToken, and every refresh
// gives a new refresh token, valid for what remained of the old one's life,
// in the same family (same origin_jti and auth_time). The old token keeps
// working for RetryGracePeriodSeconds (0 to 60) after its first use, so a
// client can retry a refresh whose answer it lost; used again after that it
// is a stolen or leaked token replayed, and, as the OAuth 2.0 security BCP
// (RFC 9700, section 4.14.2) asks, the whole family is revoked and the
// answer is RefreshTokenReuseException.

// rotatesRefreshTokens reports whether the client rotates refresh tokens.
func (c *client) rotatesRefreshTokens() bool {
	r := c.cfg.RefreshTokenRotation
	return r != nil && r.Feature == "ENABLED"
}

// retryGrace is the client's RetryGracePeriodSeconds.
func (c *client) retryGrace() time.Duration {
	if r := c.cfg.RefreshTokenRotation; r != nil {
		return time.Duration(int32v(r.RetryGracePeriodSeconds, 0)) * time.Second
	}
	return 0
}

// GetTokensFromRefreshToken trades a refresh token for new access and ID
// tokens, and with rotation for a new refresh token too.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in *cip.GetTokensFromRefreshTokenRequest) (*cip.GetTokensFromRefreshTokenResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if !cl.acceptsSecret(in.ClientSecret) {
		return nil, errorf(NotAuthorized, "Client secret is missing or invalid for client %s", cl.rec.ID)
	}
	if !cl.rotatesRefreshTokens() && !cl.allows("ALLOW_REFRESH_TOKEN_AUTH") {
		return nil, errorf(InvalidParameter, "Refresh Token flow not enabled for this client")
	}
	rec, err := s.store.Tokens().Get(ctx, hashRefresh(in.RefreshToken))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && rec.ClientID != cl.rec.ID) {
		return nil, errorf(NotAuthorized, "Invalid Refresh Token")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case !rec.RevokedAt.IsZero():
		return nil, errorf(NotAuthorized, "Refresh Token has been revoked")
	case !now.Before(rec.ExpiresAt):
		return nil, errorf(NotAuthorized, "Refresh Token has expired")
	}
	u, err := s.store.Users().GetBySub(ctx, p.rec.ID, rec.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(NotAuthorized, "Invalid Refresh Token")
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errorf(NotAuthorized, msgUserDisabled)
	}
	sess := &session{originJTI: rec.OriginJTI, familyID: rec.FamilyID, authTime: rec.AuthTime, eventID: rec.OriginJTI,
		deviceKey: s.refreshDeviceKey(ctx, p, &u, &rec, in.DeviceKey), source: triggers.TokenRefreshTokens,
		scope: rec.Scope, nonce: rec.Nonce}
	var successor string
	if cl.rotatesRefreshTokens() {
		if successor, err = s.rotate(ctx, cl, &rec, sess); err != nil {
			return nil, err
		}
	}
	res, err := s.issueTokens(ctx, p, cl, &u, sess)
	if err != nil {
		return nil, err
	}
	res.RefreshToken = successor
	return &cip.GetTokensFromRefreshTokenResponse{AuthenticationResult: res}, nil
}

// rotate replaces rec with a new refresh token of the same family, or
// detects its reuse.
func (s *Service) rotate(ctx context.Context, cl *client, rec *storage.RefreshToken, sess *session) (string, error) {
	now := s.now()
	first, again := rec.RotatedAt, !rec.RotatedAt.IsZero()
	if !again {
		won, err := s.store.Tokens().Rotate(ctx, rec.ID, now)
		if err != nil {
			return "", err
		}
		if !won { // rotated by a concurrent request
			latest, err := s.store.Tokens().Get(ctx, rec.ID)
			if err != nil {
				return "", err
			}
			first, again = latest.RotatedAt, true
		}
	}
	if again && !now.Before(first.Add(cl.retryGrace())) {
		if err := s.store.Tokens().RevokeFamily(ctx, rec.FamilyID, now); err != nil {
			return "", err
		}
		s.log.Warn("refresh token reused after rotation: session revoked", "pool", rec.PoolID, "client", rec.ClientID, "sub", rec.Sub)
		return "", errorf(RefreshTokenReuse, "The refresh token was already used to get a new one; the session's refresh tokens are revoked.")
	}
	next := newRefreshToken()
	err := s.store.Tokens().Create(ctx, storage.RefreshToken{
		ID: hashRefresh(next), PoolID: rec.PoolID, ClientID: rec.ClientID, Sub: rec.Sub,
		OriginJTI: rec.OriginJTI, FamilyID: rec.FamilyID, DeviceKey: sess.deviceKey, AuthTime: rec.AuthTime,
		CreatedAt: now, ExpiresAt: rec.ExpiresAt, Scope: rec.Scope, Nonce: rec.Nonce,
	})
	return next, err
}

// refreshDeviceKey is the device_key of refreshed tokens: the DEVICE_KEY the
// client sent when it names one of the user's devices, else the device of
// the sign-in.
func (s *Service) refreshDeviceKey(ctx context.Context, p *pool, u *storage.User, rec *storage.RefreshToken, given string) string {
	if given == "" || given == rec.DeviceKey || !p.tracksDevices() {
		return rec.DeviceKey
	}
	if _, err := s.userDevice(ctx, p, u, given); err != nil {
		return rec.DeviceKey
	}
	return given
}
