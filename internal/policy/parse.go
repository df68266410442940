package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// IAM's MalformedPolicyDocument messages.
const (
	msgSyntax          = "Syntax errors in policy."
	msgVersion         = "Policy document must be version 2012-10-17 or greater."
	msgLegacy          = "The policy failed legacy parsing"
	msgSidAlnum        = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgSidUnique       = "Statement IDs (SID) in a single policy must be unique."
	msgNoActions       = "Policy statement must contain actions."
	msgNoResources     = "Policy statement must contain resources."
	msgVendorMissing   = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgVendorColons    = "Actions/Condition can contain only one colon."
	msgResourceVendor  = "Resource vendor must be fully qualified and cannot contain regexes."
	msgNoPrincipal     = "Missing required field Principal"
	msgHasPrincipal    = "Policy document should not specify a principal."
	msgHasResource     = "Has prohibited field Resource"
	msgTrustActions    = "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"
	msgMissingEffect   = "Missing required field Effect"
	msgUnknownFieldFmt = "Unknown field %s"
)

// kind is what a document is parsed as.
type kind uint8

const (
	kindAny      kind = iota // Parse: any policy; no element is required by kind
	kindIdentity             // an inline identity policy (PutRolePolicy)
	kindManaged              // a managed identity policy (CreatePolicy)
	kindTrust                // a role trust policy (CreateRole, UpdateAssumeRolePolicy)
)

// Parse parses and validates a policy document (an identity policy or a role
// trust policy). Errors are *Error whose Message reads like IAM's
// MalformedPolicyDocument messages (e.g. "Syntax errors in policy.",
// "Unknown field Foo"). Limits on the document's size are the caller's
// concern.
func Parse(doc string) (*Document, error) { return parse(doc, kindAny) }

// ParseIdentityPolicy parses an inline identity policy as IAM's
// PutRolePolicy does: every statement needs a Resource or NotResource, none
// may name a Principal, and Sids are alphanumeric.
func ParseIdentityPolicy(doc string) (*Document, error) { return parse(doc, kindIdentity) }

// ParseManagedPolicy parses a managed policy as IAM's CreatePolicy does: as
// ParseIdentityPolicy, and the Version must be 2012-10-17.
func ParseManagedPolicy(doc string) (*Document, error) { return parse(doc, kindManaged) }

// ParseTrustPolicy parses a role trust policy as IAM's CreateRole does:
// every statement needs a Principal or NotPrincipal, none may name a
// Resource, actions are STS actions, and Sids are alphanumeric.
func ParseTrustPolicy(doc string) (*Document, error) { return parse(doc, kindTrust) }

// errorf returns an *Error with IAM's message msg and a detail for logs.
func errorf(msg, format string, args ...any) *Error {
	return &Error{Message: msg, Detail: fmt.Sprintf(format, args...)}
}

// rawStatement is a statement as decoded, before validation.
type rawStatement struct {
	has                               map[string]bool
	sid, effect                       string
	action, notAction                 []string
	resource, notResource             []string
	principal, notPrincipal           *PrincipalElement
	conditions                        []Condition
	actionElem, resourceElem, prinKey string // which of each pair is present
}

// actions returns the values of the Action or NotAction element.
func (st *rawStatement) actions() []string {
	if st.actionElem == "NotAction" {
		return st.notAction
	}
	return st.action
}

// resources returns the values of the Resource or NotResource element.
func (st *rawStatement) resources() []string {
	if st.resourceElem == "NotResource" {
		return st.notResource
	}
	return st.resource
}

// parse decodes doc, validates it as a policy of kind k and compiles it.
func parse(doc string, k kind) (*Document, error) {
	top, err := decodeObject([]byte(doc))
	if err != nil || top == nil {
		return nil, errorf(msgSyntax, "the document is not a JSON object")
	}
	if key, dup := duplicateKey([]byte(doc)); dup {
		return nil, errorf(msgSyntax, "the key %q appears twice in one object", key)
	}
	d := &Document{Version: Version2008}
	for _, name := range sortedKeys(top) {
		switch name {
		case "Version", "Id", "Statement":
		default:
			return nil, errorf(fmt.Sprintf(msgUnknownFieldFmt, name), "top-level element %q", name)
		}
	}
	if raw, ok := top["Version"]; ok {
		v, ok := decodeString(raw)
		if !ok || (v != Version2012 && v != Version2008) {
			return nil, errorf(msgSyntax, "Version must be %q or %q", Version2012, Version2008)
		}
		d.Version = v
	}
	if raw, ok := top["Id"]; ok {
		if d.ID, ok = decodeString(raw); !ok {
			return nil, errorf(msgSyntax, "Id must be a string")
		}
	}
	raws, perr := decodeStatements(top["Statement"])
	if perr != nil {
		return nil, perr
	}
	if err := validate(d, raws, k); err != nil {
		return nil, err
	}
	vars := d.Version == Version2012
	d.Statements = make([]Statement, len(raws))
	for i := range raws {
		st, err := compileStatement(&raws[i], vars)
		if err != nil {
			err.Detail = fmt.Sprintf("Statement[%d]: %s", i, err.Detail)
			return nil, err
		}
		d.Statements[i] = st
	}
	return d, nil
}

