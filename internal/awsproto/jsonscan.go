package awsproto

import (
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a minimal JSON reader over a byte slice, used by the validator
// to check a request in one pass without building a generic value tree.
// Every method reports malformed input as a SerializationException.
type scanner struct {
	data    []byte
	pos     int
	scratch []byte // decoded string buffer, reused
}

// maxDepth bounds nesting so that a hostile body cannot exhaust the stack.
const maxDepth = 100

func (s *scanner) syntaxError(what string) *Error {
	return Errorf(TypeSerialization, "Malformed JSON at offset %d: %s.", s.pos, what)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end of input.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// expect consumes c (after spaces) or fails.
func (s *scanner) expect(c byte) *Error {
	if s.peek() != c {
		return s.syntaxError("expected '" + string(c) + "'")
	}
	s.pos++
	return nil
}

// literal consumes true, false or null.
func (s *scanner) literal(word string) *Error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return s.syntaxError("invalid literal")
	}
	s.pos += len(word)
	return nil
}

// str reads a JSON string at pos (which must be '"') and returns its decoded
// bytes, valid UTF-8, and the raw span [start, end) including the quotes.
// The returned slice aliases data or the scratch buffer: it is valid until
// the next call.
func (s *scanner) str() (val []byte, start, end int, err *Error) {
	start = s.pos
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, start, start, s.syntaxError("expected string")
	}
	s.pos++
	begin := s.pos
	ascii := true
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			val = s.data[begin:s.pos]
			s.pos++
			if !ascii && !utf8.Valid(val) {
				return nil, start, s.pos, Errorf(TypeSerialization, "Invalid UTF-8 in string at offset %d.", begin)
			}
			return val, start, s.pos, nil
		case c == '\\':
			return s.strEscaped(begin, start)
		case c < 0x20:
			return nil, start, s.pos, s.syntaxError("control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.pos++
	}
	return nil, start, s.pos, s.syntaxError("unterminated string")
}

// strEscaped continues str for a string with escapes, decoding into scratch.
func (s *scanner) strEscaped(begin, start int) ([]byte, int, int, *Error) {
	buf := append(s.scratch[:0], s.data[begin:s.pos]...)
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			s.scratch = buf
			if !utf8.Valid(buf) {
				return nil, start, s.pos, Errorf(TypeSerialization, "Invalid UTF-8 in string at offset %d.", begin)
			}
			return buf, start, s.pos, nil
		case c < 0x20:
			return nil, start, s.pos, s.syntaxError("control character in string")
		case c != '\\':
			buf = append(buf, c)
			s.pos++
			continue
		}
		if s.pos+1 >= len(s.data) {
			break
		}
		e := s.data[s.pos+1]
		s.pos += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return nil, start, s.pos, s.syntaxError("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				save := s.pos
				if s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
					s.pos += 2
					if lo, ok := s.hex4(); ok {
						r2 = lo
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
				} else {
					r, s.pos = utf8.RuneError, save // as encoding/json: lone surrogate -> U+FFFD
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return nil, start, s.pos, s.syntaxError("invalid escape")
		}
	}
	s.scratch = buf
	return nil, start, s.pos, s.syntaxError("unterminated string")
}

func (s *scanner) hex4() (rune, bool) {
	if len(s.data)-s.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	s.pos += 4
	return r, true
}

// number reads a JSON number and returns its text and whether it has a
// fraction or exponent.
func (s *scanner) number() (text []byte, isFloat bool, err *Error) {
	start := s.pos
	d := s.data
	if s.pos < len(d) && d[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(d) && d[s.pos] == '0':
		s.pos++
	case s.pos < len(d) && d[s.pos] >= '1' && d[s.pos] <= '9':
		s.digits()
	default:
		return nil, false, s.syntaxError("invalid number")
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		isFloat = true
		if s.digits() == 0 {
			return nil, false, s.syntaxError("invalid number")
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		isFloat = true
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return nil, false, s.syntaxError("invalid number")
		}
	}
	return d[start:s.pos], isFloat, nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

// skip consumes any JSON value, checking its syntax.
func (s *scanner) skip(depth int) *Error {
	if depth > maxDepth {
		return s.syntaxError("nesting too deep")
	}
	switch s.peek() {
	case '{':
		s.pos++
		if s.peek() == '}' {
			s.pos++
			return nil
		}
		for {
			s.skipSpace()
			if _, _, _, err := s.str(); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if more, err := s.next('}'); err != nil || !more {
				return err
			}
		}
	case '[':
		s.pos++
		if s.peek() == ']' {
			s.pos++
			return nil
		}
		for {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if more, err := s.next(']'); err != nil || !more {
				return err
			}
		}
	case '"':
		_, _, _, err := s.str()
		return err
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		_, _, err := s.number()
		return err
	}
}

// next consumes ',' (more elements follow) or the closing byte.
func (s *scanner) next(closing byte) (more bool, err *Error) {
	switch s.peek() {
	case ',':
		s.pos++
		return true, nil
	case closing:
		s.pos++
		return false, nil
	}
	return false, s.syntaxError("expected ',' or '" + string(closing) + "'")
}
