package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/password"
)

// slowPHC is an argon2id hash of 16 passes over 64 MiB: verifying against
// it holds a hashing slot for seconds.
const slowPHC = "$argon2id$v=19$m=65536,t=16,p=1$c29tZXNhbHRzb21lc2FsdA$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

// TestCancelledSignInStopsWaitingForAHashSlot checks that a sign-in whose
// client has gone away stops waiting for a password-hashing slot, rather
// than queueing behind the others to hash a password for nobody.
func TestCancelledSignInStopsWaitingForAHashSlot(t *testing.T) {
	hasher := password.NewHasher(1)
	cfg := newConfig(t, "sqlite")
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		func(string) string { return "" }, app.WithHasher(hasher))
	if err != nil {
		t.Fatal(err)
	}
	// signInsStarted hears of each InitiateAuth reaching the server,
	// signInsDone receives the time each one's handler returned.
	signInsStarted, signInsDone := make(chan struct{}, 4), make(chan time.Time, 4)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signIn := strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth")
		if signIn {
			signInsStarted <- struct{}{}
		}
		a.Handler().ServeHTTP(w, r)
		if signIn {
			signInsDone <- time.Now()
		}
	}))
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)

	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "hana", "Correct-Horse-9")

	// Take the only slot for seconds.
	hogStarted, hogDone := make(chan struct{}), make(chan time.Time, 1)
	go func() {
		close(hogStarted)
		_, _ = hasher.Verify(context.Background(), "x", slowPHC)
		hogDone <- time.Now()
	}()
	<-hogStarted
	time.Sleep(100 * time.Millisecond) // let it acquire the slot

	// A sign-in that queues for the slot, and whose client goes away once
	// it is queued (cancelled only after the server has the request, so a
	// busy machine cannot make it give up before sending).
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	signInErr := make(chan error, 1)
	go func() {
		_, err := s.idp.InitiateAuth(reqCtx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "hana", "PASSWORD": "Correct-Horse-9"},
		})
		signInErr <- err
	}()
	select {
	case <-signInsStarted:
	case <-time.After(time.Minute):
		t.Fatal("the sign-in never reached the server")
	}
	time.Sleep(100 * time.Millisecond) // let it queue for the slot
	cancel()
	if err := <-signInErr; err == nil {
		t.Fatal("the sign-in succeeded while the only hashing slot was taken")
	}
	var handlerDone time.Time
	select {
	case handlerDone = <-signInsDone:
	case <-hogDone:
		t.Fatal("the abandoned sign-in waited for the slot: the slot came free before its handler returned")
	}
	hogEnd := <-hogDone
	t.Logf("abandoned sign-in returned %v before the slot came free", hogEnd.Sub(handlerDone))

	// The slot is free again: signing in works.
	s.signIn(clientID, "hana", "Correct-Horse-9")
}
