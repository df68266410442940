package main

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode"
)

var (
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
	// punctRE finds the space a removed tag leaves before punctuation.
	punctRE = regexp.MustCompile(` ([.,;:)])`)
)

// maxComment is the length past which a doc sentence is cut at a word.
const maxComment = 110

// firstSentence returns the first sentence of an HTML doc string as plain,
// single-line text, cut to about maxComment characters.
func firstSentence(doc string) string {
	s := tagRE.ReplaceAllString(doc, " ")
	s = html.UnescapeString(s)
	s = strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
	s = strings.ReplaceAll(punctRE.ReplaceAllString(s, "$1"), "( ", "(")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if len(s) > maxComment {
		cut := strings.LastIndex(s[:maxComment], " ")
		if cut < 40 {
			cut = maxComment
		}
		s = strings.TrimRight(s[:cut], " ,;:") + "..."
	}
	return s
}

// comment writes the non-empty lines as a Go comment with the given indent.
func comment(b *bytes.Buffer, indent string, lines ...string) {
	for _, l := range lines {
		if l != "" {
			b.WriteString(indent + "// " + l + "\n")
		}
	}
}

// exported turns a member name (HttpHeader has "headerName") into an
// exported Go identifier.
func exported(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// enumSuffix spells an enum value as a Go identifier suffix:
// "USER_SRP_AUTH" -> "UserSrpAuth", "phone_number" -> "PhoneNumber",
// "SignInWithApple" -> "SignInWithApple".
func enumSuffix(v string) string {
	parts := strings.FieldsFunc(v, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var b strings.Builder
	for _, p := range parts {
		if strings.ToUpper(p) == p {
			p = strings.ToLower(p)
		}
		b.WriteString(exported(p))
	}
	return b.String()
}

func validIdent(s string) bool {
	for i, r := range s {
		if !unicode.IsLetter(r) && r != '_' && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}
