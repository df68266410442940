package identitypool

import (
	"strings"

	"github.com/cognate-dev/cognate/internal/sessiontags"
)

// Session tags. An identity's OpenID tokens carry its principal tags in
// AWS's session-tag claim ("https://aws.amazon.com/tags"), so that AWS STS,
// or any STS that follows it, turns them into the session's
// aws:PrincipalTag/<key> when the token is exchanged with
// AssumeRoleWithWebIdentity; GetCredentialsForIdentity passes the same
// tags to this server's STS. The tags are:
//
//   - the pool's principal-tag map applied to the logins' claims
//     (SetPrincipalTagAttributeMap, Cognito's attributes for access
//     control), the tags of an OpenID token presented as a login, and the
//     developer flow's PrincipalTags, which replace a mapped tag of the
//     same key;
//   - with the pool's SessionTagsClaim option (CognateAdmin
//     UpdateIdentityPoolOptions; off by default) the link, marked
//     transitive so that it survives role chaining at AWS:
//
//     IdentityId       the identity id
//     IdentityPoolId   the identity pool id
//     UserPoolId       the user pool of the user-pool login, if any
//     Sub              the user's sub
//     CognitoUsername  the user's username (the ID token's
//     cognito:username; not "username", which Cognito's default
//     principal-tag map gives the sub)
//
// The link's keys are reserved while the option is on: a mapped or
// developer tag whose key is one of them, in any case, is replaced by the
// link's, or left out when the link has no such tag (a developer identity
// has no Sub), so that a policy keyed on ${aws:PrincipalTag/Sub} sees the
// user's sub or nothing.
//
// The tags keep STS's rules (internal/sessiontags) or no token is issued:
//
//   - dropped: CognitoUsername, when the username has characters outside
//     the tag alphabet (Cognito usernames may hold symbols such as ! or #);
//     policies should key on Sub, which is always valid. Nothing else is
//     ever dropped: a missing tag can make a Deny statement with a negated
//     condition stop applying, so a mapped tag that cannot be passed fails
//     the request rather than vanish;
//   - refused (InvalidParameterException): a mapped or developer tag with
//     a key or value outside the rules (e.g. a comma, which joins the values
//     of a multi-valued claim), more than 50 tags, or tags over STS's
//     packed-size limit (sessiontags.PackedBudget). The link tags take at
//     most about 200 bytes of that budget plus the username.

// The link's tag keys.
const (
	TagIdentityID     = "IdentityId"
	TagIdentityPoolID = "IdentityPoolId"
	TagUserPoolID     = "UserPoolId"
	TagSub            = "Sub"
	TagUsername       = "CognitoUsername"
)

// linkKeys are the link's tag keys, reserved while SessionTagsClaim is on.
var linkKeys = []string{TagIdentityID, TagIdentityPoolID, TagUserPoolID, TagSub, TagUsername}

// tag is one session tag.
type tag struct{ key, value string }

// sessionTags returns the session tags of the resolution's tokens and
// credentials: its principal tags, extra (the developer flow's
// PrincipalTags) over them, and the link when the pool's SessionTagsClaim
// option is on.
func (r *resolution) sessionTags(extra map[string]string) (sessiontags.Set, error) {
	base := map[string]string{}
	for k, v := range r.principalTags() {
		putTag(base, k, v)
	}
	for k, v := range extra {
		putTag(base, k, v)
	}
	if !r.pool.cfg.SessionTagsClaim {
		return composeTags(nil, nil, base)
	}
	return composeTags(r.linkTags(), linkKeys, base)
}

// linkTags are the link's tags: the identity and its pool, and the user of
// the user-pool login when there is one.
func (r *resolution) linkTags() []tag {
	out := []tag{{TagIdentityID, r.identity.ID}, {TagIdentityPoolID, r.identity.PoolID}}
	if r.userSub != "" {
		out = append(out, tag{TagUserPoolID, r.userPoolID}, tag{TagSub, r.userSub}, tag{TagUsername, r.username})
	}
	return out
}

// composeTags makes the tag set of the link tags (transitive; one whose
// value breaks the rules is left out) and base (the reserved keys removed
// from it, in any case; each tag must keep the rules), and checks the
// whole against STS's rules. A broken rule is InvalidParameterException.
func composeTags(link []tag, reserved []string, base map[string]string) (sessiontags.Set, error) {
	set := sessiontags.Set{Tags: make(map[string]string, len(link)+len(base))}
	for k, v := range base {
		if !isReserved(k, reserved) {
			set.Tags[k] = v
		}
	}
	for _, t := range link {
		if t.value == "" || sessiontags.CheckValue(t.key, t.value) != nil {
			continue
		}
		set.Tags[t.key] = t.value
		set.Transitive = append(set.Transitive, t.key)
	}
	if err := set.Check(); err != nil {
		return sessiontags.Set{}, errorf(InvalidParameter, "The identity's principal tags cannot be passed as session tags: %s", err.Error())
	}
	if set.Empty() {
		return sessiontags.Set{}, nil
	}
	return set, nil
}

// isReserved reports whether k is one of the reserved keys, in any case.
func isReserved(k string, reserved []string) bool {
	for _, r := range reserved {
		if strings.EqualFold(k, r) {
			return true
		}
	}
	return false
}

// putTag sets m[k] = v, replacing a key that differs from k only in case
// (tag keys are case-insensitive).
func putTag(m map[string]string, k, v string) {
	for old := range m {
		if old != k && strings.EqualFold(old, k) {
			delete(m, old)
		}
	}
	m[k] = v
}
