package awsproto

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestValidationErrorType: each API answers a constraint violation with
// its own code (Service.ValidationError, QueryService.ValidationError)
// and the same "N validation error(s) detected" message; malformed input
// stays a SerializationException whatever the service's setting.
func TestValidationErrorType(t *testing.T) {
	mux := NewMux(testCreds(), MuxOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	handlers := map[string]Handler{
		"GetUser":       Op(func(_ context.Context, _ *struct{}) (*struct{}, error) { return nil, nil }),
		"ConfirmSignUp": Op(func(_ context.Context, _ *struct{}) (*struct{}, error) { return nil, nil }),
	}
	mux.Register(&Service{TargetPrefix: "UserPools", Model: cognitoModel(t), Handlers: handlers})
	mux.Register(&Service{TargetPrefix: "IdentityPools", Model: cognitoModel(t), Handlers: handlers, ValidationError: TypeValidation})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	cases := []struct {
		name, target, body string
		wantType, wantMsg  string
	}{
		{"default is InvalidParameterException", "UserPools.GetUser", `{}`, TypeInvalidParameter,
			"1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null"},
		{"service setting", "IdentityPools.GetUser", `{}`, TypeValidation,
			"1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null"},
		{"plural", "IdentityPools.ConfirmSignUp", `{"ClientId":"bad client!"}`, TypeValidation,
			"3 validation errors detected: Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+; " +
				"Value null at 'username' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'confirmationCode' failed to satisfy constraint: Member must not be null"},
		{"malformed JSON is not a validation error", "IdentityPools.GetUser", `{"AccessToken":`, TypeSerialization, "Malformed JSON"},
		{"wrong JSON type is not a validation error", "IdentityPools.GetUser", `{"AccessToken":1}`, TypeSerialization, "NUMBER_VALUE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", c.target)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusBadRequest || e.Type != c.wantType || resp.Header.Get("X-Amzn-ErrorType") != c.wantType ||
				!strings.HasPrefix(e.Message, c.wantMsg) {
				t.Fatalf("HTTP %d %s %q (header %q), want 400 %s %q", resp.StatusCode, e.Type, e.Message,
					resp.Header.Get("X-Amzn-ErrorType"), c.wantType, c.wantMsg)
			}
		})
	}
}

// TestQueryValidationErrorType: a query API answers constraint violations
// with <Code>ValidationError</Code> (Sender) unless it sets its own code.
func TestQueryValidationErrorType(t *testing.T) {
	mux := NewQueryMux(queryCreds(), MuxOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	web := map[string]Handler{"AssumeRoleWithWebIdentity": Op(func(_ context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })}
	mux.Register(&QueryService{Model: loadModel(t, "sts"), Handlers: web})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {"arn:aws:iam::123456789012:role/web"}, "RoleSessionName": {"s"}, "WebIdentityToken": {"t"}}

	check := func(t *testing.T, wantCode string) {
		t.Helper()
		resp, err := srv.Client().PostForm(srv.URL+"/", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct {
			Type    string `xml:"Error>Type"`
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
		}
		if err := xml.NewDecoder(resp.Body).Decode(&e); err != nil {
			t.Fatal(err)
		}
		want := "2 validation errors detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
			"Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"
		if resp.StatusCode != http.StatusBadRequest || e.Type != "Sender" || e.Code != wantCode || e.Message != want {
			t.Fatalf("HTTP %d %s %s %q, want 400 Sender %s %q", resp.StatusCode, e.Type, e.Code, e.Message, wantCode, want)
		}
	}
	t.Run("default", func(t *testing.T) { check(t, TypeQueryValidation) })
	t.Run("service setting", func(t *testing.T) {
		mux.Register(&QueryService{Model: loadModel(t, "sts"), Handlers: web, ValidationError: "InvalidParameterValue"})
		check(t, "InvalidParameterValue")
	})
}
