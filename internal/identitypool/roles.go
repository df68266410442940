package identitypool

import (
	"fmt"
	"strconv"
	"strings"

	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
)

// chooseRole picks the role for GetCredentialsForIdentity, following
// "Using role-based access control" in the Cognito developer guide:
//   - a guest gets the pool's unauthenticated role;
//   - an authenticated identity gets the role its provider's role mapping
//     gives (Token: CustomRoleArn if it is one of the token's cognito:roles,
//     else cognito:preferred_role; Rules: the first matching rule, or
//     CustomRoleArn if it is the role of a matching rule), with
//     AmbiguousRoleResolution deciding when neither gives one;
//   - without a mapping, the pool's authenticated role, or CustomRoleArn
//     when it is one of the token's cognito:roles.
//
// The first login (by provider name) whose provider has a mapping decides.
func (r *resolution) chooseRole(custom string) (string, error) {
	cfg := r.pool.cfg
	if !r.authenticated {
		role := cfg.Roles["unauthenticated"]
		if role == "" {
			return "", errorf(InvalidIdentityPoolConfiguration, msgBadRoleConfig)
		}
		if custom != "" && custom != role {
			return "", errorf(NotAuthorized, "CustomRoleArn is not allowed for unauthenticated identities.")
		}
		return role, nil
	}
	for _, l := range r.logins {
		m, ok := r.mapping(l)
		if !ok {
			continue
		}
		return r.applyMapping(m, l, custom)
	}
	if custom != "" {
		for _, l := range r.logins {
			if contains(claimList(l.claims["cognito:roles"]), custom) {
				return custom, nil
			}
		}
		return "", errorf(NotAuthorized, "The CustomRoleArn %s is not one of the roles in the token.", custom)
	}
	return r.defaultRole()
}

func (r *resolution) defaultRole() (string, error) {
	role := r.pool.cfg.Roles["authenticated"]
	if role == "" {
		return "", errorf(InvalidIdentityPoolConfiguration, msgBadRoleConfig)
	}
	return role, nil
}

// mapping finds the role mapping for a login's provider; the keys of
// RoleMappings may name a user pool in either of its forms.
func (r *resolution) mapping(l *login) (ci.RoleMapping, bool) {
	if m, ok := r.pool.cfg.RoleMappings[l.mappingKey]; ok {
		return m, true
	}
	if l.kind != kindUserPool {
		return ci.RoleMapping{}, false
	}
	for key, m := range r.pool.cfg.RoleMappings {
		i := strings.LastIndex(key, ":")
		if i <= strings.LastIndex(key, "/") {
			continue
		}
		if up, ok := r.svc.userPoolProvider(key[:i]); ok && up.provider+":"+key[i+1:] == l.mappingKey {
			return m, true
		}
	}
	return ci.RoleMapping{}, false
}

func (r *resolution) applyMapping(m ci.RoleMapping, l *login, custom string) (string, error) {
	var candidates []string
	chosen := ""
	switch m.Type {
	case ci.RoleMappingTypeToken:
		candidates = claimList(l.claims["cognito:roles"])
		if custom == "" {
			chosen = str(l.claims["cognito:preferred_role"])
		}
	case ci.RoleMappingTypeRules:
		if m.RulesConfiguration != nil {
			for _, rule := range m.RulesConfiguration.Rules {
				if ruleMatches(rule, l.claims) {
					candidates = append(candidates, rule.RoleARN)
				}
			}
		}
		if custom == "" && len(candidates) > 0 {
			chosen = candidates[0]
		}
	}
	if custom != "" {
		if contains(candidates, custom) {
			return custom, nil
		}
		return "", errorf(NotAuthorized, "The CustomRoleArn %s is not one of the roles this identity can assume.", custom)
	}
	if chosen != "" {
		return chosen, nil
	}
	if m.AmbiguousRoleResolution == ci.AmbiguousRoleResolutionTypeAuthenticatedRole {
		return r.defaultRole()
	}
	return "", errorf(NotAuthorized, "The ambiguous role mapping rules for: %s denied this request.", l.provider)
}

// ruleMatches applies a mapping rule to a token's claims. A claim that is
// a list (cognito:groups) matches when one of its values does; NotEqual
// needs the claim to exist and no value to equal.
func ruleMatches(rule ci.MappingRule, claims map[string]any) bool {
	raw, ok := claims[rule.Claim]
	if !ok {
		return false
	}
	values := claimList(raw)
	if rule.MatchType == ci.MappingRuleMatchTypeNotEqual {
		return !contains(values, rule.Value)
	}
	for _, v := range values {
		switch rule.MatchType {
		case ci.MappingRuleMatchTypeEquals:
			if v == rule.Value {
				return true
			}
		case ci.MappingRuleMatchTypeContains:
			if strings.Contains(v, rule.Value) {
				return true
			}
		case ci.MappingRuleMatchTypeStartsWith:
			if strings.HasPrefix(v, rule.Value) {
				return true
			}
		}
	}
	return false
}

// claimList reads a claim as a list of strings: a JSON array, or a
// comma-separated string (the developer guide's cognito:roles form).
func claimList(v any) []string {
	switch t := v.(type) {
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			out = append(out, claimString(e))
		}
		return out
	case string:
		if t == "" {
			return nil
		}
		return strings.Split(t, ",")
	case nil:
		return nil
	}
	return []string{claimString(v)}
}

// claimString renders a scalar claim as a string.
func claimString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func contains(list []string, v string) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

// defaultTagMap is the "use defaults" attributes-for-access-control map:
// the tag "client" from aud and "username" from sub (Cognito's default
// provider mappings for user pools and OIDC providers).
var defaultTagMap = map[string]string{"client": "aud", "username": "sub"}

// principalTags computes the session tags of the resolution: each login's
// provider map applied to its token's claims, and the tags carried by a
// Cognate OpenID token (the developer flow's PrincipalTags).
func (r *resolution) principalTags() map[string]string {
	var out map[string]string
	set := func(k, v string) {
		if v == "" {
			return
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	for _, l := range r.logins {
		for k, v := range l.tags {
			set(k, v)
		}
		conf, ok := r.pool.cfg.PrincipalTagMaps[l.provider]
		if !ok {
			continue
		}
		m := conf.Tags
		if conf.UseDefaults {
			m = defaultTagMap
		}
		for tag, claim := range m {
			if v, ok := l.claims[claim]; ok {
				set(tag, strings.Join(claimList(v), ","))
			}
		}
	}
	return out
}