// duplicateKey finds a key that appears twice in one JSON object of the
// valid JSON doc. Such a document means different things to different
// readers (encoding/json keeps the last value), so it is refused.
func duplicateKey(doc []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // the next token in this object is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top >= 0 && stack[top].object {
					stack[top].expect = true
				}
				stack = append(stack, frame{object: t == '{', keys: map[string]bool{}, expect: t == '{'})
			default:
				stack = stack[:top]
			}
			continue
		case string:
			if top >= 0 && stack[top].object && stack[top].expect {
				if stack[top].keys[t] {
					return t, true
				}
				stack[top].keys[t] = true
				stack[top].expect = false
				continue
			}
		}
		if top >= 0 && stack[top].object {
			stack[top].expect = true
		}
	}
}

// decodeObject decodes a JSON object into its members. A JSON null decodes
// to a nil map.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeString decodes a JSON string (and nothing else).
func decodeString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// decodeStrings decodes a string or an array of strings.
func decodeStrings(raw json.RawMessage) ([]string, bool) {
	if s, ok := decodeString(raw); ok {
		return []string{s}, true
	}
	raw = bytes.TrimSpace(raw)
	var elems []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, ok := decodeString(e)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// statementFields are the elements a statement may have.
var statementFields = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
	"Condition": true,
}

// decodeStatements decodes the Statement element: one statement object or
// a non-empty array of them.
func decodeStatements(raw json.RawMessage) ([]rawStatement, *Error) {
	var objs []json.RawMessage
	switch {
	case len(raw) == 0:
		return nil, errorf(msgSyntax, "no Statement element")
	case raw[0] == '{':
		objs = []json.RawMessage{raw}
	case raw[0] == '[':
		if json.Unmarshal(raw, &objs) != nil || len(objs) == 0 {
			return nil, errorf(msgSyntax, "Statement must be an object or a non-empty array of objects")
		}
	default:
		return nil, errorf(msgSyntax, "Statement must be an object or an array")
	}
	out := make([]rawStatement, len(objs))
	for i, o := range objs {
		if err := decodeStatement(o, &out[i]); err != nil {
			err.Detail = fmt.Sprintf("Statement[%d]: %s", i, err.Detail)
			return nil, err
		}
	}
	return out, nil
}

func decodeStatement(raw json.RawMessage, st *rawStatement) *Error {
	if len(raw) == 0 || raw[0] != '{' {
		return errorf(msgSyntax, "a statement must be an object")
	}
	m, jerr := decodeObject(raw)
	if jerr != nil {
		return errorf(msgSyntax, "a statement must be an object")
	}
	st.has = make(map[string]bool, len(m))
	for _, name := range sortedKeys(m) {
		if !statementFields[name] {
			return errorf(fmt.Sprintf(msgUnknownFieldFmt, name), "statement element %q", name)
		}
		st.has[name] = true
	}
	var ok bool
	if raw, has := m["Sid"]; has {
		if st.sid, ok = decodeString(raw); !ok {
			return errorf(msgSyntax, "Sid must be a string")
		}
	}
	if raw, has := m["Effect"]; has {
		if st.effect, ok = decodeString(raw); !ok {
			return errorf(msgSyntax, "Effect must be a string")
		}
	}
	var vals []string
	var err *Error
	if st.actionElem, vals, err = decodeEither(m, "Action", "NotAction"); err != nil {
		return err
	}
	if st.actionElem == "Action" {
		st.action = vals
	} else {
		st.notAction = vals
	}
	if st.resourceElem, vals, err = decodeEither(m, "Resource", "NotResource"); err != nil {
		return err
	}
	if st.resourceElem == "Resource" {
		st.resource = vals
	} else {
		st.notResource = vals
	}
	if st.has["Principal"] && st.has["NotPrincipal"] {
		return errorf(msgSyntax, "both Principal and NotPrincipal")
	}
	for _, name := range []string{"Principal", "NotPrincipal"} {
		raw, has := m[name]
		if !has {
			continue
		}
		pe, perr := decodePrincipal(raw)
		if perr != nil {
			perr.Detail = name + ": " + perr.Detail
			return perr
		}
		st.prinKey = name
		if name == "Principal" {
			st.principal = pe
		} else {
			st.notPrincipal = pe
		}
	}
	if raw, has := m["Condition"]; has {
		if st.conditions, err = decodeConditions(raw); err != nil {
			return err
		}
	}
	return nil
}

