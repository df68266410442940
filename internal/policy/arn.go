package policy

import "strings"

// arnSegments is the number of colon-separated parts of an ARN:
// arn:partition:service:region:account-id:resource. The resource part may
// hold further colons.
const arnSegments = 6

// arnPattern is a Resource, NotResource or Arn* condition value. Like IAM,
// it matches ARNs segment by segment: a wildcard never crosses a colon of
// the first five, so "arn:aws:s3:*:111122223333:x" does not match an ARN
// whose region segment is "us-east-2:999999999999:store/abc" (IAM JSON
// policy elements: Condition operators, "ARN condition operators").
type arnPattern struct {
	any   bool // "*": every resource
	isARN bool // the pattern has six segments
	whole template
	segs  [arnSegments]template
}

// compileARN compiles a resource or ARN pattern; vars says whether policy
// variables are substituted (Version 2012-10-17).
func compileARN(s string, vars bool) arnPattern {
	a := arnPattern{any: s == "*", whole: compileTemplate(s, vars)}
	parts, ok := splitPatternARN(s, vars)
	if !ok {
		return a
	}
	a.isARN = true
	for i, p := range parts {
		a.segs[i] = compileTemplate(p, vars)
	}
	return a
}

// splitPatternARN splits pattern s into its six ARN segments. Colons inside
// policy variables (${cognito-identity.amazonaws.com:sub}) do not split.
func splitPatternARN(s string, vars bool) (parts [arnSegments]string, ok bool) {
	n, start := 0, 0
	for i := 0; i < len(s) && n < arnSegments-1; {
		if vars && strings.HasPrefix(s[i:], "${") {
			if _, l, ok := parseVariable(s[i:]); ok {
				i += l
				continue
			}
		}
		if s[i] == ':' {
			parts[n] = s[start:i]
			n++
			start = i + 1
		}
		i++
	}
	if n < arnSegments-1 {
		return parts, false
	}
	parts[n] = s[start:]
	return parts, true
}

// splitARN splits an ARN from a request into its six segments without
// allocating.
func splitARN(s string) (parts [arnSegments]string, ok bool) {
	for n := 0; n < arnSegments-1; n++ {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return parts, false
		}
		parts[n], s = s[:i], s[i+1:]
	}
	parts[arnSegments-1] = s
	return parts, true
}

// arnValue is an ARN from a request, split once for all the patterns it
// is matched against.
type arnValue struct {
	s     string
	parts [arnSegments]string
	ok    bool // s has six segments
}

func newARNValue(s string) arnValue {
	v := arnValue{s: s}
	v.parts, v.ok = splitARN(s)
	return v
}

// match reports whether the ARN v matches the pattern. Patterns that are
// not ARNs (of resources, only "*" passes validation) match v as a whole.
func (a *arnPattern) match(v *arnValue, ctx map[string][]string) bool {
	if a.any {
		return true
	}
	if !a.isARN {
		return a.whole.match(v.s, ctx, modeGlob)
	}
	if !v.ok {
		return false
	}
	for i := range a.segs {
		if !a.segs[i].match(v.parts[i], ctx, modeGlob) {
			return false
		}
	}
	return true
}
