package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// userInfo is /oauth2/userInfo (OpenID Connect Core 5.3): the user's
// claims for a bearer access token granted openid, by GET or POST. The
// token comes in the Authorization header (RFC 6750 2.1) or, on a POST, in
// the form (2.2), never both. Errors are RFC 6750 3's: a challenge in
// WWW-Authenticate and the same error as a JSON body. As Cognito documents
// (and RFC 6750 3.1 allows), a request without a token is 400
// invalid_request; a token that is not valid is 401 invalid_token.
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	tok, problem := bearerToken(r)
	if problem != "" {
		bearerError(w, http.StatusBadRequest, "invalid_request", problem)
		return
	}
	claims, err := s.Users.UserInfo(r.Context(), tok)
	var ue *userpool.Error
	switch {
	case errors.As(err, &ue):
		bearerError(w, http.StatusUnauthorized, "invalid_token", ue.Message)
		return
	case err != nil:
		s.Logger.Error("oauth: userInfo", "err", err)
		h.Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"server_error"}` + "\n"))
		return
	}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(claims)
}

// bearerToken returns a userInfo request's access token, or what is wrong
// with the request. The auth-scheme is case-insensitive (RFC 7235 2.1).
func bearerToken(r *http.Request) (tok, problem string) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, rest, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return "", "The Authorization header must use the Bearer scheme."
		}
		tok = strings.TrimSpace(rest)
		if tok == "" {
			return "", "Access token is missing."
		}
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			return "", "The body must be application/x-www-form-urlencoded."
		}
		if form := r.PostForm.Get("access_token"); form != "" {
			if tok != "" {
				return "", "Send the access token one way only."
			}
			tok = form
		}
	}
	if tok == "" {
		return "", "Access token is missing."
	}
	return tok, ""
}

// bearerError writes an RFC 6750 3 error: the Bearer challenge and a JSON
// body with the same error.
func bearerError(w http.ResponseWriter, status int, code, desc string) {
	h := w.Header()
	h.Set("WWW-Authenticate", `Bearer error="`+code+`", error_description="`+challengeText(desc)+`"`)
	h.Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// challengeText keeps only the characters RFC 6750 3 allows in an
// error_description (printable ASCII but '"' and '\').
func challengeText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return -1
		}
		return r
	}, s)
}
