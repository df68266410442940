package policy

import (
	"fmt"
	"strings"
)

// validate checks decoded statements against IAM's grammar and the rules of
// kind k, in the order IAM reports problems: syntax, version, legacy
// parsing, Sids, actions, resources, then the rules of the policy type.
func validate(d *Document, raws []rawStatement, k kind) *Error {
	for i := range raws {
		st := &raws[i]
		if !st.has["Effect"] {
			return errorf(msgMissingEffect, "Statement[%d]", i)
		}
		if st.effect != EffectAllow && st.effect != EffectDeny {
			if strings.EqualFold(st.effect, EffectAllow) || strings.EqualFold(st.effect, EffectDeny) {
				return errorf(msgLegacy, "Statement[%d]: Effect %q: write Allow or Deny", i, st.effect)
			}
			return errorf(msgSyntax, "Statement[%d]: Effect %q is neither Allow nor Deny", i, st.effect)
		}
		for _, c := range st.conditions {
			if _, _, _, ok := parseOperator(c.Operator); !ok {
				return errorf(msgSyntax, "Statement[%d]: unknown condition operator %q", i, c.Operator)
			}
		}
	}
	if k == kindManaged && d.Version != Version2012 {
		return errorf(msgVersion, "Version is %q", d.Version)
	}
	if k != kindAny {
		for i := range raws {
			if !isAlnum(raws[i].sid) {
				return errorf(msgSidAlnum, "Statement[%d]: Sid %q", i, raws[i].sid)
			}
		}
	}
	sids := make(map[string]bool, len(raws))
	for i := range raws {
		if sid := raws[i].sid; sid != "" {
			if sids[sid] {
				return errorf(msgSidUnique, "Statement[%d]: Sid %q", i, sid)
			}
			sids[sid] = true
		}
	}
	for i := range raws {
		st := &raws[i]
		if len(st.actions()) == 0 {
			return errorf(msgNoActions, "Statement[%d]", i)
		}
	}
	for i := range raws {
		st := &raws[i]
		needed := k == kindIdentity || k == kindManaged
		if (needed || st.resourceElem != "") && len(st.resources()) == 0 {
			return errorf(msgNoResources, "Statement[%d]", i)
		}
	}
	for i := range raws {
		st := &raws[i]
		for _, r := range st.resources() {
			if err := checkResource(r); err != nil {
				err.Detail = fmt.Sprintf("Statement[%d]: %s", i, r)
				return err
			}
		}
	}
	for i := range raws {
		st := &raws[i]
		for _, a := range st.actions() {
			if err := checkAction(a); err != nil {
				err.Detail = fmt.Sprintf("Statement[%d]: %s", i, a)
				return err
			}
		}
	}
	for i := range raws {
		if err := checkKind(&raws[i], k); err != nil {
			err.Detail = fmt.Sprintf("Statement[%d]: %s", i, err.Detail)
			return err
		}
	}
	for i := range raws {
		st := &raws[i]
		for _, pe := range []*PrincipalElement{st.principal, st.notPrincipal} {
			if pe == nil {
				continue
			}
			for _, typ := range sortedKeys(pe.IDs) {
				for _, id := range pe.IDs[typ] {
					if !validPrincipal(typ, id) {
						return errorf(fmt.Sprintf("Invalid principal in policy: %q:%q", typ, id), "Statement[%d]", i)
					}
				}
			}
		}
	}
	return nil
}

// checkKind applies the rules of identity and trust policies.
func checkKind(st *rawStatement, k kind) *Error {
	switch k {
	case kindIdentity, kindManaged:
		if st.prinKey != "" {
			return errorf(msgHasPrincipal, "%s in an identity policy", st.prinKey)
		}
	case kindTrust:
		if st.resourceElem != "" {
			return errorf(msgHasResource, "%s in a trust policy", st.resourceElem)
		}
		if st.prinKey == "" {
			return errorf(msgNoPrincipal, "no Principal in a trust policy")
		}
		for _, a := range st.actions() {
			vendor, _, _ := strings.Cut(a, ":")
			if !strings.EqualFold(vendor, "sts") {
				return errorf(msgTrustActions, "action %q in a trust policy", a)
			}
		}
	}
	return nil
}

