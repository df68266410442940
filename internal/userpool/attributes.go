package userpool

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// writer says who writes attributes: an admin may set anything mutable
// (email_verified included); an app client only what its WriteAttributes
// allow.
type writer struct {
	admin  bool
	client *client
}

var (
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
	phonePattern = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

// schemaError words attribute problems as Cognito does.
func schemaError(name, problem string) error {
	return errorf(InvalidParameter, "Attributes did not conform to the schema: %s: %s", name, problem)
}

// checkAttributes validates attributes a caller wants to set. creating
// allows immutable attributes to be set once. Boolean values are accepted
// in any case ("True", as Cognito accepts) and rewritten in place as
// "true" or "false", the form stored and returned.
func (p *pool) checkAttributes(attrs []cip.AttributeType, w writer, creating bool) error {
	seen := map[string]bool{}
	for i, a := range attrs {
		if seen[a.Name] {
			return errorf(InvalidParameter, "Duplicate attribute name %s.", a.Name)
		}
		seen[a.Name] = true
		if a.Name == "sub" {
			return schemaError("sub", "Attribute cannot be updated.")
		}
		def, ok := p.schemaAttribute(a.Name)
		if !ok {
			return errorf(InvalidParameter, "Attributes did not conform to the schema: Type for attribute {%s} could not be determined", a.Name)
		}
		if !w.admin {
			// p.readOnly: attributes the server maintains (an identity
			// pool's identity-id write-back) are never client-writable;
			// nor is identities, the linked identities (provider_links.go),
			// which ID tokens carry.
			if boolv(def.DeveloperOnlyAttribute) || strings.HasPrefix(a.Name, "dev:") || !w.client.canWrite(a.Name) ||
				p.readOnly[a.Name] || a.Name == "identities" {
				return errorf(NotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
		if !creating && !boolv(def.Mutable) {
			return schemaError(a.Name, "Attribute cannot be updated. (changing an immutable attribute)")
		}
		if a.Value == "" && !creating {
			continue // a deletion
		}
		if err := checkValue(def, a.Value); err != nil {
			return err
		}
		if def.AttributeDataType == "Boolean" {
			attrs[i].Value = strings.ToLower(a.Value)
		}
	}
	return nil
}

// checkValue checks one value against its schema definition.
func checkValue(def cip.SchemaAttributeType, v string) error {
	switch def.AttributeDataType {
	case "Boolean":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return schemaError(def.Name, "Attribute value must be true or false.")
		}
		return nil
	case "Number":
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return schemaError(def.Name, "Number attribute value must be a number.")
		}
		if c := def.NumberAttributeConstraints; c != nil {
			if lo, err := strconv.ParseFloat(c.MinValue, 64); err == nil && n < lo {
				return schemaError(def.Name, "Number must be greater than or equal to "+c.MinValue+".")
			}
			if hi, err := strconv.ParseFloat(c.MaxValue, 64); err == nil && n > hi {
				return schemaError(def.Name, "Number must be less than or equal to "+c.MaxValue+".")
			}
		}
		return nil
	case "DateTime":
		return nil
	}
	length := utf8.RuneCountInString(v)
	maxLen := 2048
	if c := def.StringAttributeConstraints; c != nil {
		if lo, err := strconv.Atoi(c.MinLength); err == nil && length < lo && v != "" {
			return schemaError(def.Name, "String must be at least "+c.MinLength+" characters long.")
		}
		if hi, err := strconv.Atoi(c.MaxLength); err == nil {
			maxLen = hi
		}
	}
	if length > maxLen {
		return schemaError(def.Name, "String must be no longer than "+strconv.Itoa(maxLen)+" characters.")
	}
	switch def.Name {
	case "email":
		if v != "" && !emailPattern.MatchString(v) {
			return errorf(InvalidParameter, "Invalid email address format.")
		}
	case "phone_number":
		if v != "" && !phonePattern.MatchString(v) {
			return errorf(InvalidParameter, "Invalid phone number format.")
		}
	}
	return nil
}

// unknownAttributes words the names that are not in the pool's schema as
// Cognito's attribute operations do, one line each, "user.<name>: Attribute
// does not exist in the schema.\n"; "" when every name is known.
func (p *pool) unknownAttributes(names []string) string {
	var b strings.Builder
	for _, n := range names {
		if _, ok := p.schemaAttribute(n); !ok {
			b.WriteString("user." + n + ": Attribute does not exist in the schema.\n")
		}
	}
	return b.String()
}

// attributeNames lists the names of attrs.
func attributeNames(attrs []cip.AttributeType) []string {
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = a.Name
	}
	return out
}

// missingRequired names the first required attribute that attrs lack.
func (p *pool) missingRequired(attrs map[string]string) string {
	for _, def := range p.cfg.SchemaAttributes {
		if boolv(def.Required) && def.Name != "sub" && attrs[def.Name] == "" {
			return def.Name
		}
	}
	return ""
}

// setAttributes applies attrs to a user's attribute map; an empty value
// deletes the attribute.
func setAttributes(dst map[string]string, attrs []cip.AttributeType) {
	for _, a := range attrs {
		if a.Value == "" {
			delete(dst, a.Name)
			continue
		}
		dst[a.Name] = a.Value
	}
}

// attributeList renders a user's attributes for the API: sub first, then
// the rest by name; read, when non-nil, filters what an app client may see.
func attributeList(sub string, attrs map[string]string, read func(string) bool) []cip.AttributeType {
	out := make([]cip.AttributeType, 0, len(attrs)+1)
	out = append(out, cip.AttributeType{Name: "sub", Value: sub})
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		if strings.HasPrefix(n, pendingPrefix) {
			continue
		}
		if read == nil || read(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, cip.AttributeType{Name: n, Value: attrs[n]})
	}
	return out
}

// clientReadable reports whether an app client may read attribute name.
func (c *client) clientReadable(name string) bool {
	return !strings.HasPrefix(name, "dev:") && !strings.HasPrefix(name, pendingPrefix) && c.canRead(name)
}
