package oauth

import (
	"context"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/google/uuid"
)

// codeTTL is how long an authorization code lives (RFC 6749 4.1.2
// recommends at most ten minutes).
const codeTTL = 5 * time.Minute

// codeGrant is what an authorization code carries, sealed.
type codeGrant struct {
	authRequest
	Sub    string `json:"u"`
	Origin string `json:"g"` // origin_jti of the tokens it will be redeemed for
	// AuthTime is when the user signed in (Unix seconds): the tokens'
	// auth_time, also when a session signed the user in silently.
	AuthTime int64 `json:"a,omitempty"`
}

func codeAAD(client string) string { return "oauth-code:" + client }

// newCode seals a grant into an authorization code bound to the client,
// redirect_uri and PKCE challenge of req.
func (s *Server) newCode(req *authRequest, sub string, authTime time.Time) (string, error) {
	g := codeGrant{authRequest: *req, Sub: sub, Origin: uuid.NewString(), AuthTime: authTime.Unix()}
	return s.Ring.SealJSON(g, codeAAD(req.Client), codeTTL, s.Now())
}

// openCode opens a code made for client; false when it is not one (forged,
// expired, or another client's).
func (s *Server) openCode(code, client string) (*codeGrant, bool) {
	var g codeGrant
	if code == "" || s.Ring.OpenJSON(code, codeAAD(client), s.Now(), &g) != nil || g.Client != client {
		return nil, false
	}
	return &g, true
}

// spendCode records a redemption of code and reports whether it was the
// first. The hash of the code is kept (storage.Nonces) until well after it
// expires, so every node refuses a replay.
func (s *Server) spendCode(ctx context.Context, code string) (bool, error) {
	n, err := s.Nonces.Use(ctx, secret.HashToken("oauth-code:"+code), s.Now().Add(2*codeTTL))
	return n == 1, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
