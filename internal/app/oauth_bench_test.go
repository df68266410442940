package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// The OAuth endpoints over real HTTP, on SQLite (see bench_test.go for how
// to run and read them).

// startBenchRP is startRP with the per-address limits of the endpoints the
// benchmarks drive raised out of the way (every request comes from one
// address); the limiter still runs, so its cost is counted.
func startBenchRP(b *testing.B) *server {
	return startRP(b, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.RateLimits = "address:UserAuthentication=1000000/1000000,address:UserToken=1000000/1000000"
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
}

// BenchmarkOAuthCodeExchange runs a code grant for a signed-in browser:
// /oauth2/authorize with a live session (a code at once) and the code's
// redemption at /oauth2/token with PKCE (two RSA signatures).
func BenchmarkOAuthCodeExchange(b *testing.B) {
	s := startBenchRP(b)
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	s.user(poolID, "bench", "Correct-Horse-9")
	r := newRP(b, s, poolID, clientID, secret, "openid", "email")
	br := newBrowser(b)
	login := br.get(r.conf.AuthCodeURL("s"))
	br.submit(login, map[string]string{"username": "bench", "password": "Correct-Horse-9"})
	verifier := oauth2.GenerateVerifier()
	authURL := r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))
	tokenURL := r.provider.Endpoint().TokenURL
	parallel(b, func() error {
		resp, err := br.client.Get(authURL)
		if err != nil {
			return err
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			return fmt.Errorf("authorize: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		return postToken(s, tokenURL, clientID, secret, url.Values{"grant_type": {"authorization_code"},
			"code": {loc.Query().Get("code")}, "redirect_uri": {rpCallback}, "code_verifier": {verifier}})
	})
}

// BenchmarkOAuthClientCredentials issues machine-to-machine tokens (one
// RSA signature each).
func BenchmarkOAuthClientCredentials(b *testing.B) {
	s := startBenchRP(b)
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}, "api/read")
	tokenURL := newRP(b, s, poolID, clientID, secret).provider.Endpoint().TokenURL
	parallel(b, func() error {
		return postToken(s, tokenURL, clientID, secret, url.Values{"grant_type": {"client_credentials"}, "scope": {"api/read"}})
	})
}

// BenchmarkOAuthSignInPage renders the managed sign-in page (the request
// checked, its flow sealed, the template executed).
func BenchmarkOAuthSignInPage(b *testing.B) {
	s := startBenchRP(b)
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(b, s, poolID, clientID, secret, "openid")
	loginURL := strings.Replace(r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "/oauth2/authorize", "/login", 1)
	client := s.http.Client()
	parallel(b, func() error {
		resp, err := client.Get(loginURL)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("sign-in page: %d", resp.StatusCode)
		}
		return nil
	})
}

func postToken(s *server, tokenURL, id, secret string, form url.Values) error {
	req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := s.http.Client().Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("token: " + string(body))
	}
	return nil
}
