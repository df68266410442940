package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// smsHook is an SMS gateway stand-in that keeps what Cognate posts.
type smsHook struct {
	mu   sync.Mutex
	msgs []map[string]string
	fail bool
}

func (h *smsHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m map[string]string
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail {
		http.Error(w, "gateway down", http.StatusServiceUnavailable)
		return
	}
	h.msgs = append(h.msgs, m)
}

func (h *smsHook) last(t *testing.T) map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.msgs) == 0 {
		t.Fatal("no SMS posted to the webhook")
	}
	return h.msgs[len(h.msgs)-1]
}

func TestSMSWebhook(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			hook := &smsHook{}
			gw := httptest.NewServer(hook)
			defer gw.Close()
			cfg := newConfig(t, b)
			cfg.SMSWebhookURL = gw.URL + "/send?token=abc"
			s := start(t, cfg)
			poolID, clientID := s.choicePool(false, types.AuthFactorTypePassword, types.AuthFactorTypeSmsOtp)
			s.user(poolID, "sam", "Correct-Horse-9", attr("phone_number", "+15555550142"), attr("phone_number_verified", "true"))

			out := result(s.userAuth(clientID, map[string]string{"USERNAME": "sam", "PREFERRED_CHALLENGE": "SMS_OTP"})).must(t)
			m := hook.last(t)
			code := codePattern.FindString(m["message"])
			if m["to"] != "+15555550142" || m["pool"] != poolID || m["kind"] != "mfa" || code == "" {
				t.Fatalf("posted %v", m)
			}
			if len(s.outbox()) != 0 {
				t.Fatal("the SMS also went to the development outbox")
			}
			done := result(s.answer(clientID, types.ChallengeNameTypeSmsOtp, out.Session,
				map[string]string{"USERNAME": "sam", "SMS_OTP_CODE": code})).must(t)
			if done.AuthenticationResult == nil {
				t.Fatal("no tokens")
			}

			// A gateway that fails: CodeDeliveryFailureException.
			hook.mu.Lock()
			hook.fail = true
			hook.mu.Unlock()
			_, err := s.userAuth(clientID, map[string]string{"USERNAME": "sam", "PREFERRED_CHALLENGE": "SMS_OTP"})
			wantCode(t, err, "CodeDeliveryFailureException", "")
		})
	}
}
