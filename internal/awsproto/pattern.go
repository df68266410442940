package awsproto

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// pattern is a model "pattern" constraint. AWS (Java) applies it as a full
// match; Go's RE2 handles every model pattern except those with lookaround,
// which LoadModel skips. Java's \uXXXX escapes (common in the IAM and STS
// models) are rewritten to RE2's \x{XXXX} first.
//
// Most model patterns are one character class repeated ("[\S]+",
// "[\p{L}\p{M}\p{S}\p{N}\p{P}]+"); those are matched by a table lookup per
// rune instead of the regexp engine.
type pattern struct {
	src        string
	re         *regexp.Regexp
	class      *runeClass        // non-nil: the whole pattern is class+ or class*
	allowEmpty bool              // class* rather than class+
	fn         func(string) bool // non-nil: the service's own rule (Model.SetPattern)
}

// runeClass is a set of runes: a bitmap for ASCII, sorted ranges beyond.
type runeClass struct {
	ascii  [2]uint64
	ranges []rune // pairs lo, hi of non-ASCII runes
}

func compilePattern(src string) (*pattern, error) {
	goSrc := javaUnicodeEscapes(src)
	re, err := regexp.Compile(`^(?:` + goSrc + `)$`)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", src, err)
	}
	p := &pattern{src: src, re: re}
	if tree, err := syntax.Parse(goSrc, syntax.Perl); err == nil {
		p.class, p.allowEmpty = repeatedClass(tree.Simplify())
	}
	return p, nil
}

// repeatedClass recognises ^?[class]+$? and ^?[class]*$?.
func repeatedClass(re *syntax.Regexp) (*runeClass, bool) {
	if re.Op == syntax.OpConcat {
		subs := re.Sub
		if len(subs) > 0 && (subs[0].Op == syntax.OpBeginText || subs[0].Op == syntax.OpBeginLine) {
			subs = subs[1:]
		}
		if n := len(subs); n > 0 && (subs[n-1].Op == syntax.OpEndText || subs[n-1].Op == syntax.OpEndLine) {
			subs = subs[:n-1]
		}
		if len(subs) != 1 {
			return nil, false
		}
		re = subs[0]
	}
	if (re.Op != syntax.OpPlus && re.Op != syntax.OpStar) || len(re.Sub) != 1 {
		return nil, false
	}
	var ranges []rune
	switch sub := re.Sub[0]; sub.Op {
	case syntax.OpCharClass:
		ranges = sub.Rune
	case syntax.OpAnyCharNotNL:
		ranges = []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}
	case syntax.OpAnyChar:
		ranges = []rune{0, utf8.MaxRune}
	default:
		return nil, false
	}
	c := &runeClass{}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			c.ascii[r/64] |= 1 << (r % 64)
		}
		if hi >= utf8.RuneSelf {
			c.ranges = append(c.ranges, max(lo, utf8.RuneSelf), hi)
		}
	}
	return c, re.Op == syntax.OpStar
}

func (c *runeClass) has(r rune) bool {
	if r < utf8.RuneSelf {
		return c.ascii[r/64]&(1<<(r%64)) != 0
	}
	lo, hi := 0, len(c.ranges)/2
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case r < c.ranges[2*m]:
			hi = m
		case r > c.ranges[2*m+1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// match reports whether the whole of b (valid UTF-8) matches.
func (p *pattern) match(b []byte) bool {
	if p.fn != nil {
		return p.fn(string(b))
	}
	if p.class == nil {
		return p.re.Match(b)
	}
	if len(b) == 0 {
		return p.allowEmpty
	}
	for i := 0; i < len(b); {
		r, n := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(b[i:])
		}
		if !p.class.has(r) {
			return false
		}
		i += n
	}
	return true
}

// javaUnicodeEscapes rewrites Java's \uXXXX escapes (exactly four hex
// digits, as Java reads them: "\u10000" is U+1000 then '0') to RE2's
// \x{XXXX}. Other escapes, including an escaped backslash, are kept.
func javaUnicodeEscapes(src string) string {
	if !strings.Contains(src, `\u`) {
		return src
	}
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			b.WriteByte(c)
			continue
		}
		if src[i+1] == 'u' && i+6 <= len(src) && isHex4(src[i+2:i+6]) {
			b.WriteString(`\x{`)
			b.WriteString(src[i+2 : i+6])
			b.WriteByte('}')
			i += 5
			continue
		}
		b.WriteByte(c)
		b.WriteByte(src[i+1])
		i++
	}
	return b.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
