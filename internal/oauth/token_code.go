package oauth

import (
	"net/http"
	"slices"
	"time"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// codeGrant redeems an authorization code (RFC 6749 4.1.3, RFC 7636 4.6).
// The code must have been issued to this client for this redirect_uri,
// with the PKCE verifier of its challenge; and only once: a second
// redemption is refused and revokes the tokens of the first.
func (s *Server) codeGrant(r *http.Request, cl *authedClient) (*tokenResponse, error) {
	f := r.PostForm
	code := f.Get("code")
	if code == "" {
		return nil, errInvalidRequest("code is missing.")
	}
	g, ok := s.openCode(code, cl.ID)
	if !ok {
		return nil, errInvalidGrant("The authorization code is invalid or expired.")
	}
	if f.Get("redirect_uri") != g.Redirect {
		return nil, errInvalidGrant("redirect_uri does not match the authorization request.")
	}
	verifier := f.Get("code_verifier")
	switch {
	case g.Challenge != "" && !pkceMatches(g.Challenge, verifier):
		return nil, errInvalidGrant("The code_verifier does not match the code_challenge.")
	case g.Challenge == "" && verifier != "":
		return nil, errInvalidGrant("The authorization request had no code_challenge.")
	}
	if !slices.Contains(cl.Flows, "code") || !cl.Enabled {
		return nil, errUnauthorizedClient("The client may not use the authorization code grant.")
	}
	first, err := s.spendCode(r.Context(), code)
	if err != nil {
		return nil, err
	}
	if !first {
		if err := s.Users.RevokeSession(r.Context(), g.Origin); err != nil {
			return nil, err
		}
		s.Logger.Warn("oauth: authorization code replayed; its tokens are revoked", "client", cl.ID)
		return nil, errInvalidGrant("The authorization code was already used.")
	}
	res, err := s.Users.HostedTokens(r.Context(), userpool.Grant{ClientID: cl.ID, Sub: g.Sub, Scopes: g.Scopes, Nonce: g.Nonce, Origin: g.Origin,
		AuthTime: unixOrZero(g.AuthTime)})
	if err != nil {
		return nil, err
	}
	out := &tokenResponse{AccessToken: res.AccessToken, RefreshToken: res.RefreshToken, TokenType: "Bearer", ExpiresIn: int64(deref(res.ExpiresIn))}
	if slices.Contains(g.Scopes, "openid") {
		out.IDToken = res.IdToken
	}
	return out, nil
}

// unixOrZero is the time of Unix seconds, zero for 0 (a code sealed before
// codes carried the time).
func unixOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}
