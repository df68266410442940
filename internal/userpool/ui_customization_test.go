package userpool

import "testing"

func TestCheckCSS(t *testing.T) {
	for css, ok := range map[string]bool{
		``:                                       true,
		".logo-customizable { max-width: 60%; }": true,
		".banner-customizable,.label-customizable{color:#333}\n/* note */":  true,
		"/* a { */ .submitButton-customizable:hover { background: red }":    true,
		".inputField-customizable:focus { border: 1px solid rgb(0, 0, 0) }": true,
		".evil { color: red }":                                                false,
		"body { color: red }":                                                 false,
		".logo-customizable":                                                  false,
		".logo-customizable { color: red":                                     false,
		".logo-customizable { color: red } }":                                 false,
		".logo-customizable { a { b } }":                                      false,
		"@import url(x.css); .logo-customizable {}":                           false,
		".logo-customizable { content: '</style>' }":                          false,
		".logo-customizable > .banner-customizable { }":                       false,
		"/* unterminated .logo-customizable {}":                               false,
		".logo-customizable { background: url(\"javascript\\3a alert(1)\") }": false,
		".logo-customizable {}, .evil {}":                                     false,
		".logo-customizable, { }":                                             false,
	} {
		err := checkCSS(css)
		if (err == nil) != ok {
			t.Errorf("checkCSS(%q) = %v, want ok %v", css, err, ok)
		}
		if err != nil {
			if e, isErr := err.(*Error); !isErr || e.Kind != InvalidParameter {
				t.Errorf("checkCSS(%q): %v is not InvalidParameterException", css, err)
			}
		}
	}
}

func TestLogoType(t *testing.T) {
	for name, tt := range map[string]struct {
		img  string
		want string
	}{
		"png":     {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"},
		"jpeg":    {"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"},
		"svg":     {`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`, "image/svg+xml"},
		"xml svg": {`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`, "image/svg+xml"},
		"gif":     {"GIF89a....", ""},
		"html":    {"<html><body>hi</body></html>", ""},
		"text":    {"just words", ""},
	} {
		got, err := logoType([]byte(tt.img))
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("%s: logoType = %q, %v; want %q", name, got, err, tt.want)
		}
	}
	if _, err := logoType(make([]byte, maxLogoBytes+1)); err == nil {
		t.Error("a logo over 100 KB was accepted")
	}
}

// FuzzCheckCSS: checkCSS never panics, and CSS it accepts has no '<'.
func FuzzCheckCSS(f *testing.F) {
	for _, seed := range []string{"", ".logo-customizable{}", "/*", "}{", ".a{/*}*/}", "\x00{"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, css string) {
		if checkCSS(css) == nil {
			for _, r := range css {
				if r == '<' {
					t.Fatalf("accepted CSS with '<': %q", css)
				}
			}
		}
	})
}
