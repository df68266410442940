package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Packed columns (migration 0020): a user's row leaves out what it would
// repeat, so that six rows of a user with a password fit a 4 KiB SQLite
// page rather than five (issue 15). Each column reads back exactly what was
// stored, and rows written before stay readable as they are.
//
//   - username is "" when it equals username_key (the usual lower-case
//     name); an empty username, or one that starts with '!', is stored
//     with a '!' before it (0020 escapes the rows stored before).
//   - lookups is "" when the user's only lookup is its username key.
//   - attributes is a JSON array of names and values, a standard
//     attribute's name written as its number in packedAttrNames; the
//     JSON object of earlier rows starts with '{' and reads as before.
//   - password_hash has userpool's argon2id prefix as "!a"; a hash that
//     starts with '!' is stored with a '!' before it (0020 escapes the
//     rows stored before).

// packedAttrNames numbers Cognito's standard attributes. Stored rows refer
// to these numbers: append only, never reorder.
var packedAttrNames = []string{
	"email", "email_verified", "name", "phone_number", "phone_number_verified",
	"given_name", "family_name", "middle_name", "nickname", "preferred_username",
	"address", "birthdate", "gender", "locale", "picture", "profile", "updated_at",
	"website", "zoneinfo",
}

var packedAttrCodes = func() map[string]int {
	m := make(map[string]int, len(packedAttrNames))
	for i, n := range packedAttrNames {
		m[n] = i
	}
	return m
}()

// argon2Prefix is the start of every hash userpool writes with its default
// parameters (see internal/password).
const argon2Prefix = "$argon2id$v=19$m=19456,t=2,p=1$"

func packUsername(username, key string) string {
	switch {
	case username == key && username != "":
		return ""
	case username == "" || username[0] == '!':
		return "!" + username
	}
	return username
}

func unpackUsername(stored, key string) string {
	switch {
	case stored == "":
		return key
	case stored[0] == '!':
		return stored[1:]
	}
	return stored
}

func packHash(h string) string {
	switch {
	case strings.HasPrefix(h, argon2Prefix):
		return "!a" + h[len(argon2Prefix):]
	case strings.HasPrefix(h, "!"):
		return "!" + h
	}
	return h
}

func unpackHash(stored string) string {
	switch {
	case strings.HasPrefix(stored, "!a"):
		return argon2Prefix + stored[2:]
	case strings.HasPrefix(stored, "!"):
		return stored[1:]
	}
	return stored
}

// packLookups is the lookups column: "" for a lone username lookup whose key
// is usernameKey, else the JSON of the (kind, key) pairs in order.
func packLookups(ls []storage.Lookup, usernameKey string) (string, error) {
	if len(ls) == 1 && ls[0].Kind == storage.LookupUsername && ls[0].Key == usernameKey {
		return "", nil
	}
	pairs := make([][2]string, len(ls))
	for i, l := range ls {
		pairs[i] = [2]string{l.Kind, l.Key}
	}
	b, err := json.Marshal(pairs)
	return string(b), err
}

func unpackLookups(stored, usernameKey string) ([]storage.Lookup, error) {
	if stored == "" {
		return []storage.Lookup{{Kind: storage.LookupUsername, Key: usernameKey}}, nil
	}
	var pairs [][2]string
	if err := json.Unmarshal([]byte(stored), &pairs); err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	out := make([]storage.Lookup, len(pairs))
	for i, p := range pairs {
		out[i] = storage.Lookup{Kind: p[0], Key: p[1]}
	}
	return out, nil
}

// packAttributes is the attributes column: [name, value, ...] with a
// standard name as its number, in no particular order.
func packAttributes(attrs map[string]string) (string, error) {
	list := make([]any, 0, 2*len(attrs))
	for name, v := range attrs {
		if code, ok := packedAttrCodes[name]; ok {
			list = append(list, code, v)
		} else {
			list = append(list, name, v)
		}
	}
	b, err := json.Marshal(list)
	return string(b), err
}

func unpackAttributes(stored string) (map[string]string, error) {
	attrs := map[string]string{}
	if strings.HasPrefix(stored, "{") { // before 0020
		err := json.Unmarshal([]byte(stored), &attrs)
		return attrs, err
	}
	var list []any // a number is a code, a string a name or value
	if err := json.Unmarshal([]byte(stored), &list); err != nil {
		return nil, err
	}
	if len(list)%2 != 0 {
		return nil, fmt.Errorf("odd attribute list")
	}
	for i := 0; i < len(list); i += 2 {
		name, ok := list[i].(string)
		if code, isCode := list[i].(float64); isCode && code >= 0 && int(code) < len(packedAttrNames) && code == float64(int(code)) {
			name, ok = packedAttrNames[int(code)], true
		}
		value, isText := list[i+1].(string)
		if !ok || !isText {
			return nil, fmt.Errorf("attribute %v: %v", list[i], list[i+1])
		}
		attrs[name] = value
	}
	return attrs, nil
}
