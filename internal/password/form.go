package password

import "regexp"

// Pattern is the regular expression Cognito holds every new password to,
// in the Java syntax its validation messages quote ("Member must satisfy
// regular expression pattern: ^[\S]+.*[\S]+$"): no whitespace at either
// end, so at least two characters, and any characters between, spaces
// included. Passphrases ("correct horse battery 9") are allowed, as NIST
// SP 800-63B asks; the model's own PasswordType pattern, "[\S]+", is
// narrower than what Cognito accepts.
const Pattern = `^[\S]+.*[\S]+$`

// wellFormed is Pattern in RE2 with Java's meaning: \s is [ \t\n\x0B\f\r]
// (RE2's lacks \x0B) and '.' is any character but the line terminators
// \n, \r, U+0085, U+2028 and U+2029 (RE2's excludes only \n).
var wellFormed = regexp.MustCompile(`^[^ \t\n\x0B\f\r]+[^\n\r\x{85}\x{2028}\x{2029}]*[^ \t\n\x0B\f\r]+$`)

// WellFormed reports whether pw matches Pattern as a whole, as Cognito
// applies it. It is the one rule for every place a password is set.
func WellFormed(pw string) bool { return wellFormed.MatchString(pw) }
