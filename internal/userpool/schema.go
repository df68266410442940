package userpool

import (
	"strconv"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// standardAttributes are the OpenID Connect attributes every pool has, in
// the order DescribeUserPool lists them, with Cognito's defaults.
var standardAttributes = []struct {
	name, dataType string
	mutable        bool
	required       bool
	minLen, maxLen string
}{
	{"sub", "String", false, true, "1", "2048"},
	{"name", "String", true, false, "0", "2048"},
	{"given_name", "String", true, false, "0", "2048"},
	{"family_name", "String", true, false, "0", "2048"},
	{"middle_name", "String", true, false, "0", "2048"},
	{"nickname", "String", true, false, "0", "2048"},
	{"preferred_username", "String", true, false, "0", "2048"},
	{"profile", "String", true, false, "0", "2048"},
	{"picture", "String", true, false, "0", "2048"},
	{"website", "String", true, false, "0", "2048"},
	{"email", "String", true, false, "0", "2048"},
	{"email_verified", "Boolean", true, false, "", ""},
	{"gender", "String", true, false, "0", "2048"},
	{"birthdate", "String", true, false, "10", "10"},
	{"zoneinfo", "String", true, false, "0", "2048"},
	{"locale", "String", true, false, "0", "2048"},
	{"phone_number", "String", true, false, "0", "2048"},
	{"phone_number_verified", "Boolean", true, false, "", ""},
	{"address", "String", true, false, "0", "2048"},
	{"updated_at", "Number", true, false, "", ""},
	{"identities", "String", true, false, "", ""},
}

func isStandardAttribute(name string) bool {
	for _, a := range standardAttributes {
		if a.name == name {
			return true
		}
	}
	return false
}

// buildSchema merges the standard attributes with the schema given at pool
// creation: standard attributes may be made required (or immutable), other
// names become custom attributes ("custom:<name>", or "dev:custom:<name>"
// when developer-only).
func buildSchema(given []cip.SchemaAttributeType) ([]cip.SchemaAttributeType, error) {
	out := make([]cip.SchemaAttributeType, 0, len(standardAttributes)+len(given))
	for _, a := range standardAttributes {
		sa := cip.SchemaAttributeType{
			Name:                   a.name,
			AttributeDataType:      a.dataType,
			DeveloperOnlyAttribute: ptr(false),
			Mutable:                ptr(a.mutable),
			Required:               ptr(a.required),
		}
		switch a.dataType {
		case "String":
			sa.StringAttributeConstraints = &cip.StringAttributeConstraintsType{MinLength: a.minLen, MaxLength: a.maxLen}
		case "Number":
			sa.NumberAttributeConstraints = &cip.NumberAttributeConstraintsType{MinValue: "0"}
		}
		out = append(out, sa)
	}
	seen := map[string]bool{}
	for _, g := range given {
		if seen[g.Name] {
			return nil, errorf(InvalidParameter, "Duplicate attribute name %s in schema.", g.Name)
		}
		seen[g.Name] = true
		if i := indexOfAttribute(out, g.Name); i >= 0 && isStandardAttribute(g.Name) {
			if g.Name == "sub" {
				continue
			}
			if (g.AttributeDataType != "" && g.AttributeDataType != out[i].AttributeDataType) || boolv(g.DeveloperOnlyAttribute) {
				return nil, errorf(InvalidParameter, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", g.Name)
			}
			if err := checkConstraints(g.Name, out[i].AttributeDataType, g); err != nil {
				return nil, err
			}
			if g.Required != nil {
				out[i].Required = g.Required
			}
			if g.Mutable != nil {
				out[i].Mutable = g.Mutable
			}
			if g.StringAttributeConstraints != nil && out[i].StringAttributeConstraints != nil {
				out[i].StringAttributeConstraints = g.StringAttributeConstraints
			}
			continue
		}
		custom, err := customAttribute(g)
		if err != nil {
			return nil, err
		}
		if indexOfAttribute(out, custom.Name) >= 0 {
			return nil, errorf(InvalidParameter, "Duplicate attribute name %s in schema.", g.Name)
		}
		out = append(out, custom)
	}
	return out, nil
}

// customAttribute turns a schema entry into a custom attribute definition.
func customAttribute(g cip.SchemaAttributeType) (cip.SchemaAttributeType, error) {
	name := strings.TrimPrefix(g.Name, "custom:")
	if name == "" || len(name) > 20 {
		return g, errorf(InvalidParameter, "Invalid custom attribute name %q.", g.Name)
	}
	if boolv(g.Required) {
		return g, errorf(InvalidParameter, "Required custom attributes are not supported currently.")
	}
	dataType := g.AttributeDataType
	if dataType == "" {
		return g, errorf(InvalidParameter, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	if err := checkConstraints("custom:"+name, dataType, g); err != nil {
		return g, err
	}
	sa := cip.SchemaAttributeType{
		Name:                   "custom:" + name,
		AttributeDataType:      dataType,
		DeveloperOnlyAttribute: ptr(boolv(g.DeveloperOnlyAttribute)),
		Mutable:                ptr(g.Mutable == nil || *g.Mutable),
		Required:               ptr(false),
	}
	if sa.DeveloperOnlyAttribute != nil && *sa.DeveloperOnlyAttribute {
		sa.Name = "dev:custom:" + name
	}
	switch dataType {
	case "String":
		sa.StringAttributeConstraints = g.StringAttributeConstraints
		if sa.StringAttributeConstraints == nil {
			sa.StringAttributeConstraints = &cip.StringAttributeConstraintsType{}
		}
	case "Number":
		sa.NumberAttributeConstraints = g.NumberAttributeConstraints
		if sa.NumberAttributeConstraints == nil {
			sa.NumberAttributeConstraints = &cip.NumberAttributeConstraintsType{}
		}
	}
	return sa, nil
}

// maxStringAttributeLength is the longest value a string attribute can
// hold, and so the largest length constraint it can have.
const maxStringAttributeLength = 2048

// checkConstraints checks the length or value constraints a schema entry
// gives for an attribute of dataType, worded as Cognito words them: each
// bound must be a number, a length at most 2048, and the maximum no less
// than the minimum. Constraints of the other data type are ignored.
func checkConstraints(name, dataType string, g cip.SchemaAttributeType) error {
	switch c := g.StringAttributeConstraints; {
	case dataType == "String" && c != nil:
		lo, loOK, err := optionalInt(c.MinLength)
		hi, hiOK, err2 := optionalInt(c.MaxLength)
		if err != nil || err2 != nil || lo < 0 || hi < 0 {
			return errorf(InvalidParameter, "Invalid StringAttributeConstraints for schema attribute %s", name)
		}
		if lo > maxStringAttributeLength || hi > maxStringAttributeLength {
			return errorf(InvalidParameter, "user.%s: String attributes cannot have a length of more than %d", name, maxStringAttributeLength)
		}
		if loOK && hiOK && hi < lo {
			return errorf(InvalidParameter, "user.%s: Max length cannot be less than min length.", name)
		}
	}
	switch c := g.NumberAttributeConstraints; {
	case dataType == "Number" && c != nil:
		lo, loOK, err := optionalInt(c.MinValue)
		hi, hiOK, err2 := optionalInt(c.MaxValue)
		if err != nil || err2 != nil {
			return errorf(InvalidParameter, "Invalid NumberAttributeConstraints for schema attribute %s", name)
		}
		if loOK && hiOK && hi < lo {
			return errorf(InvalidParameter, "user.%s: Max value cannot be less than min value.", name)
		}
	}
	return nil
}

// optionalInt parses a constraint bound; ok is false when there is none.
func optionalInt(s string) (n int64, ok bool, err error) {
	if s == "" {
		return 0, false, nil
	}
	n, err = strconv.ParseInt(s, 10, 64)
	return n, err == nil, err
}

func indexOfAttribute(schema []cip.SchemaAttributeType, name string) int {
	for i := range schema {
		if schema[i].Name == name {
			return i
		}
	}
	return -1
}

// schemaAttribute finds an attribute of the pool's schema.
func (p *pool) schemaAttribute(name string) (cip.SchemaAttributeType, bool) {
	if i := indexOfAttribute(p.cfg.SchemaAttributes, name); i >= 0 {
		return p.cfg.SchemaAttributes[i], true
	}
	return cip.SchemaAttributeType{}, false
}

func ptr[T any](v T) *T { return &v }

func boolv(b *bool) bool { return b != nil && *b }

func int32v(i *int32, def int32) int32 {
	if i == nil {
		return def
	}
	return *i
}
