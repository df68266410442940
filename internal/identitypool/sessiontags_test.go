package identitypool

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

const (
	tagIdentity = "us-east-1:6d8f7d1c-2c43-4b52-9a4e-7f6a0e3b9c11"
	tagPool     = "us-east-1:0b5f0f7e-93a4-4d0b-8f6e-1b2c3d4e5f60"
	tagUserPool = "us-east-1_AbCdEfGhI"
	tagSub      = "8a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
	tagProvider = "cognito-idp.us-east-1.amazonaws.com/" + tagUserPool
)

// tagResolution is a resolution of a user-pool login (unless username is
// "", a developer identity) whose pool maps the claims given to tags.
func tagResolution(option bool, username string, tagMap map[string]string, claims map[string]any) *resolution {
	cfg := &poolConfig{SessionTagsClaim: option}
	if tagMap != nil {
		cfg.PrincipalTagMaps = map[string]principalTagConfig{tagProvider: {Tags: tagMap}}
	}
	r := &resolution{pool: &ipool{cfg: cfg}, identity: storage.Identity{ID: tagIdentity, PoolID: tagPool}, authenticated: true}
	if username != "" {
		r.userPoolID, r.userSub, r.username = tagUserPool, tagSub, username
		r.logins = []*login{{kind: kindUserPool, provider: tagProvider, claims: claims}}
	}
	return r
}

// manyTags maps n claims c00... to tags t00...
func manyTags(n int) (map[string]string, map[string]any) {
	m, c := map[string]string{}, map[string]any{}
	for i := range n {
		m[fmt.Sprintf("t%02d", i)] = fmt.Sprintf("c%02d", i)
		c[fmt.Sprintf("c%02d", i)] = "v"
	}
	return m, c
}

func TestSessionTags(t *testing.T) {
	link := map[string]string{"IdentityId": tagIdentity, "IdentityPoolId": tagPool, "UserPoolId": tagUserPool, "Sub": tagSub, "CognitoUsername": "mia"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range link {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	many50, claims50 := manyTags(50)
	many51, claims51 := manyTags(51)
	many46, claims46 := manyTags(46)
	for _, tt := range []struct {
		name       string
		r          *resolution
		extra      map[string]string
		want       map[string]string // nil: no tags
		transitive []string
		err        string
	}{
		{name: "off, nothing mapped", r: tagResolution(false, "mia", nil, nil)},
		{name: "off, the map's tags only", r: tagResolution(false, "mia", map[string]string{"dept": "custom:dept"}, map[string]any{"custom:dept": "R/D"}),
			want: map[string]string{"dept": "R/D"}},
		{name: "on: the link, transitive", r: tagResolution(true, "mia", nil, nil), want: link,
			transitive: []string{"CognitoUsername", "IdentityId", "IdentityPoolId", "Sub", "UserPoolId"}},
		{name: "on, with the map's tags (not transitive)", r: tagResolution(true, "mia", map[string]string{"dept": "custom:dept"}, map[string]any{"custom:dept": "R/D"}),
			want: with(map[string]string{"dept": "R/D"}), transitive: []string{"CognitoUsername", "IdentityId", "IdentityPoolId", "Sub", "UserPoolId"}},
		{name: "on: Cognito's default map keeps its username tag (the sub)", r: func() *resolution {
			r := tagResolution(true, "mia", nil, map[string]any{"aud": "client1", "sub": tagSub})
			r.pool.cfg.PrincipalTagMaps = map[string]principalTagConfig{tagProvider: {UseDefaults: true}}
			return r
		}(), want: with(map[string]string{"client": "client1", "username": tagSub})},
		{name: "on: a mapped tag named like a link tag is replaced", r: tagResolution(true, "mia", map[string]string{"sub": "email", "IDENTITYID": "email"},
			map[string]any{"email": "evil@example.com"}), want: link},
		{name: "on: a developer's tag named like a link tag is replaced", r: tagResolution(true, "mia", nil, nil),
			extra: map[string]string{"Sub": "forged", "plan": "gold"}, want: with(map[string]string{"plan": "gold"})},
		{name: "on, a developer identity: no user, and no Sub from the developer", r: tagResolution(true, "", nil, nil),
			extra: map[string]string{"sub": "forged", "plan": "gold"},
			want:  map[string]string{"IdentityId": tagIdentity, "IdentityPoolId": tagPool, "plan": "gold"}, transitive: []string{"IdentityId", "IdentityPoolId"}},
		{name: "off: a developer's Sub passes", r: tagResolution(false, "", nil, nil), extra: map[string]string{"Sub": "dev-1"}, want: map[string]string{"Sub": "dev-1"}},
		{name: "on: a username outside the tag alphabet is left out", r: tagResolution(true, "bob!#", nil, nil),
			want:       map[string]string{"IdentityId": tagIdentity, "IdentityPoolId": tagPool, "UserPoolId": tagUserPool, "Sub": tagSub},
			transitive: []string{"IdentityId", "IdentityPoolId", "Sub", "UserPoolId"}},
		{name: "a developer tag replaces a mapped one, case-insensitively", r: tagResolution(false, "mia", map[string]string{"Plan": "custom:plan"}, map[string]any{"custom:plan": "free"}),
			extra: map[string]string{"plan": "gold"}, want: map[string]string{"plan": "gold"}},
		{name: "a multi-valued claim (joined with commas) is refused", r: tagResolution(true, "mia", map[string]string{"groups": "cognito:groups"},
			map[string]any{"cognito:groups": []any{"admin", "staff"}}), err: "session tag 'groups'"},
		{name: "a mapped value of 257 characters is refused", r: tagResolution(false, "mia", map[string]string{"bio": "custom:bio"},
			map[string]any{"custom:bio": strings.Repeat("a", 257)}), err: "at most 256 characters"},
		{name: "an aws: developer tag is refused", r: tagResolution(true, "mia", nil, nil), extra: map[string]string{"aws:userid": "x"}, err: "reserved prefix aws:"},
		{name: "50 mapped tags fit", r: tagResolution(false, "mia", many50, claims50), want: func() map[string]string {
			out := map[string]string{}
			for k := range many50 {
				out[k] = "v"
			}
			return out
		}()},
		{name: "51 mapped tags are refused", r: tagResolution(false, "mia", many51, claims51), err: "Cannot exceed quota for TagsPerSession: 50"},
		{name: "46 mapped tags and the link are 51", r: tagResolution(true, "mia", many46, claims46), err: "Cannot exceed quota for TagsPerSession: 50"},
		{name: "over the packed size", r: tagResolution(true, "mia", map[string]string{"bio": "custom:bio"}, map[string]any{"custom:bio": strings.Repeat("a", 200)}),
			err: "Packed size of session tags consumes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			set, err := tt.r.sessionTags(tt.extra)
			if tt.err != "" {
				var e *Error
				if !errors.As(err, &e) || e.Kind != InvalidParameter || !strings.Contains(e.Message, tt.err) {
					t.Fatalf("sessionTags = %v, want InvalidParameterException with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(set.Tags) != fmt.Sprint(tt.want) {
				t.Fatalf("tags = %v, want %v", set.Tags, tt.want)
			}
			got := slices.Sorted(slices.Values(set.Transitive))
			if tt.transitive != nil && fmt.Sprint(got) != fmt.Sprint(tt.transitive) {
				t.Fatalf("transitive = %v, want %v", got, tt.transitive)
			}
			if tt.want == nil && set.Claim() != nil {
				t.Fatal("an empty set has a claim")
			}
			if err := set.Check(); err != nil { // what STS will check
				t.Fatalf("the set breaks STS's rules: %v", err)
			}
		})
	}
}
