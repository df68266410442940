package triggers

import (
	"reflect"
	"testing"
)

func TestApplyV1(t *testing.T) {
	role := "arn:aws:iam::1:role/r"
	for _, tc := range []struct {
		name       string
		resp       PreTokenV1Response
		id, access map[string]any
	}{
		{"no answer", PreTokenV1Response{},
			map[string]any{"sub": "s", "email": "e", "cognito:groups": []string{"g"}}, map[string]any{"cognito:groups": []string{"g"}}},
		{"add, override and suppress; suppressing wins; reserved claims stay",
			PreTokenV1Response{ClaimsOverrideDetails: &ClaimsOverrideDetails{
				ClaimsToAddOrOverride: map[string]string{"tenant": "acme", "email": "new", "sub": "forged", "x": "y"},
				ClaimsToSuppress:      []string{"x", "iss"},
			}},
			map[string]any{"sub": "s", "email": "new", "tenant": "acme", "cognito:groups": []string{"g"}}, map[string]any{"cognito:groups": []string{"g"}}},
		{"groups replaced in both tokens",
			PreTokenV1Response{ClaimsOverrideDetails: &ClaimsOverrideDetails{GroupOverrideDetails: &GroupConfiguration{
				GroupsToOverride: []string{"a", "b"}, IAMRolesToOverride: []string{role}, PreferredRole: &role}}},
			map[string]any{"sub": "s", "email": "e", "cognito:groups": []string{"a", "b"}, "cognito:roles": []string{role}, "cognito:preferred_role": role},
			map[string]any{"cognito:groups": []string{"a", "b"}}},
		{"an empty group override removes the groups",
			PreTokenV1Response{ClaimsOverrideDetails: &ClaimsOverrideDetails{GroupOverrideDetails: &GroupConfiguration{}}},
			map[string]any{"sub": "s", "email": "e"}, map[string]any{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Claims{ID: map[string]any{"sub": "s", "email": "e", "cognito:groups": []string{"g"}},
				Access: map[string]any{"cognito:groups": []string{"g"}}}
			ApplyV1(tc.resp, &c)
			if !reflect.DeepEqual(c.ID, tc.id) || !reflect.DeepEqual(c.Access, tc.access) {
				t.Fatalf("id %v, access %v; want %v, %v", c.ID, c.Access, tc.id, tc.access)
			}
		})
	}
}

func TestApplyV2(t *testing.T) {
	for _, tc := range []struct {
		name       string
		resp       PreTokenV2Response
		id, access map[string]any
		scopes     []string
	}{
		{"no answer", PreTokenV2Response{}, map[string]any{"sub": "s"},
			map[string]any{"scope": "aws.cognito.signin.user.admin", "client_id": "c"}, []string{"aws.cognito.signin.user.admin"}},
		{"claims of any type in both tokens, scopes added and suppressed",
			PreTokenV2Response{ClaimsAndScopeOverrideDetails: &ClaimsAndScopeOverrideDetails{
				IDTokenGeneration: &TokenGeneration{ClaimsToAddOrOverride: map[string]any{"n": 5.0, "obj": map[string]any{"a": true}}},
				AccessTokenGeneration: &TokenGeneration{ClaimsToAddOrOverride: map[string]any{"tenant": "t", "client_id": "forged"},
					ScopesToAdd: []string{"orders/read", "has space", "orders/read"}, ScopesToSuppress: []string{"aws.cognito.signin.user.admin"}},
			}},
			map[string]any{"sub": "s", "n": 5.0, "obj": map[string]any{"a": true}},
			map[string]any{"scope": "orders/read", "client_id": "c", "tenant": "t"}, []string{"orders/read"}},
		{"client_credentials: no ID token",
			PreTokenV2Response{ClaimsAndScopeOverrideDetails: &ClaimsAndScopeOverrideDetails{
				IDTokenGeneration: &TokenGeneration{ClaimsToAddOrOverride: map[string]any{"x": "y"}}}},
			nil, map[string]any{"scope": "aws.cognito.signin.user.admin", "client_id": "c"}, []string{"aws.cognito.signin.user.admin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Claims{ID: map[string]any{"sub": "s"}, Access: map[string]any{"scope": "aws.cognito.signin.user.admin", "client_id": "c"},
				Scopes: []string{"aws.cognito.signin.user.admin"}}
			if tc.id == nil {
				c.ID = nil
			}
			ApplyV2(tc.resp, &c)
			if !reflect.DeepEqual(c.ID, tc.id) || !reflect.DeepEqual(c.Access, tc.access) || !reflect.DeepEqual(c.Scopes, tc.scopes) {
				t.Fatalf("id %v, access %v, scopes %v; want %v, %v, %v", c.ID, c.Access, c.Scopes, tc.id, tc.access, tc.scopes)
			}
		})
	}
}
