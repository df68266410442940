package iam

import "testing"

func TestParseRoleARN(t *testing.T) {
	for _, tt := range []struct {
		arn                 string
		account, path, name string
		ok                  bool
	}{
		{"arn:aws:iam::000000000000:role/app", "000000000000", "/", "app", true},
		{"arn:aws:iam::000000000000:role/a/b/app", "000000000000", "/a/b/", "app", true},
		{"arn:aws:iam::000000000000:role/", "", "", "", false},
		{"arn:aws:iam::000000000000:user/app", "", "", "", false},
		{"arn:aws:sts::000000000000:assumed-role/app/s", "", "", "", false},
		{"arn:aws:iam:::role/app", "", "", "", false},
		{"app", "", "", "", false},
	} {
		account, path, name, ok := ParseRoleARN(tt.arn)
		if account != tt.account || path != tt.path || name != tt.name || ok != tt.ok {
			t.Errorf("ParseRoleARN(%q) = %q %q %q %v", tt.arn, account, path, name, ok)
		}
		if ok && RoleARN(account, path, name) != tt.arn {
			t.Errorf("RoleARN does not round-trip %q", tt.arn)
		}
	}
}

func TestProviderKey(t *testing.T) {
	for _, tt := range []struct {
		url, key string
		ok       bool
	}{
		{"https://token.actions.githubusercontent.com", "token.actions.githubusercontent.com", true},
		{"https://Auth.Example.com/realms/x", "auth.example.com/realms/x", true},
		{"https://auth.example.com/", "auth.example.com/", true},
		{"https://127.0.0.1:8443/tenant", "127.0.0.1:8443/tenant", true},
		{"http://localhost:8080/realms/dev", "localhost:8080/realms/dev", true},
		{"http://[::1]:8080", "[::1]:8080", true},
		{"http://auth.example.com", "", false},
		{"https://auth.example.com/?x=1", "", false},
		{"https://auth.example.com/#f", "", false},
		{"https://user@auth.example.com", "", false},
		{"auth.example.com", "", false},
		{"ftp://auth.example.com", "", false},
	} {
		key, ok := ProviderKey(tt.url)
		if key != tt.key || ok != tt.ok {
			t.Errorf("ProviderKey(%q) = %q, %v; want %q, %v", tt.url, key, ok, tt.key, tt.ok)
		}
	}
	if k, ok := parseProviderARN("000000000000", ProviderARN("000000000000", "a.example/x")); !ok || k != "a.example/x" {
		t.Errorf("provider ARN round trip: %q %v", k, ok)
	}
	if _, ok := parseProviderARN("000000000000", "arn:aws:iam::111111111111:oidc-provider/a.example"); ok {
		t.Error("another account's provider ARN accepted")
	}
}
