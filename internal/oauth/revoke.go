package oauth

import (
	"errors"
	"net/http"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// revoke is /oauth2/revoke (RFC 7009): revokes a refresh token and the
// access tokens issued from it, through the user pool's RevokeToken.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.writeError(w, errInvalidRequest("The body must be application/x-www-form-urlencoded."), false)
		return
	}
	if name := repeated(r.PostForm); name != "" {
		s.writeError(w, errInvalidRequest(name+" is repeated."), false)
		return
	}
	cl, err := s.authenticateClient(r)
	if err != nil {
		s.writeError(w, err, cl != nil && cl.basic)
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		s.writeError(w, errInvalidRequest("token is missing."), cl.basic)
		return
	}
	_, err = s.Users.RevokeToken(r.Context(), &cip.RevokeTokenRequest{ClientId: cl.ID, ClientSecret: cl.secret, Token: tok})
	var ue *userpool.Error
	if errors.As(err, &ue) {
		switch ue.Kind {
		case userpool.UnsupportedTokenType:
			err = &oauthError{Code: "unsupported_token_type", Description: ue.Message, status: http.StatusBadRequest}
		case userpool.UnsupportedOperation:
			err = errUnauthorizedClient(ue.Message)
		case userpool.NotAuthorized:
			err = errInvalidClient(ue.Message)
		default:
			err = errInvalidRequest(ue.Message)
		}
	}
	if err != nil {
		s.writeError(w, err, cl.basic)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
