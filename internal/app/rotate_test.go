package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/cognate-dev/cognate/internal/app"
)

// kidOf returns the kid in a compact JWS's header.
func kidOf(t *testing.T, token string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0])
	if err != nil {
		t.Fatalf("token header: %v", err)
	}
	var h struct{ Kid string }
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatalf("token header: %v", err)
	}
	return h.Kid
}

// TestRotateSigningKeys: after a rotation new tokens carry new kids, and
// tokens signed before it still verify, against the JWKS and on the API.
func TestRotateSigningKeys(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		ctx := context.Background()
		poolID := s.pool(&cip.CreateUserPoolInput{PoolName: aws.String("rotating")})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "ada", "Passw0rd!long")
		before := s.signIn(clientID, "ada", "Passw0rd!long")

		if err := s.app.RotateSigningKeys(ctx, poolID); err != nil {
			t.Fatalf("rotate: %v", err)
		}
		clk.Advance(time.Minute) // past every node's key cache
		after := s.signIn(clientID, "ada", "Passw0rd!long")

		for _, pair := range [][2]string{
			{*before.IdToken, *after.IdToken},
			{*before.AccessToken, *after.AccessToken},
		} {
			if kidOf(t, pair[0]) == kidOf(t, pair[1]) {
				t.Fatalf("kid unchanged by rotation: %s", kidOf(t, pair[0]))
			}
			for _, tok := range pair {
				if s.verifyJWT(poolID, tok)["sub"] == nil {
					t.Fatal("token without sub")
				}
			}
		}
		var set jose.JSONWebKeySet
		getJSON(t, s, s.http.URL+"/"+poolID+"/.well-known/jwks.json", &set)
		if len(set.Keys) != 4 {
			t.Fatalf("JWKS has %d keys, want the 2 old and the 2 new", len(set.Keys))
		}
		for _, tok := range []string{*before.AccessToken, *after.AccessToken} {
			if _, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(tok)}); err != nil {
				t.Fatalf("GetUser with a token from before or after rotation: %v", err)
			}
		}

		if err := s.app.RotateSigningKeys(ctx, "us-east-1_NoSuchPoo"); err == nil {
			t.Fatal("rotating an unknown pool succeeded")
		}
		if err := s.app.RotateSigningKeys(ctx, app.OpenIDIssuer); err != nil {
			t.Fatalf("rotate the OpenID issuer: %v", err)
		}
	})
}
