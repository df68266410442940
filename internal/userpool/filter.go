package userpool

import (
	"slices"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// msgBadFilter is Cognito's answer to a ListUsers filter it cannot read.
const msgBadFilter = "Error while parsing filter."

// userFilter is a parsed ListUsers filter: Name, an exact ("=") or prefix
// ("^=") match, and Value with its escapes resolved.
type userFilter struct {
	Name   string
	Prefix bool
	Value  string
}

// parseFilter reads a ListUsers filter, `name = "value"` or
// `name ^= "value"`, with optional blanks around the operator and around
// the whole. Inside the quotes a backslash escapes the next character, so
// `\"` is a quote and `\\` a backslash. An empty or blank filter is nil
// (every user). Anything else is InvalidParameterException.
func parseFilter(s string) (*userFilter, error) {
	bad := errorf(InvalidParameter, msgBadFilter)
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	i := 0
	for i < len(s) && isFilterNameByte(s[i]) {
		i++
	}
	if i == 0 {
		return nil, bad
	}
	f := &userFilter{Name: s[:i]}
	rest := strings.TrimLeft(s[i:], " \t")
	switch {
	case strings.HasPrefix(rest, "^="):
		f.Prefix, rest = true, rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return nil, bad
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, `"`) {
		return nil, bad
	}
	var v strings.Builder
	for j := 1; j < len(rest); j++ {
		switch c := rest[j]; c {
		case '\\':
			if j+1 == len(rest) {
				return nil, bad
			}
			j++
			v.WriteByte(rest[j])
		case '"':
			if j != len(rest)-1 {
				return nil, bad // text after the closing quote
			}
			f.Value = v.String()
			return f, nil
		default:
			v.WriteByte(c)
		}
	}
	return nil, bad // no closing quote
}

// isFilterNameByte reports whether c may appear in an attribute name of a
// filter: letters, digits, '_', ':' and '-'.
func isFilterNameByte(c byte) bool {
	return c == '_' || c == ':' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// searchable names the standard attributes ListUsers can filter on.
var searchable = map[string]bool{
	"email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true,
}

// storageFilter turns a parsed filter into the store's search for pool p.
// all reports a filter that every user matches (status ^= ""); none, one
// that no user can match. Beyond Cognito, the pool's custom attributes are
// searchable too.
func (p *pool) storageFilter(f *userFilter) (sf storage.UserFilter, all, none bool, err error) {
	sf = storage.UserFilter{Key: f.Name, Value: f.Value, Prefix: f.Prefix}
	switch {
	case f.Name == "username":
		sf.Key, sf.Value, sf.ListedBy = storage.SearchUsername, p.key(f.Value), p.listedKey
	case f.Name == "sub":
		sf.Key = storage.SearchSub
	case f.Name == "cognito:user_status": // case-insensitive
		sf.Key, sf.Value = storage.SearchStatus, strings.ToUpper(f.Value)
	case f.Name == "status": // "Enabled" or "Disabled", case-sensitive
		enabled := matchesWord("Enabled", f)
		disabled := matchesWord("Disabled", f)
		switch {
		case enabled && disabled:
			return sf, true, false, nil
		case !enabled && !disabled:
			return sf, false, true, nil
		}
		sf = storage.UserFilter{Key: storage.SearchEnabled, Value: "false"}
		if enabled {
			sf.Value = "true"
		}
	case searchable[f.Name]:
	case strings.HasPrefix(f.Name, "custom:") && storage.SearchableAttribute(f.Name):
		if _, ok := p.schemaAttribute(f.Name); !ok {
			return sf, false, false, errorf(InvalidParameter, msgBadFilter)
		}
	default:
		return sf, false, false, errorf(InvalidParameter, msgBadFilter)
	}
	return sf, false, false, nil
}

// listedKey is the username key by which ListUsers finds u: the key of
// p's rule, or the legacy key when u holds only that (see canonicalName).
// While the pool's rule changes (rekey.go) a user holds the keys of two
// rules, the old rule's first until the last pass reaches it; the rule in
// force picks one, and it changes only at the switch, so each user is
// found once by a listing that no switch interrupts.
func (p *pool) listedKey(u *storage.User) string {
	k := p.key(u.Username)
	if slices.Contains(u.Lookups, storage.Lookup{Kind: storage.LookupUsername, Key: k}) {
		return k
	}
	return p.legacyKey(u.Username)
}

// matchesWord reports whether word satisfies the filter's match.
func matchesWord(word string, f *userFilter) bool {
	if f.Prefix {
		return strings.HasPrefix(word, f.Value)
	}
	return word == f.Value
}
