package userpool

import (
	"sort"

	"github.com/cognate-dev/cognate/internal/storage"
)

// groupClaims are the claims a user's groups add to tokens: cognito:groups
// (access and ID tokens), cognito:roles and cognito:preferred_role (ID
// token only).
type groupClaims struct {
	groups    []string // nil when the user is in no group
	roles     []string // nil when no group has a role
	preferred string   // "" when there is no single preferred role
}

// claimsOfGroups orders the groups by precedence (lowest first, groups
// without one last, then by name) and derives the claims, following the
// model's documentation of GroupType.Precedence: the preferred role is the
// role of the group with the lowest precedence among the groups that have
// a role; a group without a precedence ranks below every group with one;
// groups tied at the best precedence give a preferred role only when they
// all have the same role.
func claimsOfGroups(gs []storage.Group) groupClaims {
	if len(gs) == 0 {
		return groupClaims{}
	}
	gs = append([]storage.Group(nil), gs...)
	rank := func(g storage.Group) int64 {
		if g.Precedence < 0 {
			return 1 << 62
		}
		return int64(g.Precedence)
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if ri, rj := rank(gs[i]), rank(gs[j]); ri != rj {
			return ri < rj
		}
		return gs[i].Name < gs[j].Name
	})
	var c groupClaims
	seen := map[string]bool{}
	best, tied := int64(-1), false
	for _, g := range gs {
		c.groups = append(c.groups, g.Name)
		if g.RoleARN == "" {
			continue
		}
		if !seen[g.RoleARN] {
			seen[g.RoleARN] = true
			c.roles = append(c.roles, g.RoleARN)
		}
		switch r := rank(g); {
		case best < 0:
			best, c.preferred = r, g.RoleARN
		case r == best && g.RoleARN != c.preferred:
			tied = true
		}
	}
	if tied {
		c.preferred = ""
	}
	return c
}
