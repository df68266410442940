package policy

import (
	"net/netip"
	"strings"
	"time"
)

// family is what a condition operator compares.
type family uint8

const (
	famString     family = iota // StringEquals, StringNotEquals
	famStringFold               // StringEqualsIgnoreCase, StringNotEqualsIgnoreCase
	famStringLike               // StringLike, StringNotLike
	famNumeric                  // Numeric*
	famDate                     // Date*
	famBool                     // Bool
	famBinary                   // BinaryEquals
	famIP                       // IpAddress, NotIpAddress
	famARN                      // ArnEquals, ArnLike, ArnNotEquals, ArnNotLike
	famNull                     // Null
)

// comparison is how Numeric* and Date* operators order values.
type comparison uint8

const (
	cmpEq comparison = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

// setQualifier is a ForAnyValue: or ForAllValues: prefix.
type setQualifier uint8

const (
	setNone setQualifier = iota
	setAny
	setAll
)

// operator is a condition operator without its set qualifier and IfExists
// suffix.
type operator struct {
	fam    family
	cmp    comparison
	negate bool // a negated matching operator (StringNotEquals, NotIpAddress, ...)
}

// operators are the base condition operators by lower-case name (IAM JSON
// policy elements: Condition operators).
var operators = map[string]operator{
	"stringequals":              {fam: famString},
	"stringnotequals":           {fam: famString, negate: true},
	"stringequalsignorecase":    {fam: famStringFold},
	"stringnotequalsignorecase": {fam: famStringFold, negate: true},
	"stringlike":                {fam: famStringLike},
	"stringnotlike":             {fam: famStringLike, negate: true},
	"numericequals":             {fam: famNumeric},
	"numericnotequals":          {fam: famNumeric, negate: true},
	"numericlessthan":           {fam: famNumeric, cmp: cmpLt},
	"numericlessthanequals":     {fam: famNumeric, cmp: cmpLe},
	"numericgreaterthan":        {fam: famNumeric, cmp: cmpGt},
	"numericgreaterthanequals":  {fam: famNumeric, cmp: cmpGe},
	"dateequals":                {fam: famDate},
	"datenotequals":             {fam: famDate, negate: true},
	"datelessthan":              {fam: famDate, cmp: cmpLt},
	"datelessthanequals":        {fam: famDate, cmp: cmpLe},
	"dategreaterthan":           {fam: famDate, cmp: cmpGt},
	"dategreaterthanequals":     {fam: famDate, cmp: cmpGe},
	"bool":                      {fam: famBool},
	"binaryequals":              {fam: famBinary},
	"ipaddress":                 {fam: famIP},
	"notipaddress":              {fam: famIP, negate: true},
	"arnequals":                 {fam: famARN},
	"arnlike":                   {fam: famARN},
	"arnnotequals":              {fam: famARN, negate: true},
	"arnnotlike":                {fam: famARN, negate: true},
	"null":                      {fam: famNull},
}

// parseOperator splits a condition operator such as
// "ForAnyValue:StringLikeIfExists" into its parts. Names match
// case-insensitively. Null takes no IfExists.
func parseOperator(name string) (op operator, set setQualifier, ifExists, ok bool) {
	s := name
	if len(s) > 12 && strings.EqualFold(s[:12], "ForAnyValue:") {
		set, s = setAny, s[12:]
	} else if len(s) > 13 && strings.EqualFold(s[:13], "ForAllValues:") {
		set, s = setAll, s[13:]
	}
	if len(s) > 8 && strings.EqualFold(s[len(s)-8:], "IfExists") {
		ifExists, s = true, s[:len(s)-8]
	}
	op, ok = operators[strings.ToLower(s)]
	if ok && op.fam == famNull && ifExists {
		ok = false
	}
	return op, set, ifExists, ok
}

// condition is a compiled Condition: one key of one operator.
type condition struct {
	op       operator
	set      setQualifier
	ifExists bool
	key      string
	values   []condValue
}

// condValue is one policy value, parsed for its operator's family.
type condValue struct {
	tmpl   template     // string families and Bool
	arn    *arnPattern  // famARN
	num    number       // famNumeric
	date   time.Time    // famDate
	prefix netip.Prefix // famIP
	bin    string       // famBinary: the decoded bytes
	null   bool         // famNull: true means "the key is absent"
}

// eval reports whether the condition holds for the request context.
//
// Per IAM: several values for one key are ORed; a negated operator is the
// negation of its positive form (so its values are effectively ANDed); a
// key that is not present makes a condition false, a negated one true, and
// one with IfExists true; ForAnyValue: holds when some request value
// matches (false when the key is absent), ForAllValues: when every request
// value does (true when the key is absent); Null tests presence only.
func (c *condition) eval(ctx map[string][]string) bool {
	vals := lookup(ctx, c.key)
	if c.op.fam == famNull {
		for i := range c.values {
			if c.values[i].null == (len(vals) == 0) {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.ifExists:
			return true
		case c.set == setAll:
			return true
		case c.set == setAny:
			return false
		}
		return c.op.negate
	}
	switch c.set {
	case setAny:
		for _, v := range vals {
			if c.matchAny(v, ctx) != c.op.negate {
				return true
			}
		}
		return false
	case setAll:
		for _, v := range vals {
			if c.matchAny(v, ctx) == c.op.negate {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if c.matchAny(v, ctx) {
			return !c.op.negate
		}
	}
	return c.op.negate
}

// matchAny reports whether request value v matches one of the policy
// values under the positive form of the operator.
func (c *condition) matchAny(v string, ctx map[string][]string) bool {
	switch c.op.fam {
	case famString, famStringFold, famStringLike, famBool:
		mode := modeExact
		switch c.op.fam {
		case famStringFold, famBool:
			mode = modeFold
		case famStringLike:
			mode = modeGlob
		}
		for i := range c.values {
			if c.values[i].tmpl.match(v, ctx, mode) {
				return true
			}
		}
	case famARN:
		av := newARNValue(v)
		for i := range c.values {
			if c.values[i].arn.match(&av, ctx) {
				return true
			}
		}
	case famNumeric:
		n, ok := parseNumber(v)
		if !ok {
			return false
		}
		for i := range c.values {
			if compare(c.op.cmp, n.compare(c.values[i].num)) {
				return true
			}
		}
	case famDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for i := range c.values {
			if compare(c.op.cmp, t.Compare(c.values[i].date)) {
				return true
			}
		}
	case famIP:
		a, ok := parseAddr(v)
		if !ok {
			return false
		}
		for i := range c.values {
			if c.values[i].prefix.Contains(a) {
				return true
			}
		}
	case famBinary:
		for i := range c.values {
			if c.values[i].bin == v {
				return true
			}
		}
	}
	return false
}

// compare applies comparison op to the result of comparing the request
// value with the policy value.
func compare(op comparison, c int) bool {
	switch op {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}
