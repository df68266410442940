package userpool

import (
	"testing"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestSRPUserIDs: how USER_SRP_AUTH shows a user, by the name typed and
// the verifiers stored, so that a name no user holds (fakeUserID) is shown
// the same way.
func TestSRPUserIDs(t *testing.T) {
	const sub = "0f8fad5b-d9cb-469f-a165-70867728950e"
	usernames := &poolConfig{}
	emailAlias := &poolConfig{UserPoolType: cip.UserPoolType{AliasAttributes: []string{"email"}}}
	insensitive := &poolConfig{UserPoolType: cip.UserPoolType{UsernameConfiguration: &cip.UsernameConfigurationType{CaseSensitive: ptr(false)}}}
	preferred := &poolConfig{UserPoolType: cip.UserPoolType{AliasAttributes: []string{"preferred_username"}}}
	emailUsernames := &poolConfig{UserPoolType: cip.UserPoolType{UsernameAttributes: []string{"email"}}}
	for _, tc := range []struct {
		name      string
		cfg       *poolConfig
		username  string
		verifiers string // SRPVerifier
		typed     string
		want      string
	}{
		{"username", usernames, "dee", "n.s", "dee", "dee"},
		{"sub typed", usernames, "dee", "n.s", sub, sub},
		{"email alias", emailAlias, "dee", "n.s", "dee@example.com", sub},
		{"case-insensitive, other case", insensitive, "Dee", "n.s", "DEE", "dee"},
		{"preferred_username pool", preferred, "dee", "n.s", "dee", sub},
		{"email as username", emailUsernames, sub, "s", "dee@example.com", sub},
		{"verifier stored before sub verifiers", emailAlias, "dee", "legacy", "dee@example.com", "dee"},
		{"legacy verifier, case-insensitive", insensitive, "Dee", "legacy", "dee", "Dee"},
		{"no verifier", emailAlias, "dee", "", "dee@example.com", sub},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: tc.cfg}
			u := &storage.User{PoolID: p.rec.ID, Sub: sub, Username: tc.username, SRPVerifier: storage.SRPVerifiers(tc.verifiers)}
			if tc.verifiers != "" {
				u.SRPSalt = "00"
			}
			if got := p.srpUserID(u, tc.typed); got != tc.want {
				t.Errorf("srpUserID = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFakeUserIDForms: a name no user holds is shown in the form a user
// typed that way would be.
func TestFakeUserIDForms(t *testing.T) {
	s := &Service{}
	s.secret.key.Store(&[]byte{1, 2, 3})
	emailAlias := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{UserPoolType: cip.UserPoolType{AliasAttributes: []string{"email"}}}}
	insensitive := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{UserPoolType: cip.UserPoolType{
		UsernameConfiguration: &cip.UsernameConfigurationType{CaseSensitive: ptr(false)}}}}
	for _, tc := range []struct {
		p    *pool
		name string
		want string // "" for a UUID
	}{
		{emailAlias, "gus", "gus"},
		{emailAlias, "gus@example.com", ""},
		{emailAlias, "0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950e"},
		{insensitive, "GUS", "gus"},
	} {
		got, err := s.fakeUserID(t.Context(), tc.p, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" && !looksLikeUUID(got) || tc.want != "" && got != tc.want {
			t.Errorf("fakeUserID(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
