// Package sessiontags holds AWS STS's rules for session tags and the web
// identity token claim that carries them, for the two sides that must
// agree on them: the identity pools, which put the claim into their OpenID
// tokens, and STS, which turns the claim of a token presented to
// AssumeRoleWithWebIdentity into the session's principal tags.
//
// The claim, as "Passing session tags using AssumeRoleWithWebIdentity"
// (IAM User Guide, id_session-tags.html) documents it:
//
//	"https://aws.amazon.com/tags": {
//	    "principal_tags": {"Project": ["Automation"], "CostCenter": ["987654"]},
//	    "transitive_tag_keys": ["Project"]
//	}
//
// The rules ("Rules for tagging in IAM and AWS STS", the STS model's
// tagKeyType and tagValueType, and the session-tag limits of the same
// guide): at most 50 session tags; a key is 1 to 128 characters and a value
// 0 to 256, both of letters, numbers, spaces and _ . : / = + - @; keys are
// case-insensitive, so no two may differ only in case; neither may begin
// with the reserved prefix "aws:"; each tag has a single value ("Multivalued
// session tags are not supported"); a transitive key names one of the tags;
// and the tags, packed, must fit STS's packed-size limit (see
// PackedBudget). The package is pure: it imports only the standard
// library.
package sessiontags

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ClaimName is the name of the claim that carries session tags in a web
// identity token.
const ClaimName = "https://aws.amazon.com/tags"

// STS's documented limits.
const (
	// MaxTags is the quota of session tags (TagsPerSession).
	MaxTags = 50
	// MaxKeyLength and MaxValueLength bound a tag's key and value, in
	// characters (UTF-16 code units, as the STS model counts them).
	MaxKeyLength   = 128
	MaxValueLength = 256
)

// PackedBudget is the plain-text size, in bytes of keys and values
// together, that this package treats as 100% of STS's packed-size limit.
// AWS compresses session policies and tags into a packed binary format with
// a limit of its own and does not publish it; it reports how full the
// packing is as PackedPolicySize (a percentage) and refuses a request over
// 100% with PackedPolicyTooLarge. Public reports put the limit near 380
// characters of plain text that does not compress well (EKS Pod Identity's
// six tags, about 280 characters, use 74%), well below 50 tags of full
// length. The budget is a little below that, so that tags Cognate passes
// also fit at AWS.
const PackedBudget = 360

// reservedPrefix begins no tag key or value ("aws:" is reserved for AWS).
const reservedPrefix = "aws:"

// tagText is the alphabet of keys and values: the STS model's pattern.
var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// Kinds of rule a set of session tags can break; an *Error wraps one.
var (
	// ErrInvalid: a key, a value or the claim's shape breaks a rule. STS
	// answers ValidationError.
	ErrInvalid = errors.New("sessiontags: invalid session tags")
	// ErrTooMany: more than MaxTags tags. STS answers ValidationError.
	ErrTooMany = errors.New("sessiontags: too many session tags")
	// ErrPackedTooLarge: the tags exceed the packed-size limit. STS
	// answers PackedPolicyTooLarge.
	ErrPackedTooLarge = errors.New("sessiontags: packed size too large")
)

