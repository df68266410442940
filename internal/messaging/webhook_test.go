package messaging

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWebhookPostsJSON(t *testing.T) {
	var got webhookBody
	var contentType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contentType = r.Header.Get("Content-Type")
		if r.Method != http.MethodPost {
			t.Errorf("method %s", r.Method)
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Error(err)
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	err := NewWebhook(srv.URL, srv.Client()).Send(context.Background(), Message{
		To: "+15555550100", Body: "Your authentication code is 123456. ", PoolID: "us-east-1_abc", Kind: KindMFA, Code: "123456"})
	if err != nil {
		t.Fatal(err)
	}
	want := webhookBody{To: "+15555550100", Message: "Your authentication code is 123456. ", Pool: "us-east-1_abc", Kind: "mfa"}
	if got != want || contentType != "application/json" {
		t.Fatalf("got %+v (%s), want %+v", got, contentType, want)
	}
}

func TestWebhookFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusBadGateway)
	}))
	err := NewWebhook(srv.URL+"/?token=secret", srv.Client()).Send(context.Background(), Message{To: "+1555", Body: "code 1"})
	if err == nil || !strings.Contains(err.Error(), "502") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("502: %v", err)
	}
	srv.Close()
	err = NewWebhook(srv.URL+"/?token=secret", nil).Send(context.Background(), Message{To: "+1555"})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("closed endpoint: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewWebhook("http://127.0.0.1:1", nil).Send(ctx, Message{To: "+1555"}); err == nil {
		t.Fatal("no error with a cancelled context")
	}
}
