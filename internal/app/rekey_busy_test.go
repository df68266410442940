package app_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestSignInRuleChangeBusy: while another node holds a pool's re-keying
// lease, UpdateUsernameConfiguration and UpdateSignInAttributes are
// refused with ConcurrentModificationException as AWS writes an error
// (HTTP 400, JSON __type and message), an error the CognateAdmin model
// declares for both operations, so that SDKs built from it know it.
// Before, the model declared neither it nor the shape.
func TestSignInRuleChangeBusy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		st := openStore(t, s.cfg)
		if _, ok, err := st.Leases().Take(ctx, "rekey/"+poolID, "another node", time.Now(), time.Minute); err != nil || !ok {
			t.Fatalf("take the lease: %v %v", ok, err)
		}
		m := loadAPIModel(t, "cognate-admin")
		if _, ok := m.Shapes["ConcurrentModificationException"]; !ok {
			t.Error("the model has no ConcurrentModificationException shape")
		}
		for op, in := range map[string]any{
			"UpdateUsernameConfiguration": map[string]any{"UserPoolId": poolID, "CaseSensitive": false},
			"UpdateSignInAttributes":      map[string]any{"UserPoolId": poolID, "AliasAttributes": []string{"email"}},
		} {
			status, typ := adminStatus(t, s, op, in)
			if status != http.StatusBadRequest || typ != "ConcurrentModificationException" {
				t.Errorf("%s: HTTP %d %q, want 400 ConcurrentModificationException", op, status, typ)
			}
			if !slices.ContainsFunc(m.Operations[op].Errors, func(e struct{ Shape string }) bool { return e.Shape == typ }) {
				t.Errorf("%s: the model does not declare %s", op, typ)
			}
		}
	})
}

// adminStatus sends a signed CognateAdmin call and returns the HTTP status
// and the error's __type.
func adminStatus(t *testing.T, s *server, op string, in any) (int, string) {
	t.Helper()
	resp := s.rootCall(t, "CognateAdmin."+op, in)
	defer resp.Body.Close()
	var e struct {
		Type string `json:"__type"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Type
}