// Error is a rule a set of session tags breaks: Kind is one of ErrInvalid,
// ErrTooMany and ErrPackedTooLarge, Message the text STS answers with.
type Error struct {
	Kind    error
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns Kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

func invalid(format string, args ...any) *Error {
	return &Error{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// Set is a set of session tags and the keys of those that are transitive
// (that pass on to the next session of a role chain).
type Set struct {
	Tags       map[string]string
	Transitive []string
}

// Empty reports whether the set has no tags.
func (s Set) Empty() bool { return len(s.Tags) == 0 }

// Claim is the claim's JSON value.
type Claim struct {
	PrincipalTags     map[string][]string `json:"principal_tags"`
	TransitiveTagKeys []string            `json:"transitive_tag_keys,omitempty"`
}

// Claim returns the claim that carries the set, or nil for an empty set.
func (s Set) Claim() *Claim {
	if s.Empty() {
		return nil
	}
	c := &Claim{PrincipalTags: make(map[string][]string, len(s.Tags))}
	for k, v := range s.Tags {
		c.PrincipalTags[k] = []string{v}
	}
	if len(s.Transitive) > 0 {
		c.TransitiveTagKeys = append([]string(nil), s.Transitive...)
	}
	return c
}

// CheckKey checks a tag key: 1 to 128 characters of the tag alphabet, not
// beginning with "aws:" (compared as Unicode case folding does, so that
// "AWS:" and look-alikes such as "awſ:" are reserved too).
func CheckKey(k string) error {
	if n := length(k); n < 1 || n > MaxKeyLength || !utf8.ValidString(k) || !tagText.MatchString(k) {
		return invalid("Session tag key '%s' must be 1 to %d characters of letters, numbers, spaces and _.:/=+-@.", k, MaxKeyLength)
	}
	if reserved(k) {
		return invalid("Session tag key '%s' uses the reserved prefix aws:.", k)
	}
	return nil
}

// CheckValue checks a tag value: 0 to 256 characters of the tag alphabet,
// not beginning with "aws:".
func CheckValue(key, v string) error {
	if length(v) > MaxValueLength || !utf8.ValidString(v) || !tagText.MatchString(v) {
		return invalid("The value of session tag '%s' must be at most %d characters of letters, numbers, spaces and _.:/=+-@.", key, MaxValueLength)
	}
	if reserved(v) {
		return invalid("The value of session tag '%s' uses the reserved prefix aws:.", key)
	}
	return nil
}

// Check checks every rule: the count, each key and value, keys unique
// regardless of case, transitive keys among the tags, and the packed size.
func (s Set) Check() error {
	if len(s.Tags) > MaxTags {
		return &Error{Kind: ErrTooMany, Message: fmt.Sprintf("Cannot exceed quota for TagsPerSession: %d", MaxTags)}
	}
	keys := s.keys()
	for i, k := range keys {
		if err := CheckKey(k); err != nil {
			return err
		}
		if err := CheckValue(k, s.Tags[k]); err != nil {
			return err
		}
		for _, other := range keys[:i] {
			if strings.EqualFold(k, other) {
				return invalid("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			}
		}
	}
	if len(s.Transitive) > MaxTags {
		return &Error{Kind: ErrTooMany, Message: fmt.Sprintf("Cannot exceed quota for TransitiveTagKeys: %d", MaxTags)}
	}
	for _, t := range s.Transitive {
		if _, ok := s.Tags[t]; !ok {
			return invalid("Transitive tag key '%s' is not one of the session tags.", t)
		}
	}
	if p := PackedPercent(s.Tags); p > 100 {
		return &Error{Kind: ErrPackedTooLarge, Message: fmt.Sprintf("Packed size of session tags consumes %d%% of allotted space.", p)}
	}
	return nil
}

// PackedSize is the tags' plain-text size: the bytes of their keys and
// values.
func PackedSize(tags map[string]string) int {
	n := 0
	for k, v := range tags {
		n += len(k) + len(v)
	}
	return n
}

// PackedPercent is how full the tags make the packed-size limit, in
// percent of PackedBudget, rounded up (a set of tags over the budget is
// over 100).
func PackedPercent(tags map[string]string) int {
	return (PackedSize(tags)*100 + PackedBudget - 1) / PackedBudget
}

// ParseClaim reads the claim's value as a JSON decoder gives it (nil when
// the token has no such claim): an object with principal_tags, an object
// of single-element string lists (a plain string is taken as one value),
// and optionally transitive_tag_keys, a list of strings. A claim of
// another shape, or a tag with no or several values, is ErrInvalid. The
// returned set is not checked against the rules: call Check.
func ParseClaim(v any) (Set, error) {
	if v == nil {
		return Set{}, nil
	}
	claim, ok := v.(map[string]any)
	if !ok {
		return Set{}, invalid("The %s claim must be an object with principal_tags.", ClaimName)
	}
	var s Set
	if pt, ok := claim["principal_tags"]; ok && pt != nil {
		m, ok := pt.(map[string]any)
		if !ok {
			return Set{}, invalid("principal_tags must be an object of tag keys and values.")
		}
		s.Tags = make(map[string]string, len(m))
		for k, raw := range m {
			val, err := single(k, raw)
			if err != nil {
				return Set{}, err
			}
			s.Tags[k] = val
		}
	}
	if tk, ok := claim["transitive_tag_keys"]; ok && tk != nil {
		list, ok := tk.([]any)
		if !ok {
			return Set{}, invalid("transitive_tag_keys must be a list of tag keys.")
		}
		for _, e := range list {
			k, ok := e.(string)
			if !ok {
				return Set{}, invalid("transitive_tag_keys must be a list of tag keys.")
			}
			s.Transitive = append(s.Transitive, k)
		}
	}
	return s, nil
}

// single reads one tag's value: a list of exactly one string, or a string.
func single(key string, raw any) (string, error) {
	switch x := raw.(type) {
	case string:
		return x, nil
	case []any:
		if len(x) != 1 {
			return "", invalid("Session tag '%s' must have a single value: multivalued session tags are not supported.", key)
		}
		if s, ok := x[0].(string); ok {
			return s, nil
		}
	}
	return "", invalid("The value of session tag '%s' must be a string.", key)
}

// keys returns the set's keys, sorted (so that errors are reproducible).
func (s Set) keys() []string {
	keys := make([]string, 0, len(s.Tags))
	for k := range s.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// length counts characters as the STS model does: UTF-16 code units.
func length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// reserved reports whether s begins with "aws:" under Unicode case
// folding.
func reserved(s string) bool {
	i := strings.IndexByte(s, ':')
	return i >= 0 && strings.EqualFold(s[:i+1], reservedPrefix)
}
