package lambdainvoke

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestInvoke(t *testing.T) {
	var gotPath, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAuth = r.URL.EscapedPath(), r.Header.Get("Authorization")
		switch {
		case strings.Contains(r.URL.Path, "fails"):
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = w.Write([]byte(`{"errorType":"Error","errorMessage":"nope"}`))
		case strings.Contains(r.URL.Path, "slow"):
			_, _ = io.ReadAll(r.Body) // then the server sees the client go
			select {                  // never answers
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case strings.Contains(r.URL.Path, "throttled"):
			http.Error(w, `{"message":"Rate exceeded"}`, http.StatusTooManyRequests)
		default:
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL, AccessKeyID: "AKIA", SecretAccessKey: "s", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(context.Background(), "arn:aws:lambda:eu-west-1:123456789012:function:ok", []byte(`{}`))
	if err != nil || string(out) != `{"ok":true}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	if gotPath != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Aok/invocations" ||
		!strings.Contains(gotAuth, "/eu-west-1/lambda/aws4_request") {
		t.Fatalf("path %s, authorization %s", gotPath, gotAuth)
	}
	var fe *FunctionError
	if _, err := c.Invoke(context.Background(), "fails", nil); !errors.As(err, &fe) || fe.ErrorMessage != "nope" || fe.Kind != "Unhandled" {
		t.Fatalf("function error: %v", err)
	}
	quick, _ := New(Config{Endpoint: srv.URL, Timeout: 100 * time.Millisecond})
	if _, err := quick.Invoke(context.Background(), "slow", nil); !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow: %v", err)
	}
	if _, err := c.Invoke(context.Background(), "throttled", nil); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("throttled: %v", err)
	}
	if !strings.Contains(gotAuth, "/us-east-1/lambda/") {
		t.Fatalf("a plain name is signed for the configured region: %s", gotAuth)
	}
}
