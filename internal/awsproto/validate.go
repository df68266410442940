package awsproto

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
)

// maxReported bounds how many validation details a message lists; the count
// in "N validation errors detected" still covers all of them.
const maxReported = 100

// Validate checks body against the input shape of op the way AWS does
// before an operation runs. It returns nil, an *Error of type
// SerializationException for malformed JSON or a JSON type that does not fit
// the model, or an *Error of type InvalidParameterException listing every
// violated constraint ("2 validation errors detected: Value null at
// 'userPoolId' failed to satisfy constraint: Member must not be null; ...").
// An empty body is treated as {}. Members the model does not define are
// ignored. A served API answers violations with its own error code
// (Service.ValidationError); the message is the same.
func (m *Model) Validate(op string, body []byte) error {
	if _, err := m.validate(op, body); err != nil {
		return err
	}
	return nil
}

// validate is Validate returning the body to hand to a decoder.
func (m *Model) validate(op string, body []byte) ([]byte, *Error) {
	return m.validateAs(op, body, TypeInvalidParameter)
}

// validateAs is validate with violations reported as errors of type
// violation (InvalidParameterException, ValidationException, ...). Keys
// that the model does not define but that match a member
// case-insensitively are blanked in a copy of body: AWS ignores them,
// while encoding/json would fill the member from them and bypass
// validation.
func (m *Model) validateAs(op string, body []byte, violation string) ([]byte, *Error) {
	o, ok := m.ops[op]
	if !ok {
		return nil, Errorf(TypeUnknownOperation, "Unknown operation %s.", op)
	}
	v := validator{scanner: scanner{data: body}, errType: violation}
	if v.peek() == 0 {
		body = []byte("{}")
		v.data = body
	}
	in := o.input
	if in == nil {
		in = &shape{kind: kStruct}
	}
	if err := v.value(in, 0); err != nil {
		return nil, err
	}
	if v.peek() != 0 {
		return nil, v.syntaxError("unexpected data after the top-level value")
	}
	if v.count > 0 {
		return nil, v.result()
	}
	if v.out != nil {
		return v.out, nil
	}
	return body, nil
}

type validator struct {
	scanner
	path    []byte   // current member path, e.g. "userAttributes.1.member.name"
	details []string // the first maxReported violations
	count   int      // all violations
	out     []byte   // copy of data with blanked keys, nil if none
	errType string   // the error type of violations
}

func (v *validator) result() *Error {
	var b strings.Builder
	b.WriteString(strconv.Itoa(v.count))
	if v.count == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	b.WriteString(strings.Join(v.details, "; "))
	return &Error{Type: v.errType, Message: b.String()}
}

// violation records "Value 'x' at 'path' failed to satisfy constraint: desc";
// value is the raw JSON span of the offending value, nil for a missing one.
func (v *validator) violation(s *shape, raw []byte, desc string) {
	v.count++
	if len(v.details) >= maxReported {
		return
	}
	var b strings.Builder
	switch {
	case raw == nil:
		b.WriteString("Value null at '")
	case s.sensitive:
		b.WriteString("Value at '")
	default:
		b.WriteString("Value '")
		b.WriteString(render(raw))
		b.WriteString("' at '")
	}
	b.Write(v.path)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(desc)
	v.details = append(v.details, b.String())
}

func (v *validator) push(name string) int {
	n := len(v.path)
	if n > 0 {
		v.path = append(v.path, '.')
	}
	v.path = append(v.path, name...)
	return n
}

// value validates the value at pos (not null) against s.
func (v *validator) value(s *shape, depth int) *Error {
	if depth > maxDepth {
		return v.syntaxError("nesting too deep")
	}
	c := v.peek()
	if err := v.typeCheck(s, c); err != nil {
		return err
	}
	switch s.kind {
	case kStruct:
		return v.structure(s, depth)
	case kList:
		return v.list(s, depth)
	case kMap:
		return v.mapValue(s, depth)
	case kDocument:
		return v.skip(depth)
	case kBool:
		if c == 't' {
			return v.literal("true")
		}
		return v.literal("false")
	case kInteger, kLong, kFloat:
		return v.numberValue(s)
	case kTimestamp:
		return v.timestamp()
	case kBlob:
		return v.blob(s)
	default:
		return v.stringValue(s)
	}
}

// typeCheck maps a JSON value whose type does not fit the shape to AWS's
// SerializationException wording.
func (v *validator) typeCheck(s *shape, c byte) *Error {
	var ok bool
	switch s.kind {
	case kStruct, kMap:
		ok = c == '{'
	case kList:
		ok = c == '['
	case kDocument:
		ok = true
	case kBool:
		ok = c == 't' || c == 'f'
	case kInteger, kLong, kFloat:
		ok = c == '-' || (c >= '0' && c <= '9')
	case kTimestamp:
		ok = c == '"' || c == '-' || (c >= '0' && c <= '9')
	default: // string, blob
		ok = c == '"'
	}
	if ok {
		return nil
	}
	var msg string
	switch c {
	case '{':
		msg = "Start of structure or map found where not expected."
	case '[':
		msg = "Start of list found where not expected."
	case '"':
		msg = "STRING_VALUE cannot be converted to " + javaType(s.kind)
	case 't', 'f':
		msg = "BOOLEAN_VALUE cannot be converted to " + javaType(s.kind)
	case 0:
		return v.syntaxError("unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			msg = "NUMBER_VALUE cannot be converted to " + javaType(s.kind)
		} else {
			return v.syntaxError("unexpected character")
		}
	}
	return &Error{Type: TypeSerialization, Message: msg}
}

