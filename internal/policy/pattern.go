package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A template is a string from a policy (an action, a resource, a condition
// value) compiled at Parse time: the policy variables it holds are located
// once, so that evaluation substitutes them without building strings.
//
// Policy variables (IAM policy elements: Variables and tags) are "${key}" or
// "${key, 'default'}". "${*}", "${?}" and "${$}" stand for a literal '*',
// '?' and '$'. Substituted values are literal text: a '*' in a user's tag
// is never a wildcard. Text that is not a well-formed variable stays as
// written.
type template struct {
	raw string
	// pieces is nil when raw holds no variable: raw is then one glob piece.
	pieces []piece
	// wild reports whether raw's glob text holds '*' or '?'.
	wild bool
	// segs is raw split at '*' when raw has no variable and no '?': such a
	// pattern matches by comparing its literal segments, fast.
	segs []string
	// ascii reports whether raw is ASCII (segs then also serve
	// case-insensitive matching).
	ascii bool
	// lead is the literal text before the first variable, and leadGlob its
	// length up to the first wildcard: a value must start with it.
	lead     string
	leadGlob int
}

type pieceKind uint8

const (
	pieceGlob pieceKind = iota // policy text: '*' and '?' are wildcards in glob matching
	pieceText                  // literal text: ${*}, ${?}, ${$}
	pieceVar                   // a policy variable
)

type piece struct {
	kind pieceKind
	text string // glob or literal text; the default of a variable
	key  string // variable: the context key
	def  bool   // variable: has a default
	vi   int    // variable: index among the template's variables
}

// matchMode says how a template compares with a request value.
type matchMode uint8

const (
	modeExact    matchMode = iota // equal, case-sensitive
	modeFold                      // equal ignoring case
	modeGlob                      // '*' and '?' wildcards, case-sensitive
	modeGlobFold                  // wildcards, ignoring case (actions)
)

// compileTemplate locates the policy variables in s when vars is true.
func compileTemplate(s string, vars bool) template {
	t := template{raw: s}
	if !vars || !strings.Contains(s, "${") {
		t.wild = strings.ContainsAny(s, "*?")
		if t.wild && !strings.Contains(s, "?") {
			t.segs = strings.Split(s, "*")
			t.ascii = isASCII(s)
		}
		return t
	}
	var lit strings.Builder // pending glob text
	flush := func() {
		if lit.Len() > 0 {
			text := lit.String()
			t.pieces = append(t.pieces, piece{kind: pieceGlob, text: text})
			t.wild = t.wild || strings.ContainsAny(text, "*?")
			lit.Reset()
		}
	}
	nvars := 0
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		lit.WriteString(s[i : i+j])
		i += j
		p, n, ok := parseVariable(s[i:])
		if !ok {
			lit.WriteString("${")
			i += 2
			continue
		}
		flush()
		if p.kind == pieceVar {
			p.vi = nvars
			nvars++
		}
		t.pieces = append(t.pieces, p)
		i += n
	}
	flush()
	if nvars == 0 && len(t.pieces) == 1 && t.pieces[0].kind == pieceGlob {
		return compileTemplate(s, false) // "${" that was no variable: plain text after all
	}
	if p := t.pieces[0]; p.kind == pieceGlob {
		t.lead, t.leadGlob = p.text, len(p.text)
		if i := strings.IndexAny(p.text, "*?"); i >= 0 {
			t.leadGlob = i
		}
	}
	return t
}

