package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedUpToDate fails when a checked-in types_gen.go differs from
// what the generator writes now: run go generate ./internal/awsmodel.
func TestGeneratedUpToDate(t *testing.T) {
	for _, tt := range []struct{ service, pkg, file string }{
		{"cognito-idp", "cognitoidp", "../cognitoidp/types_gen.go"},
		{"cognito-identity", "cognitoidentity", "../cognitoidentity/types_gen.go"},
		{"cognate-admin", "cognateadmin", "../cognateadmin/types_gen.go"},
	} {
		want, err := generate(tt.service, tt.pkg)
		if err != nil {
			t.Fatalf("%s: %v", tt.service, err)
		}
		got, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./internal/awsmodel", tt.file)
		}
	}
}

func TestEnumSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"USER_SRP_AUTH":      "UserSrpAuth",
		"phone_number":       "PhoneNumber",
		"SignInWithApple":    "SignInWithApple",
		"V1_0":               "V10",
		"client_credentials": "ClientCredentials",
	} {
		if got := enumSuffix(in); got != want {
			t.Errorf("enumSuffix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFirstSentence(t *testing.T) {
	got := firstSentence(`<p>The ID of the <code>user pool</code>. More text.</p>`)
	if want := "The ID of the user pool."; got != want {
		t.Errorf("firstSentence = %q, want %q", got, want)
	}
}
