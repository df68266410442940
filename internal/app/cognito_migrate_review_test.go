package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/cognitomigrate"
)

// impostorOnOldPool copies old's pool into a new server, then deletes bob
// on the old pool and signs the name up there again, as someone else
// (another sub) with the password Evil-pass-123.
func impostorOnOldPool(t *testing.T) (*oldCognito, *server) {
	t.Helper()
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)
	copiedSub := s.sub(t, old.pool, "bob")
	result(old.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &old.pool, Username: aws.String("bob")})).must(t)
	old.user(old.pool, "bob", "Evil-pass-123", attr("email", "mallory@example.com"))
	if old.sub(t, old.pool, "bob") == copiedSub {
		t.Fatal("the old pool gave the new bob the copied sub")
	}
	return old, s
}

// TestMigrateFromCognitoAnotherSub: a copied user's name, deleted on the
// old pool after the copy and signed up there again by someone else, is
// not that user. The newcomer's password, which the old pool takes for
// the name, must not become the copied user's password here, nor sign in
// as them, by USER_PASSWORD_AUTH or USER_AUTH.
func TestMigrateFromCognitoAnotherSub(t *testing.T) {
	old, s := impostorOnOldPool(t)

	choice := s.userAuthClient(t, old.pool, true)
	_, err := s.userAuth(choice, map[string]string{"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Evil-pass-123"})
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Evil-pass-123", "SECRET_HASH": secretHash(old.webSecret, "bob", old.web)}})
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// Nothing was stored: the copied bob still has no password here (a
	// password sign-in still asks the old pool, and SRP is still relayed).
	if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("bob")})).must(t); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("the copied bob: %s", u.UserStatus)
	}
	old.stop()
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Evil-pass-123", "SECRET_HASH": secretHash(old.webSecret, "bob", old.web)}})
	wantCode(t, err, "InternalErrorException", "")
}

// TestMigrateFromCognitoAnotherSubSRP: nor does the SRP relay sign the
// newcomer in as the copied user, though the old pool takes their proof.
func TestMigrateFromCognitoAnotherSubSRP(t *testing.T) {
	old, s := impostorOnOldPool(t)
	_, err := s.srpSignIn(old.pool, old.spa, "bob", "Evil-pass-123", nil)
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

// copiedThrough copies old's pool into a new server through a proxy in
// front of the old pool, which the server then asks; hook sees each
// request to the old pool first, and answers it itself when it returns
// true.
func copiedThrough(t *testing.T, hook func(w http.ResponseWriter, r *http.Request) bool) (*oldCognito, *server) {
	t.Helper()
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	target, _ := url.Parse(old.http.URL)
	forward := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hook(w, r) {
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(proxy.Close)
	id, key := old.app.RootCredentials()
	if _, err := app.MigrateFromCognito(ctx, s.cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)), old.copyClient(),
		cognitomigrate.Options{UserPoolID: old.pool, AccessKeyID: id, SecretAccessKey: key, Region: "us-east-1", Endpoint: proxy.URL}); err != nil {
		t.Fatal(err)
	}
	return old, s
}

// resetDuring is copiedThrough with a proxy that, once armed, resets
// alice here (AdminResetUserPassword) as the server's next request named
// op reaches the old pool.
func resetDuring(t *testing.T, op string) (*oldCognito, *server, *atomic.Bool) {
	t.Helper()
	armed := new(atomic.Bool)
	var s *server
	var pool string
	old, s := copiedThrough(t, func(_ http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+op) && armed.CompareAndSwap(true, false) {
			if _, err := s.idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &pool,
				Username: aws.String("alice")}); err != nil {
				t.Errorf("AdminResetUserPassword: %v", err) // not Fatal: not the test's goroutine
			}
		}
		return false
	})
	pool = old.pool
	armed.Store(true)
	return old, s, armed
}

// TestMigrateFromCognitoResetMeanwhile: an administrator who resets a
// copied user's password here while that user's sign-in is being checked
// at the old pool (a password thought stolen, say) is not undone by the
// old pool's answer: the old password is not stored, no tokens are
// issued, and the user stays RESET_REQUIRED.
func TestMigrateFromCognitoResetMeanwhile(t *testing.T) {
	old, s, armed := resetDuring(t, "InitiateAuth")
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Alice-pass-1", "SECRET_HASH": secretHash(old.webSecret, "alice", old.web)}})
	if armed.Load() {
		t.Fatal("the sign-in did not ask the old pool")
	}
	wantCode(t, err, "PasswordResetRequiredException", "")
	if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("alice")})).must(t); u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("alice after the sign-in: %s, want RESET_REQUIRED", u.UserStatus)
	}
}

// TestMigrateFromCognitoResetMeanwhileSRP: nor does a relayed SRP proof
// the old pool takes sign in a user reset here while it was checked.
func TestMigrateFromCognitoResetMeanwhileSRP(t *testing.T) {
	old, s, armed := resetDuring(t, "RespondToAuthChallenge")
	_, err := s.srpSignIn(old.pool, old.spa, "alice", "Alice-pass-1", nil)
	if armed.Load() {
		t.Fatal("the sign-in did not ask the old pool")
	}
	wantCode(t, err, "PasswordResetRequiredException", "")
}

// TestMigrateFromCognitoEmptyAnswer: an old pool's answer to a password
// that shows neither tokens nor a step that follows a right password (an
// empty 200, from a proxy or a stub in front of it, say) does not take
// the password: no tokens, nothing stored, and the failure is the
// server's, as when the old pool cannot be reached.
func TestMigrateFromCognitoEmptyAnswer(t *testing.T) {
	var empty atomic.Bool
	old, s := copiedThrough(t, func(w http.ResponseWriter, r *http.Request) bool {
		if !empty.Load() || !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
			return false
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, "{}")
		return true
	})
	empty.Store(true)
	signIn := func(name, pw string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw, "SECRET_HASH": secretHash(old.webSecret, name, old.web)}})
		return err
	}
	// A copied user, and a name created on the old pool since.
	old.user(old.pool, "carol", "Carol-pass-1", attr("email", "carol@example.com"))
	wantCode(t, signIn("alice", "Not-alices-1"), "InternalErrorException", "")
	wantCode(t, signIn("carol", "Not-carols-1"), "InternalErrorException", "")
	empty.Store(false)
	wantCode(t, signIn("alice", "Not-alices-1"), "NotAuthorizedException", "Incorrect username or password.")
	wantCode(t, signIn("carol", "Not-carols-1"), "UserNotFoundException", "Exception migrating user")
}
