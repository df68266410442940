package policy

// Condition key names compare ignoring case, and only ASCII case. IAM
// documents condition key names as case-insensitive
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html),
// and every key it defines is ASCII. Unicode case folding would go further
// than that: it folds the long s ('ſ', U+017F) to 's' and the Kelvin sign
// (U+212A) to 'k', so a key "awſ:PrincipalTag/dept" would stand for
// "aws:PrincipalTag/dept" while passing any filter that looks for "aws:".
// KeyEqual and KeyHasPrefix are the one rule the engine and the code that
// builds a request context (such as the filter on caller-supplied keys in
// sts.AuthorizeRequest) share.

// KeyEqual reports whether a and b name the same condition key: equal but
// for the case of ASCII letters. Any other byte must be identical.
func KeyEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// KeyHasPrefix reports whether the condition key name key starts with
// prefix, ignoring the case of ASCII letters only (see KeyEqual), e.g.
// KeyHasPrefix("AWS:SourceIp", "aws:").
func KeyHasPrefix(key, prefix string) bool {
	return len(key) >= len(prefix) && KeyEqual(key[:len(prefix)], prefix)
}

// lowerASCII maps an ASCII upper-case letter to lower case and leaves
// every other byte as it is.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
