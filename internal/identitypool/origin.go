package identitypool

import (
	"context"
	"encoding/json"
	"math"
	"time"
)

// Derived tokens. An OpenID token of GetOpenIdToken is itself a login
// ("cognito-identity.amazonaws.com") for GetOpenIdToken and
// GetCredentialsForIdentity, and each such call mints a fresh token. Its
// authority is borrowed from the logins of the request that minted it, so
// it carries their origin (the "cognate:origin" claim) and is held to it:
//
//   - its exp is never later than the origin's exp, the earliest exp of
//     the login tokens the chain started from (a user-pool ID token, an
//     external OIDC token, or a developer token's own TokenDuration), and
//     a token minted from it inherits the origin, so no chain of tokens
//     outlasts the first login;
//   - it names the user-pool sign-ins (sessions) it derives from, and each
//     time it is presented every one of them must still be live and its
//     user present and enabled: GlobalSignOut, AdminUserGlobalSignOut,
//     RevokeToken, AdminDisableUser and AdminDeleteUser end the tokens
//     derived from the session, whether or not the pool's provider has
//     ServerSideTokenCheck.
//
// Developer-authenticated identities keep AWS's contract: the signed
// GetOpenIdTokenForDeveloperIdentity vouches for the identity itself, so
// its token's origin is the token (TokenDuration), with no session.

// tokenOrigin is where an OpenID token's authority comes from.
type tokenOrigin struct {
	// Exp (Unix seconds) bounds the exp of the token and of every token
	// minted from it.
	Exp int64 `json:"exp"`
	// Sessions are the user-pool sign-ins the token derives from.
	Sessions []originSession `json:"sessions,omitempty"`
}

// originSession is one user-pool sign-in: the user and the session id
// (origin_jti) its tokens share.
type originSession struct {
	UserPoolID string `json:"user_pool_id"`
	Sub        string `json:"sub"`
	OriginJTI  string `json:"origin_jti"`
}

// origin combines the origins of the request's logins: the earliest exp
// of those that bound it, and every session. Zero Exp means no login
// bounds it (a developer login).
func (r *resolution) origin() tokenOrigin {
	var o tokenOrigin
	seen := map[originSession]bool{}
	for _, l := range r.logins {
		if l.until > 0 && (o.Exp == 0 || l.until < o.Exp) {
			o.Exp = l.until
		}
		for _, sess := range l.sessions {
			if !seen[sess] {
				seen[sess] = true
				o.Sessions = append(o.Sessions, sess)
			}
		}
	}
	return o
}

// capped returns the exp of a token minted at now for ttl under origin o,
// and the origin the token carries: o, with o's exp if o bounds it, else
// the token's own.
func (o tokenOrigin) capped(now time.Time, ttl time.Duration) (int64, tokenOrigin) {
	exp := now.Add(ttl).Unix()
	if o.Exp != 0 && o.Exp < exp {
		exp = o.Exp
	}
	if o.Exp == 0 {
		o.Exp = exp
	}
	return exp, o
}

// checkOrigin checks, when a derived token is presented, that every
// session it derives from is still live and its user present and enabled
// (as ServerSideTokenCheck checks an ID token). It returns the login's
// user-pool user: the user of its first session.
func (s *Service) checkOrigin(ctx context.Context, l *login) error {
	for i, sess := range l.sessions {
		u, err := s.checkSession(ctx, sess.UserPoolID, sess.Sub, sess.OriginJTI)
		if err != nil {
			return err
		}
		if i == 0 {
			l.userPoolID, l.userSub, l.username = sess.UserPoolID, sess.Sub, u.Username
		}
	}
	return nil
}

// OpenIDTokenLive reports whether one of the identity pools' OpenID tokens
// may still be used: its signature and expiry verify and, if it derives
// from user-pool sign-ins, they are all still live (see checkOrigin). STS
// asks it before AssumeRoleWithWebIdentity accepts such a token.
func (s *Service) OpenIDTokenLive(ctx context.Context, tok string) (bool, error) {
	var c openIDClaims
	if err := s.tokens.VerifyUse(ctx, openIDPool, openIDUse, tok, &c); err != nil {
		return false, nil
	}
	l := &login{}
	if c.Origin != nil {
		l.sessions = c.Origin.Sessions
	}
	if err := s.checkOrigin(ctx, l); err != nil {
		if AsError(err) != nil {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// claimUnix reads a NumericDate claim (a JSON number, decoded as float64
// or json.Number) as Unix seconds; 0 when absent or not a number.
func claimUnix(v any) int64 {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return 0
		}
	default:
		return 0
	}
	if math.IsNaN(f) || f <= 0 || f > 1<<40 {
		return 0
	}
	return int64(f)
}