// decodeEither decodes whichever of the elements a and b (e.g. Action and
// NotAction) is present, as a string or an array of strings. name is ""
// when neither is.
func decodeEither(m map[string]json.RawMessage, a, b string) (name string, vals []string, err *Error) {
	rawA, hasA := m[a]
	rawB, hasB := m[b]
	switch {
	case hasA && hasB:
		return "", nil, errorf(msgSyntax, "both %s and %s", a, b)
	case hasA:
		name = a
	case hasB:
		name, rawA = b, rawB
	default:
		return "", nil, nil
	}
	vals, ok := decodeStrings(rawA)
	if !ok {
		return "", nil, errorf(msgSyntax, "%s must be a string or an array of strings", name)
	}
	return name, vals, nil
}

// decodePrincipal decodes "*" or {"<type>": id or [ids]}.
func decodePrincipal(raw json.RawMessage) (*PrincipalElement, *Error) {
	if s, ok := decodeString(raw); ok {
		if s != "*" {
			return nil, errorf(fmt.Sprintf("Invalid principal in policy: %q", s), "a principal string must be \"*\"")
		}
		return &PrincipalElement{Any: true}, nil
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errorf(msgSyntax, "must be \"*\" or an object")
	}
	m, err := decodeObject(raw)
	if err != nil || len(m) == 0 {
		return nil, errorf(msgSyntax, "must be \"*\" or a non-empty object")
	}
	pe := &PrincipalElement{IDs: make(map[string][]string, len(m))}
	for _, typ := range sortedKeys(m) {
		ids, ok := decodeStrings(m[typ])
		if !ok || len(ids) == 0 {
			return nil, errorf(msgSyntax, "%s must be a string or a non-empty array of strings", typ)
		}
		pe.IDs[typ] = ids
	}
	return pe, nil
}

// decodeConditions decodes the Condition element: operators to keys to a
// value or an array of values (strings, numbers or booleans).
func decodeConditions(raw json.RawMessage) ([]Condition, *Error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errorf(msgSyntax, "Condition must be an object")
	}
	ops, err := decodeObject(raw)
	if err != nil {
		return nil, errorf(msgSyntax, "Condition must be an object")
	}
	var out []Condition
	for _, op := range sortedKeys(ops) {
		body := ops[op]
		if len(body) == 0 || body[0] != '{' {
			return nil, errorf(msgSyntax, "Condition %s must be an object", op)
		}
		keys, err := decodeObject(body)
		if err != nil {
			return nil, errorf(msgSyntax, "Condition %s must be an object", op)
		}
		for _, key := range sortedKeys(keys) {
			vals, ok := decodeConditionValues(keys[key])
			if !ok {
				return nil, errorf(msgSyntax, "Condition %s %s: values must be strings, numbers or booleans", op, key)
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	return out, nil
}

// decodeConditionValues decodes one condition value or an array of them.
func decodeConditionValues(raw json.RawMessage) ([]string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, false
	}
	if raw[0] != '[' {
		v, ok := scalarText(raw)
		if !ok {
			return nil, false
		}
		return []string{v}, true
	}
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return nil, false
	}
	vals := make([]string, 0, len(elems))
	for _, e := range elems {
		v, ok := scalarText(e)
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}

// scalarText returns a JSON string's value, or a number's or boolean's
// text.
func scalarText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch c := raw[0]; {
	case c == '"':
		return decodeString(raw)
	case c == 't' || c == 'f':
		return string(raw), string(raw) == "true" || string(raw) == "false"
	case c == '-' || (c >= '0' && c <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}

// sortedKeys returns m's keys in order, so that the first of several
// problems is always the same one.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isAlnum reports whether s holds only ASCII letters and digits.
func isAlnum(s string) bool {
	return strings.Trim(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == ""
}