// checkResource checks that a Resource or NotResource value is "*" or an
// ARN with a service.
func checkResource(r string) *Error {
	if r == "*" {
		return nil
	}
	notARN := &Error{Message: fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)}
	if !strings.Contains(r, ":") {
		return notARN
	}
	parts, ok := splitPatternARN(r, true)
	if !ok || parts[0] != "arn" || parts[1] == "" {
		return notARN
	}
	if parts[2] == "" || strings.ContainsAny(parts[2], "*?") {
		return &Error{Message: msgResourceVendor}
	}
	return nil
}

// actionVendorChars are the characters of a service prefix.
const actionVendorChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-."

// checkAction checks that an Action or NotAction value is "*" or
// "<service>:<action>".
func checkAction(a string) *Error {
	if a == "*" {
		return nil
	}
	switch strings.Count(a, ":") {
	case 0:
		return &Error{Message: msgVendorMissing}
	case 1:
	default:
		return &Error{Message: msgVendorColons}
	}
	vendor, _, _ := strings.Cut(a, ":")
	if vendor != "*" && (vendor == "" || strings.Trim(vendor, actionVendorChars) != "") {
		return &Error{Message: fmt.Sprintf("Vendor %s is not valid", vendor)}
	}
	return nil
}

// compiled is what Evaluate uses of a statement.
type compiled struct {
	deny         bool
	notAction    bool
	actions      []template
	hasResource  bool // a Resource or NotResource element is present
	notResource  bool
	resources    []arnPattern
	principal    *principalSet // nil: no Principal or NotPrincipal element
	notPrincipal bool
	conds        []condition
}

// compileStatement builds a Statement from a validated rawStatement; vars
// says whether policy variables are substituted.
func compileStatement(raw *rawStatement, vars bool) (Statement, *Error) {
	st := Statement{
		Sid: raw.sid, Effect: raw.effect,
		Principal: raw.principal, NotPrincipal: raw.notPrincipal,
		Action: raw.action, NotAction: raw.notAction,
		Resource: raw.resource, NotResource: raw.notResource,
		Conditions: raw.conditions,
	}
	c := &st.c
	c.deny = raw.effect == EffectDeny
	c.notAction = raw.actionElem == "NotAction"
	for _, a := range raw.actions() {
		c.actions = append(c.actions, compileTemplate(a, false))
	}
	c.hasResource = raw.resourceElem != ""
	c.notResource = raw.resourceElem == "NotResource"
	for _, r := range raw.resources() {
		c.resources = append(c.resources, compileARN(r, vars))
	}
	switch {
	case raw.principal != nil:
		c.principal = compilePrincipal(raw.principal)
	case raw.notPrincipal != nil:
		c.principal, c.notPrincipal = compilePrincipal(raw.notPrincipal), true
	}
	for _, rc := range raw.conditions {
		cond, err := compileCondition(rc, vars)
		if err != nil {
			return Statement{}, err
		}
		c.conds = append(c.conds, cond)
	}
	return st, nil
}

// compileCondition parses a condition's values for its operator. Policy
// variables are substituted in string, ARN and Bool values only, as in IAM.
func compileCondition(rc Condition, vars bool) (condition, *Error) {
	op, set, ifExists, _ := parseOperator(rc.Operator)
	c := condition{op: op, set: set, ifExists: ifExists, key: rc.Key, values: make([]condValue, len(rc.Values))}
	for i, v := range rc.Values {
		cv := &c.values[i]
		ok := true
		switch op.fam {
		case famString, famStringFold, famStringLike, famBool:
			cv.tmpl = compileTemplate(v, vars)
		case famARN:
			a := compileARN(v, vars)
			cv.arn = &a
		case famNumeric:
			cv.num, ok = parseNumber(v)
		case famDate:
			if cv.date, ok = parseDate(v); !ok {
				return condition{}, errorf(msgLegacy, "%s %s: %q is not an ISO 8601 date or an epoch time", rc.Operator, rc.Key, v)
			}
		case famIP:
			cv.prefix, ok = parsePrefix(v)
		case famBinary:
			cv.bin, ok = parseBinary(v)
		case famNull:
			cv.null, ok = parseNull(v)
		}
		if !ok {
			return condition{}, errorf(msgSyntax, "%s %s: %q is not a valid value for the operator", rc.Operator, rc.Key, v)
		}
	}
	return c, nil
}
