package oauth

import (
	"encoding/json"
	"net/http"
	"strings"
)

// userInfo is /oauth2/userInfo (OpenID Connect Core 5.3): the user's
// claims for a bearer access token granted openid, by GET or POST.
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && r.Method == http.MethodPost {
		tok = r.PostFormValue("access_token")
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if tok == "" {
		h.Set("WWW-Authenticate", `Bearer error="invalid_request"`)
		http.Error(w, `{"error":"invalid_request","error_description":"Access token is missing."}`, http.StatusUnauthorized)
		return
	}
	claims, err := s.Users.UserInfo(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_token", "error_description": errDescription(err)})
		return
	}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(claims)
}
