package awsproto

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// formJSON turns the parameters of a query-protocol request into the JSON
// document of op's input, so that the model's validator and Op's decoder
// serve both protocols. The query protocol names members by path:
//
//	RoleName=r                      structure member
//	Tags.member.1.Key=k             list element (1-based) of a structure
//	ClientIDList.member.2=c         list element of a scalar
//	Attributes.entry.1.key=k        map entry key
//	Attributes.entry.1.value=v      map entry value
//	ClientIDList=                   empty list
//
// Parameters the model does not define are ignored, as AWS does. A
// scalar that cannot be read as its type is a SerializationException
// (ValidationError on the wire).
func (m *Model) formJSON(op string, params url.Values) ([]byte, *Error) {
	o, ok := m.ops[op]
	if !ok {
		return nil, Errorf(TypeUnknownOperation, "Unknown operation %s.", op)
	}
	if o.input == nil {
		return []byte("{}"), nil
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	f := formReader{params: params, keys: keys}
	var b bytes.Buffer
	b.Grow(256)
	if err := f.structure(&b, o.input, "", 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type formReader struct {
	params url.Values
	keys   []string // sorted
}

// hasPrefix reports whether any parameter name starts with p.
func (f *formReader) hasPrefix(p string) bool {
	i, _ := slices.BinarySearch(f.keys, p)
	return i < len(f.keys) && strings.HasPrefix(f.keys[i], p)
}

// indices returns the sorted, distinct positive integers N of the
// parameters named p+"N" or p+"N.<anything>".
func (f *formReader) indices(p string) []int {
	var out []int
	i, _ := slices.BinarySearch(f.keys, p)
	for ; i < len(f.keys) && strings.HasPrefix(f.keys[i], p); i++ {
		rest := f.keys[i][len(p):]
		if dot := strings.IndexByte(rest, '.'); dot >= 0 {
			rest = rest[:dot]
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n <= 0 || rest[0] == '+' {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// present reports whether the request carries a value for a member of
// shape s at name.
func (f *formReader) present(s *shape, name string) bool {
	switch s.kind {
	case kStruct:
		return f.hasPrefix(name + ".")
	case kList, kMap:
		_, empty := f.params[name]
		return empty || f.hasPrefix(name+".")
	default:
		_, ok := f.params[name]
		return ok
	}
}

func (f *formReader) structure(b *bytes.Buffer, s *shape, prefix string, depth int) *Error {
	if depth > maxDepth {
		return Errorf(TypeSerialization, "Request parameters nest too deep.")
	}
	b.WriteByte('{')
	first := true
	for _, mem := range s.members {
		name := mem.name
		if prefix != "" {
			name = prefix + "." + mem.name
		}
		if !f.present(mem.shape, name) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSONString(b, mem.name)
		b.WriteByte(':')
		if err := f.value(b, mem.shape, name, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func (f *formReader) value(b *bytes.Buffer, s *shape, name string, depth int) *Error {
	switch s.kind {
	case kStruct:
		return f.structure(b, s, name, depth)
	case kList:
		return f.list(b, s, name, depth)
	case kMap:
		return f.mapValue(b, s, name, depth)
	case kDocument:
		b.WriteString("null")
		return nil
	}
	return f.scalar(b, s, name)
}

func (f *formReader) list(b *bytes.Buffer, s *shape, name string, depth int) *Error {
	p := name + ".member."
	b.WriteByte('[')
	for i, n := range f.indices(p) {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := f.value(b, s.elem, p+strconv.Itoa(n), depth+1); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

func (f *formReader) mapValue(b *bytes.Buffer, s *shape, name string, depth int) *Error {
	p := name + ".entry."
	b.WriteByte('{')
	first := true
	for _, n := range f.indices(p) {
		entry := p + strconv.Itoa(n)
		key, ok := f.params[entry+".key"]
		if !ok || !f.present(s.value, entry+".value") {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSONString(b, key[0])
		b.WriteByte(':')
		if err := f.value(b, s.value, entry+".value", depth+1); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func (f *formReader) scalar(b *bytes.Buffer, s *shape, name string) *Error {
	v := f.params.Get(name)
	switch s.kind {
	case kBool:
		switch strings.ToLower(v) {
		case "true":
			b.WriteString("true")
		case "false":
			b.WriteString("false")
		default:
			return Errorf(TypeSerialization, "Value '%s' at '%s' cannot be converted to Boolean", v, name)
		}
	case kInteger, kLong, kFloat:
		if !isJSONNumber(v) {
			return Errorf(TypeSerialization, "Value '%s' at '%s' cannot be converted to %s", v, name, javaType(s.kind))
		}
		b.WriteString(v)
	default: // string, timestamp, blob: the validator reads them from a JSON string
		writeJSONString(b, v)
	}
	return nil
}

// isJSONNumber reports whether v is a number in JSON's syntax:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(v string) bool {
	i := 0
	digits := func() int {
		start := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < len(v) && v[i] == '-' {
		i++
	}
	if n := digits(); n == 0 || (n > 1 && v[i-n] == '0') {
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}

// writeJSONString writes v as a JSON string; invalid UTF-8 becomes U+FFFD
// (form values are decoded bytes, not necessarily UTF-8).
func writeJSONString(b *bytes.Buffer, v string) {
	enc, _ := json.Marshal(v) // a string always marshals
	b.Write(enc)
}
