package awsproto

import (
	"net/http"
	"strings"
)

// Browser clients (amazon-cognito-identity-js, Amplify) call the API with
// fetch in CORS mode. Responses carry no cookies, so a wildcard origin is
// safe: authorisation travels in tokens and signatures, never in ambient
// credentials.
var (
	corsAllowHeaders = strings.Join([]string{
		"content-type", "x-amz-target", "x-amz-user-agent", "cache-control",
		"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
		"amz-sdk-invocation-id", "amz-sdk-request", "x-amz-client-context", "x-amzn-trace-id",
	}, ", ")
	corsExposeHeaders = strings.Join([]string{
		"x-amzn-RequestId", "x-amzn-ErrorType", "x-amzn-ErrorMessage", "x-amz-date", "Date",
	}, ", ")
)

// setCORS adds the headers every cross-origin response needs.
func setCORS(h http.Header, r *http.Request) {
	if r.Header.Get("Origin") == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
}

// preflight answers an OPTIONS request.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
