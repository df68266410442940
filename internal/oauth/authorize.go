package oauth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// authRequest is a checked authorization request. The pages carry it
// sealed in their forms (flow), so nothing in it can be changed between
// /oauth2/authorize and the code.
type authRequest struct {
	Client       string   `json:"c"`
	Redirect     string   `json:"r"`
	ResponseType string   `json:"t"`
	State        string   `json:"s,omitempty"`
	Scopes       []string `json:"o"`
	Nonce        string   `json:"n,omitempty"`
	Challenge    string   `json:"x,omitempty"`
	Lang         string   `json:"l,omitempty"`
}

// pageError is a problem with a request that must not redirect (unknown
// client or redirect_uri): it is shown on an error page.
type pageError struct{ key string }

// parseAuthRequest checks the parameters of an authorization request
// (RFC 6749 4.1.1, RFC 7636, OpenID Connect Core 3.1.2.1). Problems with
// the client or redirect_uri come back as a *pageError; the others as an
// *oauthError to send to the (then trusted) redirect_uri.
func (s *Server) parseAuthRequest(r *http.Request, q url.Values) (*authRequest, *userpool.OAuthClient, *pageError, *oauthError) {
	st := siteOf(r)
	cl, err := s.Users.OAuthClient(r.Context(), q.Get("client_id"))
	if err != nil || cl.PoolID != st.poolID {
		return nil, nil, &pageError{"err.client"}, nil
	}
	st.client = cl.ID
	req := &authRequest{Client: cl.ID, Redirect: q.Get("redirect_uri"), ResponseType: q.Get("response_type"),
		State: q.Get("state"), Nonce: q.Get("nonce"), Lang: loginui.Lang(q.Get("lang"))}
	if req.Redirect == "" || !slices.Contains(cl.CallbackURLs, req.Redirect) || len(q["redirect_uri"]) > 1 {
		return nil, nil, &pageError{"err.redirect"}, nil
	}
	if name := repeated(q); name != "" {
		return req, cl, nil, errInvalidRequest(name + " is repeated.")
	}
	if !cl.Enabled {
		return req, cl, nil, errUnauthorizedClient("The client is not allowed to use OAuth flows.")
	}
	switch req.ResponseType {
	case "code":
		if !slices.Contains(cl.Flows, "code") {
			return req, cl, nil, errUnauthorizedClient("The client may not use the authorization code grant.")
		}
	case "token":
		if !slices.Contains(cl.Flows, "implicit") {
			return req, cl, nil, errUnauthorizedClient("The client may not use the implicit grant.")
		}
	default:
		return req, cl, nil, &oauthError{Code: "unsupported_response_type", Description: "response_type must be code or token."}
	}
	req.Scopes = strings.Fields(q.Get("scope"))
	if len(req.Scopes) == 0 {
		req.Scopes = slices.Clone(cl.Scopes)
	}
	for _, sc := range req.Scopes {
		if !slices.Contains(cl.Scopes, sc) {
			return req, cl, nil, errInvalidScope("The client may not ask for scope " + sc + ".")
		}
	}
	if c := q.Get("code_challenge"); c != "" || q.Get("code_challenge_method") != "" {
		if q.Get("code_challenge_method") != "S256" {
			return req, cl, nil, errInvalidRequest("code_challenge_method must be S256.")
		}
		if !challengePattern.MatchString(c) {
			return req, cl, nil, errInvalidRequest("code_challenge is not an S256 challenge.")
		}
		req.Challenge = c
	}
	if req.ResponseType == "token" && req.Challenge != "" {
		return req, cl, nil, errInvalidRequest("PKCE applies to the authorization code grant only.")
	}
	if cl.RequirePKCE && req.Challenge == "" { // the pool's cognate:require-pkce tag
		return req, cl, nil, errInvalidRequest("code_challenge is required (PKCE with S256): the user pool requires PKCE for this client.")
	}
	switch q.Get("prompt") {
	case "", "none", "login", "consent", "select_account":
	default:
		return req, cl, nil, errInvalidRequest("prompt is not valid.")
	}
	return req, cl, nil, nil
}

// authorize is /oauth2/authorize.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req, cl, perr, oerr := s.parseAuthRequest(r, q)
	if perr != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: q.Get("lang"), Title: "error.title", Error: perr.key})
		return
	}
	if oerr != nil {
		redirectError(w, r, req, oerr.Code, oerr.Description)
		return
	}
	if idp, ident := q.Get("identity_provider"), q.Get("idp_identifier"); (idp != "" && idp != "COGNITO") || (idp == "" && ident != "") {
		s.federate(w, r, req, cl, idp, ident)
		return
	}
	prompt := q.Get("prompt")
	if ls := s.currentSession(r); ls != nil && prompt != "login" {
		s.completeAt(w, r, req, ls.Sub, time.Unix(ls.AuthTime, 0))
		return
	}
	if prompt == "none" {
		redirectError(w, r, req, "login_required", "")
		return
	}
	http.Redirect(w, r, siteOf(r).base+"/login?"+r.URL.RawQuery, http.StatusFound)
}

// complete ends a sign-in for sub that just happened: the code (or, for
// the implicit grant, the tokens) goes to the client's redirect_uri.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, req *authRequest, sub string) {
	s.completeAt(w, r, req, sub, s.Now())
}

// completeAt is complete for a user who signed in at authTime (earlier,
// when a managed-login session signs them in silently): the tokens'
// auth_time (OpenID Connect Core 2).
func (s *Server) completeAt(w http.ResponseWriter, r *http.Request, req *authRequest, sub string, authTime time.Time) {
	v := url.Values{}
	if req.ResponseType == "token" {
		res, err := s.Users.HostedTokens(r.Context(), userpool.Grant{ClientID: req.Client, Sub: sub, Scopes: req.Scopes, Nonce: req.Nonce,
			AuthTime: authTime})
		if err != nil {
			s.failPage(w, r, req.Lang, err)
			return
		}
		v.Set("access_token", res.AccessToken)
		if slices.Contains(req.Scopes, "openid") {
			v.Set("id_token", res.IdToken)
		}
		v.Set("token_type", "Bearer")
		v.Set("expires_in", itoa(int64(deref(res.ExpiresIn))))
	} else {
		code, err := s.newCode(req, sub, authTime)
		if err != nil {
			s.failPage(w, r, req.Lang, err)
			return
		}
		v.Set("code", code)
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	http.Redirect(w, r, withParams(req.Redirect, v, req.ResponseType == "token"), http.StatusFound)
}
