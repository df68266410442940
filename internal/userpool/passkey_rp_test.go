package userpool

import "testing"

func TestRelyingPartyAllowsOrigin(t *testing.T) {
	for _, tc := range []struct {
		rp, origin string
		want       bool
	}{
		{"auth.example.com", "https://auth.example.com", true},
		{"auth.example.com", "https://auth.example.com:8443", true},
		{"auth.example.com", "https://app.auth.example.com", true},
		{"auth.example.com", "https://AUTH.example.com", true},
		{"auth.example.com", "http://auth.example.com", false},
		{"auth.example.com", "https://example.com", false},
		{"auth.example.com", "https://evilauth.example.com", false},
		{"auth.example.com", "https://auth.example.com.evil.net", false},
		{"auth.example.com", "https://auth.example.com/path", false},
		{"auth.example.com", "https://user@auth.example.com", false},
		{"auth.example.com", "android:apk-key-hash:abc", false},
		{"auth.example.com", "", false},
		{"localhost", "http://localhost:5173", true},
		{"localhost", "https://localhost", true},
		{"localhost", "http://localhost", true},
		{"localhost", "http://127.0.0.1:5173", false},
		{"localhost", "http://app.localhost", false},
		{"example.com", "http://localhost:5173", false},
	} {
		rp := &relyingParty{id: tc.rp}
		if got := rp.allowsOrigin(tc.origin); got != tc.want {
			t.Errorf("relying party %q allows origin %q = %v, want %v", tc.rp, tc.origin, got, tc.want)
		}
	}
}

func TestValidRelyingPartyID(t *testing.T) {
	for id, want := range map[string]bool{
		"auth.example.com": true, "localhost": true, "example": true,
		"": false, "127.0.0.1": false, "::1": false, "https://auth.example.com": false,
		"auth.example.com:443": false, "Auth.example.com": false, "auth.example.com/": false, "-a.com": false,
	} {
		if got := validRelyingPartyID(id); got != want {
			t.Errorf("validRelyingPartyID(%q) = %v, want %v", id, got, want)
		}
	}
}
