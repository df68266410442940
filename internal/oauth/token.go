package oauth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// tokenResponse is RFC 6749 5.1's answer (with OpenID's id_token).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// authedClient is the client a token request authenticated as.
type authedClient struct {
	*userpool.OAuthClient
	secret string
	basic  bool // authenticated with HTTP Basic
}

// token is /oauth2/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		s.writeError(w, errInvalidRequest("The body must be application/x-www-form-urlencoded."), false)
		return
	}
	if name := repeated(r.PostForm); name != "" {
		s.writeError(w, errInvalidRequest(name+" is repeated."), false)
		return
	}
	cl, err := s.authenticateClient(r)
	if err != nil {
		s.writeError(w, err, cl != nil && cl.basic || r.Header.Get("Authorization") != "")
		return
	}
	var res *tokenResponse
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		res, err = s.codeGrant(r, cl)
	case "refresh_token":
		res, err = s.refreshGrant(r, cl)
	case "client_credentials":
		res, err = s.clientCredentialsGrant(r, cl)
	case "":
		err = errInvalidRequest("grant_type is missing.")
	default:
		err = &oauthError{Code: "unsupported_grant_type", Description: "grant_type " + gt + " is not supported.", status: http.StatusBadRequest}
	}
	if err != nil {
		s.writeError(w, err, cl.basic)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	_ = json.NewEncoder(w).Encode(res)
}

// authenticateClient finds the client of a token (or revocation) request
// by client_secret_basic or client_secret_post, or a public client by its
// client_id (RFC 6749 2.3.1). The client must belong to the domain's pool.
func (s *Server) authenticateClient(r *http.Request) (*authedClient, error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return &authedClient{basic: true}, errInvalidClient("The Authorization header is malformed.")
		}
		if r.PostForm.Get("client_secret") != "" {
			return &authedClient{basic: true}, errInvalidRequest("Use one client authentication method.")
		}
		if fid := r.PostForm.Get("client_id"); fid != "" && fid != id {
			return &authedClient{basic: true}, errInvalidRequest("client_id does not match the Authorization header.")
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" {
		return &authedClient{basic: basic}, errInvalidClient("Client authentication is missing.")
	}
	cl, err := s.Users.OAuthClient(r.Context(), id)
	if err != nil || cl.PoolID != siteOf(r).poolID {
		return &authedClient{basic: basic}, errInvalidClient("Unknown client.")
	}
	if cl.HasSecret && secret == "" {
		return &authedClient{basic: basic}, errInvalidClient("The client must authenticate with its secret.")
	}
	if !s.Users.CheckClientSecret(r.Context(), id, secret) {
		return &authedClient{basic: basic}, errInvalidClient("Client authentication failed.")
	}
	return &authedClient{OAuthClient: cl, secret: secret, basic: basic}, nil
}

// repeated names a parameter given more than once, which RFC 6749 3.1 and
// 3.2 forbid (a second value could be read by one check and not another).
func repeated(v url.Values) string {
	for k, vs := range v {
		if len(vs) > 1 {
			return k
		}
	}
	return ""
}
