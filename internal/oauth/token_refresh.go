package oauth

import (
	"net/http"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// refreshGrant refreshes tokens (RFC 6749 6) through the user pool's own
// refresh (GetTokensFromRefreshToken): the client's rotation settings
// apply, and the tokens keep the scopes and nonce of the grant.
func (s *Server) refreshGrant(r *http.Request, cl *authedClient) (*tokenResponse, error) {
	tok := r.PostForm.Get("refresh_token")
	if tok == "" {
		return nil, errInvalidRequest("refresh_token is missing.")
	}
	out, err := s.Users.GetTokensFromRefreshToken(r.Context(), &cip.GetTokensFromRefreshTokenRequest{
		ClientId: cl.ID, ClientSecret: cl.secret, RefreshToken: tok})
	if err != nil {
		return nil, err
	}
	res := out.AuthenticationResult
	return &tokenResponse{AccessToken: res.AccessToken, IDToken: res.IdToken, RefreshToken: res.RefreshToken,
		TokenType: "Bearer", ExpiresIn: int64(deref(res.ExpiresIn))}, nil
}
