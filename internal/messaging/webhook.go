package messaging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Webhook is the Messenger for text messages (SMS): it hands each message to
// an HTTP endpoint the operator runs (a bridge to Amazon SNS, Twilio, or an
// SMS gateway), as a POST of JSON:
//
//	{"to": "+15555550100", "message": "Your authentication code is 123456. ",
//	 "pool": "us-east-1_AbC", "kind": "mfa"}
//
// Any 2xx answer is a delivery; anything else, or no answer within the
// timeout, is an error (the operation reports CodeDeliveryFailureException).
// The message is never logged: it may carry a one-time code.
type Webhook struct {
	url    string
	client *http.Client
}

var _ Messenger = (*Webhook)(nil)

// webhookTimeout bounds one delivery.
const webhookTimeout = 10 * time.Second

// NewWebhook returns a Webhook posting to url with client (a client with
// a 10-second timeout when nil).
func NewWebhook(url string, client *http.Client) *Webhook {
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	return &Webhook{url: url, client: client}
}

// webhookBody is what the endpoint receives.
type webhookBody struct {
	To      string `json:"to"`
	Message string `json:"message"`
	Pool    string `json:"pool"`
	Kind    string `json:"kind"`
}

// Send posts m to the endpoint.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(webhookBody{To: m.To, Message: m.Body, Pool: m.PoolID, Kind: m.Kind})
	if err != nil {
		return fmt.Errorf("messaging: webhook: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("messaging: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cognate-sms-webhook")
	resp, err := w.client.Do(req)
	if err != nil {
		// Not the *url.Error itself: the URL may carry a token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("messaging: webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("messaging: webhook: the endpoint answered %s", resp.Status)
	}
	return nil
}
