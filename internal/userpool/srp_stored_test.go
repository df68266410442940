package userpool

import (
	"bytes"
	"encoding/base64"
	"testing"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestSRPNeeds: which verifiers a password gets, by pool: one where the
// pool's challenges show one id, two where an alias sign-in shows the sub
// and a username sign-in the username.
func TestSRPNeeds(t *testing.T) {
	const sub = "0f8fad5b-d9cb-469f-a165-70867728950e"
	for _, tc := range []struct {
		name          string
		cfg           cip.UserPoolType
		username      string
		byName, bySub bool
	}{
		{"usernames only", cip.UserPoolType{}, "dee", true, false},
		{"email alias", cip.UserPoolType{AliasAttributes: []string{"email"}}, "dee", true, true},
		{"preferred_username alias", cip.UserPoolType{AliasAttributes: []string{"preferred_username"}}, "dee", false, true},
		{"email as username", cip.UserPoolType{UsernameAttributes: []string{"email"}}, sub, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{UserPoolType: tc.cfg}}
			byName, bySub := p.srpNeeds(&storage.User{Sub: sub, Username: tc.username})
			if byName != tc.byName || bySub != tc.bySub {
				t.Errorf("srpNeeds = %v, %v; want %v, %v", byName, bySub, tc.byName, tc.bySub)
			}
		})
	}
}

// TestSRPStoredForms: each stored form reads back as the bindings it was
// written with, the text forms of before migration 0019 included.
func TestSRPStoredForms(t *testing.T) {
	n, s := bytes.Repeat([]byte{1, 'n'}, 200), bytes.Repeat([]byte{1, 's'}, 200)
	b64 := base64.RawStdEncoding.EncodeToString
	type binding struct {
		kind byte
		id   string
		v    []byte
	}
	for _, tc := range []struct {
		name   string
		stored storage.SRPVerifiers
		text   bool
		want   []binding
	}{
		{"by sub", encodeSRP(nil, s), false, []binding{{srpBySub, "", s}}},
		{"by name", encodeSRP(n, nil), false, []binding{{srpByName, "", n}}},
		{"both", encodeSRP(n, s), false, []binding{{srpByName, "", n}, {srpBySub, "", s}}},
		{"by id", encodeSRPBindings(false, []srpBinding{{kind: srpByID, id: "old", sealed: n}}), false, []binding{{srpByID, "old", n}}},
		{"text, both", storage.SRPVerifiers(b64(n) + "." + b64(s)), true, []binding{{srpByName, "", n}, {srpBySub, "", s}}},
		{"text, sub alone", storage.SRPVerifiers("." + b64(s)), true, []binding{{srpBySub, "", s}}},
		{"text, legacy", storage.SRPVerifiers(b64(n)), true, []binding{{srpByID, "", n}}},
		{"text, not base64", "%%.%%", true, []binding{{srpByName, "", nil}, {srpBySub, "", nil}}},
		{"truncated", "\x03\x01", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs, text := parseSRP(tc.stored)
			if text != tc.text || len(bs) != len(tc.want) {
				t.Fatalf("parseSRP = %d bindings, text %v; want %d, %v", len(bs), text, len(tc.want), tc.text)
			}
			for i, w := range tc.want {
				if bs[i].kind != w.kind || bs[i].id != w.id || !bytes.Equal(bs[i].sealed, w.v) {
					t.Errorf("binding %d = %d %q %d bytes, want %d %q %d bytes", i, bs[i].kind, bs[i].id, len(bs[i].sealed), w.kind, w.id, len(w.v))
				}
			}
			if len(bs) > 0 && tc.name != "text, not base64" {
				if again := encodeSRPBindings(text, bs); again != tc.stored {
					t.Errorf("encodeSRPBindings does not give the stored form back")
				}
			}
		})
	}
}

// TestSRPBindingsByForm: the user ids each form binds, and what a change
// of the username rule (dropNameVerifier) leaves a user.
func TestSRPBindingsByForm(t *testing.T) {
	const sub = "0f8fad5b-d9cb-469f-a165-70867728950e"
	sensitive := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{}}
	insensitive := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{UserPoolType: cip.UserPoolType{
		UsernameConfiguration: &cip.UsernameConfigurationType{CaseSensitive: ptr(false)}}}}
	n, s := []byte("name-verifier"), []byte("sub-verifier")
	ids := func(p *pool, u *storage.User) map[string]string {
		out := map[string]string{}
		for id, v := range p.srpBindings(u) {
			out[id] = string(v)
		}
		return out
	}
	u := &storage.User{Sub: sub, Username: "Dee", SRPSalt: "00", SRPVerifier: encodeSRP(n, s)}
	if got := ids(sensitive, u); len(got) != 2 || got["Dee"] != string(n) || got[sub] != string(s) {
		t.Errorf("both, case-sensitive: %q", got)
	}
	if got := ids(insensitive, u); len(got) != 2 || got["dee"] != string(n) {
		t.Errorf("both, case-insensitive: %q", got)
	}

	// Going case-insensitive: a user with both keeps the sub's alone; a
	// user with the name's alone keeps it, bound to the old key, which
	// the challenge then shows.
	dropNameVerifier(u, sensitive.key(u.Username))
	if got := ids(insensitive, u); len(got) != 1 || got[sub] != string(s) {
		t.Errorf("both, after the rule changed: %q", got)
	}
	u.SRPVerifier = encodeSRP(n, nil)
	dropNameVerifier(u, sensitive.key(u.Username))
	if got := ids(insensitive, u); len(got) != 1 || got["Dee"] != string(n) {
		t.Errorf("name alone, after the rule changed: %q", got)
	}
	if got := insensitive.srpUserID(u, "dee"); got != "Dee" {
		t.Errorf("srpUserID after the rule changed = %q, want the old key Dee", got)
	}
	if insensitive.hasCurrentSRP(u) {
		t.Error("a verifier bound to the old key counts as current")
	}
}

// TestSRPUserIDOneVerifier: a user with the username's verifier alone is
// shown by the username however they typed their name, as Cognito shows
// it: by their sub, or by an alias added to the pool after the password.
func TestSRPUserIDOneVerifier(t *testing.T) {
	const sub = "0f8fad5b-d9cb-469f-a165-70867728950e"
	usernames := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{}}
	emailAlias := &pool{rec: storage.Pool{ID: "us-east-1_x"}, cfg: &poolConfig{UserPoolType: cip.UserPoolType{AliasAttributes: []string{"email"}}}}
	u := &storage.User{Sub: sub, Username: "dee", SRPSalt: "00", SRPVerifier: encodeSRP([]byte("v"), nil)}
	for _, tc := range []struct {
		name  string
		p     *pool
		typed string
	}{{"username", usernames, "dee"}, {"sub", usernames, sub}, {"alias added later", emailAlias, "dee@example.com"}} {
		if got := tc.p.srpUserID(u, tc.typed); got != "dee" {
			t.Errorf("%s: srpUserID = %q, want dee", tc.name, got)
		}
	}
	if !usernames.hasCurrentSRP(u) || emailAlias.hasCurrentSRP(u) {
		t.Error("hasCurrentSRP: want true where one verifier suffices, false where the sub's is needed too")
	}
}
