package password

import (
	"strings"
	"unicode/utf8"
)

// Symbols are the special characters Cognito's password policy counts
// (Cognito developer guide, "User pool password policy"). The space counts
// too, when it is neither leading nor trailing.
const Symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

// policyPrefix starts every PolicyError message, as on Cognito.
const policyPrefix = "Password did not conform with policy: "

// Policy is a user pool's password policy (Cognito's PasswordPolicyType).
// The zero Policy accepts every password.
type Policy struct {
	MinimumLength    int
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
}

// DefaultPolicy returns Cognito's default policy: at least 8 characters with
// upper- and lowercase letters, digits and symbols.
func DefaultPolicy() Policy {
	return Policy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}
}

// PolicyError reports the first rule of a Policy that a password breaks.
// Its Error is Cognito's InvalidPasswordException message.
type PolicyError struct {
	// Reason is the part after "Password did not conform with policy: ",
	// for example "Password not long enough".
	Reason string
}

// Error returns Cognito's message, e.g. "Password did not conform with
// policy: Password must have uppercase characters".
func (e *PolicyError) Error() string { return policyPrefix + e.Reason }

// Check returns nil if pw satisfies the policy, else a *PolicyError for the
// first rule broken, in the order: length, uppercase, lowercase, numbers,
// symbols. Length counts characters (runes). Upper- and lowercase mean the
// basic Latin letters A-Z and a-z, numbers the digits 0-9, and symbols the
// characters in Symbols plus any space that is not leading or trailing; any
// other character counts only toward the length.
func (p Policy) Check(pw string) error {
	if utf8.RuneCountInString(pw) < p.MinimumLength {
		return &PolicyError{Reason: "Password not long enough"}
	}
	var upper, lower, digit, symbol bool
	inner := strings.Trim(pw, " ")
	for i := 0; i < len(pw); i++ {
		c := pw[i]
		switch {
		case 'A' <= c && c <= 'Z':
			upper = true
		case 'a' <= c && c <= 'z':
			lower = true
		case '0' <= c && c <= '9':
			digit = true
		case c == ' ':
			// Counted below, from the trimmed string.
		case c < utf8.RuneSelf && strings.IndexByte(Symbols, c) >= 0:
			symbol = true
		}
	}
	if strings.IndexByte(inner, ' ') >= 0 {
		symbol = true
	}
	switch {
	case p.RequireUppercase && !upper:
		return &PolicyError{Reason: "Password must have uppercase characters"}
	case p.RequireLowercase && !lower:
		return &PolicyError{Reason: "Password must have lowercase characters"}
	case p.RequireNumbers && !digit:
		return &PolicyError{Reason: "Password must have numeric characters"}
	case p.RequireSymbols && !symbol:
		return &PolicyError{Reason: "Password must have symbol characters"}
	}
	return nil
}
