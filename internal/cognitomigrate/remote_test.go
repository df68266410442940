package cognitomigrate

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// TestPasswordAnswer checks how the old pool's answers to a password read:
// refusals, answers that come after a right password, and failures.
func TestPasswordAnswer(t *testing.T) {
	tokens := &cip.InitiateAuthOutput{AuthenticationResult: &types.AuthenticationResultType{AccessToken: aws.String("a")}}
	cases := []struct {
		name    string
		out     *cip.InitiateAuthOutput
		err     error
		status  string
		refused bool
	}{
		{"tokens", tokens, nil, "CONFIRMED", false},
		{"MFA step", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa}, nil, "CONFIRMED", false},
		{"new password", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired}, nil, "FORCE_CHANGE_PASSWORD", false},
		{"not confirmed", nil, &types.UserNotConfirmedException{}, "UNCONFIRMED", false},
		{"wrong password", nil, &types.NotAuthorizedException{}, "", true},
		{"no such user", nil, &types.UserNotFoundException{}, "", true},
		{"refused before", nil, userpool.ErrOldRefused, "", true},
		{"MFA setup", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypeMfaSetup}, nil, "CONFIRMED", false},
	}
	for _, c := range cases {
		status, err := passwordAnswer(c.out, c.err)
		if status != c.status || errors.Is(err, userpool.ErrOldRefused) != c.refused || (err != nil) != (c.refused) {
			t.Errorf("%s: %q, %v", c.name, status, err)
		}
	}
	// Answers that show nothing of the password are errors.
	for _, out := range []*cip.InitiateAuthOutput{{}, {ChallengeName: types.ChallengeNameTypeCustomChallenge},
		{ChallengeName: types.ChallengeNameTypePasswordVerifier}, {AuthenticationResult: &types.AuthenticationResultType{}}} {
		if status, err := passwordAnswer(out, nil); err == nil || errors.Is(err, userpool.ErrOldRefused) {
			t.Errorf("answer %q, tokens %v: %q, %v", out.ChallengeName, out.AuthenticationResult != nil, status, err)
		}
	}
	// "Reset required" is neither a refusal nor a right password.
	if _, err := passwordAnswer(nil, &types.PasswordResetRequiredException{}); !errors.Is(err, userpool.ErrOldResetRequired) {
		t.Errorf("reset required reads %v", err)
	}
	for e, throttled := range map[error]bool{&types.InternalErrorException{}: false, &types.TooManyRequestsException{}: true} {
		_, err := passwordAnswer(nil, e)
		if err == nil || errors.Is(err, userpool.ErrOldRefused) || errors.Is(err, userpool.ErrOldResetRequired) ||
			errors.Is(err, userpool.ErrOldBusy) != throttled {
			t.Errorf("%T reads %v, want an error that is no refusal, throttling %v", e, err, throttled)
		}
	}
}

// TestRemoteThrottledAndSlow asks an old pool that throttles every request
// and one that never answers: the first reads as userpool.ErrOldBusy (the
// client is told TooManyRequestsException), the second fails within the
// Remote's Timeout; neither is a refusal.
func TestRemoteThrottledAndSlow(t *testing.T) {
	var requests atomic.Int32
	throttling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)
	}))
	defer throttling.Close()
	src := userpool.CognitoSource{Region: "us-east-1", UserPoolID: "us-east-1_abc", ClientID: "client",
		Endpoint: throttling.URL, AccessKeyID: "AKID", SecretAccessKey: "secret"}
	r := &Remote{}
	ctx := context.Background()
	if _, err := r.CheckPassword(ctx, src, "alice", "Alice-pass-1"); !errors.Is(err, userpool.ErrOldBusy) || errors.Is(err, userpool.ErrOldRefused) {
		t.Errorf("CheckPassword at a throttling pool: %v", err)
	}
	if _, err := r.GetUser(ctx, src, "alice"); !errors.Is(err, userpool.ErrOldBusy) {
		t.Errorf("GetUser at a throttling pool: %v", err)
	}
	if e := userpool.AsError(fmt.Errorf("sign-in: %w", userpool.ErrOldBusy)); e == nil || e.Kind != userpool.TooManyRequests {
		t.Errorf("the client is told %v", e)
	}
	if n := requests.Load(); n != 4 {
		t.Errorf("%d requests, want 2 calls with one retry each", n)
	}

	// A pool that takes the connection and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	src.Endpoint = "http://" + ln.Addr().String()
	r = &Remote{Timeout: 300 * time.Millisecond}
	start := time.Now()
	_, err = r.CheckPassword(ctx, src, "alice", "Alice-pass-1")
	if took := time.Since(start); err == nil || errors.Is(err, userpool.ErrOldRefused) || took > 3*time.Second {
		t.Errorf("CheckPassword at a silent pool: %v after %s", err, took)
	}
	if strings.Contains(err.Error(), "Alice-pass-1") {
		t.Errorf("the error shows the password: %v", err)
	}
}

// TestSecretHash checks SECRET_HASH against the value the AWS
// documentation's formula gives (computed with openssl: printf
// 'aliceclient' | openssl dgst -sha256 -hmac secret -binary | base64).
func TestSecretHash(t *testing.T) {
	if got, want := SecretHash("alice", "client", "secret"), "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="; got != want {
		t.Errorf("SecretHash = %s, want %s", got, want)
	}
}