// parseVariable parses the variable at the start of s ("${...}") and
// returns it with its length. ok is false when s does not start with a
// well-formed variable.
func parseVariable(s string) (p piece, n int, ok bool) {
	i := 2
	end := strings.IndexAny(s[i:], ",}")
	if end < 0 {
		return piece{}, 0, false
	}
	key := strings.TrimSpace(s[i : i+end])
	i += end
	if s[i] == '}' {
		switch key {
		case "*", "?", "$":
			return piece{kind: pieceText, text: key}, i + 1, true
		}
	}
	if key == "" || strings.ContainsAny(key, "'${") {
		return piece{}, 0, false
	}
	if s[i] == '}' {
		return piece{kind: pieceVar, key: key}, i + 1, true
	}
	// ", 'default'}": the default is single-quoted; '' is a quote.
	i++
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '\'' {
		return piece{}, 0, false
	}
	i++
	var def strings.Builder
	for {
		q := strings.IndexByte(s[i:], '\'')
		if q < 0 {
			return piece{}, 0, false
		}
		def.WriteString(s[i : i+q])
		i += q + 1
		if i < len(s) && s[i] == '\'' {
			def.WriteByte('\'')
			i++
			continue
		}
		break
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '}' {
		return piece{}, 0, false
	}
	return piece{kind: pieceVar, key: key, text: def.String(), def: true}, i + 1, true
}

// maxStackVars is how many variables a template may hold before matching
// it allocates.
const maxStackVars = 8

// match reports whether s matches t, substituting variables from ctx. A
// variable whose key is absent (or has several values) and no default has
// no value, and a value with no value matches nothing (IAM: "Policy
// variables with no value").
func (t *template) match(s string, ctx map[string][]string, mode matchMode) bool {
	glob := mode == modeGlob || mode == modeGlobFold
	fold := mode == modeFold || mode == modeGlobFold
	if t.pieces == nil {
		switch {
		case !glob || !t.wild:
			if fold {
				return strings.EqualFold(t.raw, s)
			}
			return t.raw == s
		case t.segs != nil && !fold:
			return starMatch(t.segs, s, false)
		case t.segs != nil && t.ascii && isASCII(s):
			return starMatch(t.segs, s, true)
		}
		return globMatch(t.raw, s, fold)
	}
	n := len(t.lead)
	if glob {
		n = t.leadGlob
	}
	if n > 0 && !hasPrefix(s, t.lead[:n], fold) {
		return false
	}
	var buf [maxStackVars]string
	vals := buf[:0]
	for i := range t.pieces {
		p := &t.pieces[i]
		if p.kind != pieceVar {
			continue
		}
		v, ok := resolve(ctx, p)
		if !ok {
			return false
		}
		vals = append(vals, v)
	}
	return piecesMatch(t.pieces, vals, s, glob, fold)
}

// hasPrefix reports whether s starts with prefix, ignoring case when fold
// is set.
func hasPrefix(s, prefix string, fold bool) bool {
	if !fold {
		return strings.HasPrefix(s, prefix)
	}
	if isASCII(prefix) {
		return len(s) >= len(prefix) && isASCII(s[:len(prefix)]) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	return true // let the full matcher decide
}

// starMatch matches s against a pattern given as its segments between
// '*'s (segs has at least two): the first must start s, the last end it,
// and the others appear in order between them. With fold, segs and s are
// ASCII and compare ignoring case.
func starMatch(segs []string, s string, fold bool) bool {
	first, last := segs[0], segs[len(segs)-1]
	if len(s) < len(first)+len(last) || !equalASCII(s[:len(first)], first, fold) || !equalASCII(s[len(s)-len(last):], last, fold) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, mid := range segs[1 : len(segs)-1] {
		i := indexASCII(s, mid, fold)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return true
}

func equalASCII(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func indexASCII(s, sub string, fold bool) int {
	if !fold {
		return strings.Index(s, sub)
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// isASCII reports whether s is 7-bit ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// resolve returns the value of variable p in ctx.
func resolve(ctx map[string][]string, p *piece) (string, bool) {
	if v := lookup(ctx, p.key); len(v) == 1 {
		return v[0], true
	}
	if p.def {
		return p.text, true
	}
	return "", false
}

// lookup returns the values of a condition key, matching its name
// ignoring ASCII case (KeyEqual), and nil when the key is not present.
func lookup(ctx map[string][]string, key string) []string {
	if v, ok := ctx[key]; ok {
		return v
	}
	for k, v := range ctx {
		if KeyEqual(k, key) {
			return v
		}
	}
	return nil
}

// globMatch matches s against pattern p, where '*' is any run of characters
// and '?' any one character, ignoring case when fold is set.
func globMatch(p, s string, fold bool) bool {
	one := [1]piece{{kind: pieceGlob, text: p}}
	return piecesMatch(one[:], nil, s, true, fold)
}

// cursor is a position in a piece list: piece index and byte offset.
type cursor struct{ i, off int }

// piecesMatch matches s against the concatenation of pieces (variables
// replaced by vals). With glob set, '*' and '?' in glob pieces are
// wildcards. It is the classic greedy matcher that backtracks to the last
// star, comparing runs of literal text at once; it runs in
// O(len(pattern)·len(s)) without allocating.
func piecesMatch(pieces []piece, vals []string, s string, glob, fold bool) bool {
	// run returns the literal text at c up to the next wildcard, and the
	// wildcard at c (0 if none).
	run := func(c cursor) (string, byte) {
		p := &pieces[c.i]
		if p.kind == pieceVar {
			return vals[p.vi][c.off:], 0
		}
		text := p.text[c.off:]
		if !glob || p.kind != pieceGlob {
			return text, 0
		}
		if w := indexWild(text); w > 0 {
			return text[:w], 0
		} else if w == 0 {
			return "", text[0]
		}
		return text, 0
	}
	// norm moves c past the ends of pieces.
	norm := func(c cursor) cursor {
		for c.i < len(pieces) {
			p := &pieces[c.i]
			n := len(p.text)
			if p.kind == pieceVar {
				n = len(vals[p.vi])
			}
			if c.off < n {
				break
			}
			c = cursor{c.i + 1, 0}
		}
		return c
	}
	pc := norm(cursor{})
	sx := 0
	star := cursor{i: -1}
	starS := 0
	for sx < len(s) {
		if pc.i < len(pieces) {
			lit, wild := run(pc)
			switch wild {
			case '*':
				star = norm(cursor{pc.i, pc.off + 1})
				starS = sx
				pc = star
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[sx:])
				sx += n
				pc = norm(cursor{pc.i, pc.off + 1})
				continue
			}
			if n, ok := prefixLen(s[sx:], lit, fold); ok {
				sx += n
				pc = norm(cursor{pc.i, pc.off + len(lit)})
				continue
			}
		}
		if star.i < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		sx = starS
		pc = star
	}
	for pc.i < len(pieces) {
		if _, wild := run(pc); wild != '*' {
			break
		}
		pc = norm(cursor{pc.i, pc.off + 1})
	}
	return pc.i == len(pieces)
}

// indexWild returns the index of the first '*' or '?' in s, or -1.
func indexWild(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return i
		}
	}
	return -1
}

// prefixLen reports whether s starts with lit (ignoring case when fold is
// set) and how many bytes of s that prefix takes.
func prefixLen(s, lit string, fold bool) (int, bool) {
	if !fold {
		return len(lit), strings.HasPrefix(s, lit)
	}
	n := 0
	for _, lr := range lit {
		if n >= len(s) {
			return 0, false
		}
		sr, sn := utf8.DecodeRuneInString(s[n:])
		if sr != lr && !equalFoldRune(sr, lr) {
			return 0, false
		}
		n += sn
	}
	return n, true
}

// equalFoldRune reports whether a and b are equal under simple Unicode case
// folding, as strings.EqualFold compares runes.
func equalFoldRune(a, b rune) bool {
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
