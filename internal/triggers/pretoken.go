package triggers

import (
	"slices"
	"strings"
)

// Pre token generation event versions (LambdaVersion V1_0, V2_0, V3_0).
const (
	PreTokenV1 = "1"
	PreTokenV2 = "2"
	PreTokenV3 = "3"
)

// Pre token generation trigger sources.
const (
	TokenAuthentication       = "TokenGeneration_Authentication"
	TokenHostedAuth           = "TokenGeneration_HostedAuth"
	TokenNewPasswordChallenge = "TokenGeneration_NewPasswordChallenge"
	TokenAuthenticateDevice   = "TokenGeneration_AuthenticateDevice"
	TokenRefreshTokens        = "TokenGeneration_RefreshTokens"
	TokenClientCredentials    = "TokenGeneration_ClientCredentials"
)

// Claims are the claims of the tokens a pre token generation answer
// changes: the ID token's (nil for client_credentials, which has none), the
// access token's, and the access token's scopes.
type Claims struct {
	ID     map[string]any
	Access map[string]any
	Scopes []string
}

// Claims no function may add, change or suppress. Cognito documents the ID
// token's list; the access token's adds what identifies the client, the
// session and the scopes (scopes change through scopesToAdd and
// scopesToSuppress). The group claims change through groupOverrideDetails
// only. Attempts to change them are ignored.
var (
	reservedID = []string{"acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat",
		"identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use",
		"cognito:groups", "cognito:roles", "cognito:preferred_role", "event_id"}
	reservedAccess = append(slices.Clone(reservedID), "client_id", "scope", "username", "device_key", "version")
)

// ApplyV1 applies a version 1 answer: claims of the ID token, and the
// groups of both tokens.
func ApplyV1(r PreTokenV1Response, c *Claims) {
	d := r.ClaimsOverrideDetails
	if d == nil {
		return
	}
	if c.ID != nil {
		add := make(map[string]any, len(d.ClaimsToAddOrOverride))
		for k, v := range d.ClaimsToAddOrOverride {
			add[k] = v
		}
		change(c.ID, add, d.ClaimsToSuppress, reservedID)
	}
	overrideGroups(d.GroupOverrideDetails, c)
}

// ApplyV2 applies a version 2 or 3 answer: claims of both tokens, the
// access token's scopes and the groups of both tokens.
func ApplyV2(r PreTokenV2Response, c *Claims) {
	d := r.ClaimsAndScopeOverrideDetails
	if d == nil {
		return
	}
	if g := d.IDTokenGeneration; g != nil && c.ID != nil {
		change(c.ID, g.ClaimsToAddOrOverride, g.ClaimsToSuppress, reservedID)
	}
	if g := d.AccessTokenGeneration; g != nil {
		change(c.Access, g.ClaimsToAddOrOverride, g.ClaimsToSuppress, reservedAccess)
		for _, s := range g.ScopesToAdd {
			if s = strings.TrimSpace(s); s != "" && !strings.ContainsAny(s, " \t\n") && !slices.Contains(c.Scopes, s) {
				c.Scopes = append(c.Scopes, s)
			}
		}
		c.Scopes = slices.DeleteFunc(c.Scopes, func(s string) bool { return slices.Contains(g.ScopesToSuppress, s) })
		c.Access["scope"] = strings.Join(c.Scopes, " ")
	}
	overrideGroups(d.GroupOverrideDetails, c)
}

// change adds or overrides the claims of add and removes those of
// suppress (suppressing wins, as Cognito documents), leaving reserved
// claims alone.
func change(claims map[string]any, add map[string]any, suppress []string, reserved []string) {
	for k, v := range add {
		if k != "" && !slices.Contains(reserved, k) {
			claims[k] = v
		}
	}
	for _, k := range suppress {
		if !slices.Contains(reserved, k) {
			delete(claims, k)
		}
	}
}

// overrideGroups replaces the group claims with g's: cognito:groups in both
// tokens, cognito:roles and cognito:preferred_role in the ID token. Empty
// lists remove them. A nil g leaves them as they are.
func overrideGroups(g *GroupConfiguration, c *Claims) {
	if g == nil {
		return
	}
	set := func(m map[string]any, k string, v []string) {
		if m == nil {
			return
		}
		if len(v) == 0 {
			delete(m, k)
			return
		}
		m[k] = slices.Clone(v)
	}
	set(c.Access, "cognito:groups", g.GroupsToOverride)
	set(c.ID, "cognito:groups", g.GroupsToOverride)
	set(c.ID, "cognito:roles", g.IAMRolesToOverride)
	if c.ID != nil {
		if g.PreferredRole != nil && *g.PreferredRole != "" {
			c.ID["cognito:preferred_role"] = *g.PreferredRole
		} else {
			delete(c.ID, "cognito:preferred_role")
		}
	}
}
