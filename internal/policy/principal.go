package policy

import (
	"strings"
)

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	any bool // "*" or {"AWS": "*"}: everyone, anonymous callers included
	ids []principalID
}

type principalID struct {
	typ string
	id  string
	any bool // "*" for this type: every principal of the type
	// account is set when id names a whole AWS account ("123456789012" or
	// "arn:aws:iam::123456789012:root"): it matches every principal of the
	// account.
	account string
	// role is set when id is an IAM role ARN: it also matches the role's
	// sessions ("arn:aws:sts::<account>:assumed-role/<name>/<session>").
	role *roleRef
}

type roleRef struct{ partition, account, name string }

// compilePrincipal compiles a validated PrincipalElement.
func compilePrincipal(e *PrincipalElement) *principalSet {
	ps := &principalSet{any: e.Any}
	for _, typ := range sortedKeys(e.IDs) {
		for _, id := range e.IDs[typ] {
			p := principalID{typ: typ, id: id, any: id == "*"}
			if typ == PrincipalAWS {
				if p.any {
					ps.any = true
				}
				p.account = accountOf(id)
				p.role = roleOf(id)
			}
			ps.ids = append(ps.ids, p)
		}
	}
	return ps
}

// match reports whether the caller p is in the set.
func (ps *principalSet) match(p *Principal) bool {
	if ps.any {
		return true
	}
	if p == nil {
		return false
	}
	for i := range ps.ids {
		q := &ps.ids[i]
		if q.typ != p.Type {
			continue
		}
		switch {
		case q.any:
			return true
		case q.typ == PrincipalFederated || q.typ == PrincipalService:
			if strings.EqualFold(q.id, p.ID) {
				return true
			}
		case q.id == p.ID:
			return true
		case q.account != "":
			if p.ID == q.account || accountOfARN(p.ID) == q.account {
				return true
			}
		case q.role != nil:
			if q.role.matchSession(p.ID) {
				return true
			}
		}
	}
	return false
}

// accountOf returns the account an AWS principal ID names as a whole, or "".
func accountOf(id string) string {
	if isAccountID(id) {
		return id
	}
	parts, ok := splitARN(id)
	if ok && parts[0] == "arn" && parts[2] == "iam" && parts[3] == "" && parts[5] == "root" && isAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// accountOfARN returns the account segment of an ARN, or "".
func accountOfARN(arn string) string {
	parts, ok := splitARN(arn)
	if !ok || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// roleOf parses an IAM role ARN ("arn:aws:iam::<account>:role/<path>/<name>").
func roleOf(id string) *roleRef {
	parts, ok := splitARN(id)
	if !ok || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return nil
	}
	name := parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	return &roleRef{partition: parts[1], account: parts[4], name: name}
}

// matchSession reports whether id is a session of the role
// ("arn:aws:sts::<account>:assumed-role/<name>/<session>").
func (r *roleRef) matchSession(id string) bool {
	parts, ok := splitARN(id)
	if !ok || parts[0] != "arn" || parts[1] != r.partition || parts[2] != "sts" || parts[4] != r.account {
		return false
	}
	rest, ok := strings.CutPrefix(parts[5], "assumed-role/")
	if !ok {
		return false
	}
	name, _, ok := strings.Cut(rest, "/")
	return ok && name == r.name
}

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validPrincipal reports whether id is acceptable for principal type typ.
// A wildcard may only stand alone: IAM does not match part of a principal.
func validPrincipal(typ, id string) bool {
	if id == "" || (id != "*" && strings.ContainsAny(id, "*?")) {
		return false
	}
	switch typ {
	case PrincipalAWS:
		if id == "*" || isAccountID(id) {
			return true
		}
		if strings.HasPrefix(id, "arn:") {
			parts, ok := splitARN(id)
			return ok && (parts[2] == "iam" || parts[2] == "sts") && parts[5] != ""
		}
		// An IAM unique ID (e.g. "AIDA..." or "AROA..."), as IAM shows a
		// principal that was deleted.
		return len(id) >= 16 && strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
	case PrincipalFederated, PrincipalService, PrincipalCanonicalUser:
		return !strings.ContainsAny(id, " \t\r\n")
	}
	return false
}
