package apigateway

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"
)

func TestClaimsFormats(t *testing.T) {
	claims := map[string]any{
		"sub": "abc", "exp": float64(1601482480), "iat": float64(1601478880), "auth_time": float64(1601478880),
		"cognito:groups": []any{"admins", "users"}, "email_verified": true, "custom:n": float64(42),
	}
	v1 := claimsV1(claims)
	// A REST API's Cognito authorizer: strings, times in Java's Date
	// format, lists bracketed.
	for k, want := range map[string]string{
		"sub": "abc", "exp": "Wed Sep 30 16:14:40 UTC 2020", "auth_time": "Wed Sep 30 15:14:40 UTC 2020",
		"cognito:groups": "[admins, users]", "email_verified": "true", "custom:n": "42",
	} {
		if v1[k] != want {
			t.Errorf("v1 %s = %q, want %q", k, v1[k], want)
		}
	}
	v2 := claimsV2(claims)
	// An HTTP API's JWT authorizer: numbers in decimal, lists as "[a b]".
	for k, want := range map[string]string{"exp": "1601482480", "cognito:groups": "[admins users]", "sub": "abc"} {
		if v2[k] != want {
			t.Errorf("v2 %s = %q, want %q", k, v2[k], want)
		}
	}
}

func TestParseResponse(t *testing.T) {
	for _, tc := range []struct {
		version, out string
		ok           bool
		status       int
		body         string
	}{
		{"1.0", `{"statusCode":201,"body":"hi"}`, true, 201, "hi"},
		{"1.0", `{"body":"no status"}`, false, 0, ""},
		{"1.0", `"a string"`, false, 0, ""},
		{"1.0", `{"statusCode":999}`, false, 0, ""},
		{"2.0", `{"statusCode":200,"body":"x","cookies":["a=1"]}`, true, 200, "x"},
		{"2.0", `{"ok":true}`, true, 200, `{"ok":true}`},
		{"2.0", `[1,2]`, true, 200, `[1,2]`},
		{"2.0", `not json`, false, 0, ""},
	} {
		g := &Gateway{cfg: Config{PayloadVersion: tc.version}}
		resp, ok := g.parseResponse([]byte(tc.out))
		if ok != tc.ok || (ok && (*resp.StatusCode != tc.status || *resp.Body != tc.body)) {
			t.Errorf("%s %s: ok %v %+v", tc.version, tc.out, ok, resp)
		}
	}
}

func TestEventV1Shape(t *testing.T) {
	g := &Gateway{cfg: Config{APIID: "pets", Stage: "prod", AccountID: "000000000000"}}
	r := httptest.NewRequest("GET", "https://api.example.com/pets/1?a=1&a=2", nil)
	r.Header.Set("User-Agent", "ua")
	c := &call{r: r, requestID: "rid", start: time.Date(2015, 4, 9, 12, 34, 56, 0, time.UTC), sourceIP: "192.0.2.1",
		principal: &Principal{AccessKeyID: "ASIA", AccountID: "000000000000", UserID: "AROA:s", AssumedRoleARN: "arn:aws:sts::000000000000:assumed-role/r/s",
			IdentityID: "us-east-1:id", IdentityPoolID: "us-east-1:pool",
			AMR: []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/p", "cognito-idp.us-east-1.amazonaws.com/p:CognitoSignIn:s"}}}
	raw, _ := json.Marshal(g.eventV1Of(c))
	var e map[string]any
	_ = json.Unmarshal(raw, &e)
	rc := e["requestContext"].(map[string]any)
	id := rc["identity"].(map[string]any)
	if rc["requestTime"] != "09/Apr/2015:12:34:56 +0000" || rc["requestTimeEpoch"].(float64) != 1428582896000 ||
		rc["path"] != "/prod/pets/1" || id["cognitoAuthenticationType"] != "authenticated" ||
		id["cognitoAuthenticationProvider"] != "cognito-idp.us-east-1.amazonaws.com/p,cognito-idp.us-east-1.amazonaws.com/p:CognitoSignIn:s" ||
		id["apiKey"] != nil || e["multiValueQueryStringParameters"].(map[string]any)["a"].([]any)[1] != "2" ||
		e["body"] != nil {
		t.Fatalf("event: %s", raw)
	}
	if _, present := id["cognitoIdentityPoolId"]; !present {
		t.Fatalf("identity fields that do not apply are null, not absent: %s", raw)
	}
}