func javaType(k kind) string {
	switch k {
	case kBool:
		return "Boolean"
	case kInteger:
		return "Integer"
	case kLong:
		return "Long"
	case kFloat:
		return "Double"
	case kTimestamp:
		return "Date"
	case kBlob:
		return "ByteBuffer"
	case kStruct:
		return "Structure"
	case kList:
		return "List"
	case kMap:
		return "Map"
	}
	return "String"
}

func (v *validator) structure(s *shape, depth int) *Error {
	v.pos++ // '{', checked by the caller
	var small [2]uint64
	seen := small[:]
	if n := (len(s.members) + 63) / 64; n > len(seen) {
		seen = make([]uint64, n)
	}
	if v.peek() == '}' {
		v.pos++
	} else {
		for {
			v.skipSpace()
			key, kstart, kend, err := v.str()
			if err != nil {
				return err
			}
			mem := s.byName[string(key)]
			if mem == nil {
				v.blankFolded(s, key, kstart, kend)
			}
			if err := v.expect(':'); err != nil {
				return err
			}
			switch {
			case mem == nil:
				err = v.skip(depth + 1)
			case v.peek() == 'n':
				err = v.literal("null") // null is absent
			default:
				seen[mem.index/64] |= 1 << (mem.index % 64)
				mark := v.push(mem.path)
				err = v.value(mem.shape, depth+1)
				v.path = v.path[:mark]
			}
			if err != nil {
				return err
			}
			more, err := v.next('}')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	for _, mem := range s.members {
		if mem.required && seen[mem.index/64]&(1<<(mem.index%64)) == 0 {
			mark := v.push(mem.path)
			v.violation(mem.shape, nil, "Member must not be null")
			v.path = v.path[:mark]
		}
	}
	return nil
}

// blankFolded blanks an unknown key that equals a member name but for case.
func (v *validator) blankFolded(s *shape, key []byte, start, end int) {
	for _, mem := range s.members {
		if !bytes.EqualFold(key, []byte(mem.name)) {
			continue
		}
		if v.out == nil {
			v.out = bytes.Clone(v.data)
		}
		for i := start + 1; i < end-1; i++ {
			v.out[i] = '_'
		}
		return
	}
}

func (v *validator) list(s *shape, depth int) *Error {
	start := v.pos
	v.pos++
	n := 0
	if v.peek() == ']' {
		v.pos++
	} else {
		var idx [20]byte
		for {
			n++
			mark := len(v.path)
			v.path = append(append(append(v.path, '.'), strconv.AppendInt(idx[:0], int64(n), 10)...), ".member"...)
			var err *Error
			if v.peek() == 'n' {
				if err = v.literal("null"); err == nil {
					v.violation(s.elem, nil, "Member must not be null")
				}
			} else {
				err = v.value(s.elem, depth+1)
			}
			v.path = v.path[:mark]
			if err != nil {
				return err
			}
			more, err := v.next(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	v.checkLength(s, n, start)
	return nil
}

func (v *validator) mapValue(s *shape, depth int) *Error {
	start := v.pos
	v.pos++
	n := 0
	var keyFails, valFails []string
	if v.peek() == '}' {
		v.pos++
	} else {
		for {
			n++
			v.skipSpace()
			key, _, _, err := v.str()
			if err != nil {
				return err
			}
			keyFails = appendNew(keyFails, v.stringConstraints(s.key, key, nil)...)
			if err := v.expect(':'); err != nil {
				return err
			}
			if isScalar(s.value.kind) && v.peek() == '"' {
				val, _, _, err := v.str()
				if err != nil {
					return err
				}
				valFails = appendNew(valFails, v.stringConstraints(s.value, val, nil)...)
			} else if v.peek() == 'n' {
				err = v.literal("null")
			} else {
				mark := v.push(string(key))
				err = v.value(s.value, depth+1)
				v.path = v.path[:mark]
			}
			if err != nil {
				return err
			}
			more, err := v.next('}')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	raw := v.data[start:v.pos]
	if len(keyFails) > 0 {
		v.violation(s, raw, "Map keys must satisfy constraint: ["+strings.Join(keyFails, ", ")+"]")
	}
	if len(valFails) > 0 {
		v.violation(s, raw, "Map value must satisfy constraint: ["+strings.Join(valFails, ", ")+"]")
	}
	v.checkLength(s, n, start)
	return nil
}

func isScalar(k kind) bool { return k == kString }

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		dup := false
		for _, l := range list {
			dup = dup || l == it
		}
		if !dup {
			list = append(list, it)
		}
	}
	return list
}

// checkLength applies min/max to a list or map of n entries starting at
// start.
func (v *validator) checkLength(s *shape, n, start int) {
	if s.hasMin && float64(n) < s.min {
		v.violation(s, v.data[start:v.pos], "Member must have length greater than or equal to "+fmtNum(s.min))
	}
	if s.hasMax && float64(n) > s.max {
		v.violation(s, v.data[start:v.pos], "Member must have length less than or equal to "+fmtNum(s.max))
	}
}

func (v *validator) stringValue(s *shape) *Error {
	val, start, end, err := v.str()
	if err != nil {
		return err
	}
	for _, d := range v.stringConstraints(s, val, nil) {
		v.violation(s, v.data[start:end], d)
	}
	return nil
}

// stringConstraints appends the descriptions of the constraints of s that
// val violates. It allocates only when there is one.
func (v *validator) stringConstraints(s *shape, val []byte, fails []string) []string {
	if s.hasMin || s.hasMax {
		n := utf16Len(val)
		if s.hasMin && float64(n) < s.min {
			fails = append(fails, "Member must have length greater than or equal to "+fmtNum(s.min))
		}
		if s.hasMax && float64(n) > s.max {
			fails = append(fails, "Member must have length less than or equal to "+fmtNum(s.max))
		}
	}
	if s.pattern != nil && !s.pattern.match(val) {
		fails = append(fails, "Member must satisfy regular expression pattern: "+s.pattern.src)
	}
	if len(s.enum) > 0 && !s.inEnum(val) {
		fails = append(fails, "Member must satisfy enum value set: ["+strings.Join(s.enum, ", ")+"]")
	}
	return fails
}

func (s *shape) inEnum(val []byte) bool {
	if s.enumSet != nil {
		_, ok := s.enumSet[string(val)]
		return ok
	}
	for _, e := range s.enum {
		if string(val) == e {
			return true
		}
	}
	return false
}

// utf16Len is the length of valid UTF-8 b as Java counts it (UTF-16 units).
func utf16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func (v *validator) numberValue(s *shape) *Error {
	text, isFloat, err := v.number()
	if err != nil {
		return err
	}
	var f float64
	switch s.kind {
	case kInteger, kLong:
		bits := 64
		if s.kind == kInteger {
			bits = 32
		}
		if isFloat {
			return Errorf(TypeSerialization, "NUMBER_VALUE %s cannot be converted to %s", text, javaType(s.kind))
		}
		i, perr := parseInt(text, bits)
		if perr {
			return Errorf(TypeSerialization, "NUMBER_VALUE %s is out of range for %s", text, javaType(s.kind))
		}
		f = float64(i)
	default:
		var perr error
		if f, perr = strconv.ParseFloat(string(text), 64); perr != nil {
			return Errorf(TypeSerialization, "NUMBER_VALUE %s is out of range for Double", text)
		}
	}
	if s.hasMin && f < s.min {
		v.violation(s, text, "Member must have value greater than or equal to "+fmtNum(s.min))
	}
	if s.hasMax && f > s.max {
		v.violation(s, text, "Member must have value less than or equal to "+fmtNum(s.max))
	}
	return nil
}

// parseInt parses a JSON integer without allocating; overflow reports true.
func parseInt(text []byte, bits int) (int64, bool) {
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	limit := uint64(1)<<(bits-1) - 1
	if neg {
		limit++
	}
	var u uint64
	for _, c := range text {
		if u > (limit-uint64(c-'0'))/10 {
			return 0, true
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		return -int64(u), false
	}
	return int64(u), false
}

func (v *validator) timestamp() *Error {
	if v.peek() != '"' {
		text, _, err := v.number()
		if err != nil {
			return err
		}
		if _, perr := awstime.ParseEpoch(string(text)); perr != nil {
			return Errorf(TypeSerialization, "NUMBER_VALUE %s cannot be converted to Date", text)
		}
		return nil
	}
	val, _, _, err := v.str()
	if err != nil {
		return err
	}
	if _, perr := time.Parse(time.RFC3339Nano, string(val)); perr == nil {
		return nil
	}
	if _, perr := awstime.ParseEpoch(string(val)); perr != nil {
		return Errorf(TypeSerialization, "STRING_VALUE cannot be converted to Date")
	}
	return nil
}

func (v *validator) blob(s *shape) *Error {
	val, start, end, err := v.str()
	if err != nil {
		return err
	}
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(val)))
	n, derr := base64.StdEncoding.Decode(dst, val)
	if derr != nil {
		return Errorf(TypeSerialization, "Base64 encoded blob could not be decoded.")
	}
	if s.hasMin && float64(n) < s.min {
		v.violation(s, v.data[start:end], "Member must have length greater than or equal to "+fmtNum(s.min))
	}
	if s.hasMax && float64(n) > s.max {
		v.violation(s, v.data[start:end], "Member must have length less than or equal to "+fmtNum(s.max))
	}
	return nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
