package oauth

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// clientCredentialsGrant issues a machine-to-machine access token (RFC
// 6749 4.4) for resource-server scopes the client is allowed; no scope
// asks for all of them. The client must have a secret.
func (s *Server) clientCredentialsGrant(r *http.Request, cl *authedClient) (*tokenResponse, error) {
	if !cl.HasSecret || !cl.Enabled || !slices.Contains(cl.Flows, "client_credentials") {
		return nil, errUnauthorizedClient("The client may not use the client_credentials grant.")
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if len(scopes) == 0 {
		for _, sc := range cl.Scopes {
			if strings.Contains(sc, "/") { // resource-server scopes only
				scopes = append(scopes, sc)
			}
		}
	}
	if len(scopes) == 0 {
		return nil, errInvalidScope("The client has no resource-server scopes.")
	}
	for _, sc := range scopes {
		if !slices.Contains(cl.Scopes, sc) || !strings.Contains(sc, "/") {
			return nil, errInvalidScope("The client may not ask for scope " + sc + ".")
		}
	}
	tok, ttl, err := s.Users.MachineToken(r.Context(), cl.ID, scopes)
	if err != nil {
		return nil, err
	}
	return &tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(ttl / time.Second)}, nil
}
