package oauth

import (
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// A style's settings reach the CSS only as hex colours and numeric radii:
// anything else is left out, so a style cannot inject CSS.
func TestBrandingCSSTakesOnlyColoursAndRadii(t *testing.T) {
	b := &userpool.Branding{Settings: map[string]any{"components": map[string]any{
		"primaryButton": map[string]any{"lightMode": map[string]any{"defaults": map[string]any{
			"backgroundColor": "red;}body{background:url(https://evil.test/x)", "textColor": "FFFFFF"}}},
		"form":     map[string]any{"borderRadius": 12.5, "lightMode": map[string]any{"backgroundColor": "00000080"}},
		"pageText": map[string]any{"lightMode": map[string]any{"headingColor": 42}},
	}, "componentClasses": map[string]any{"buttons": map[string]any{"borderRadius": "8px;}"}}}}
	css := brandingCSS(b, "LIGHT", "")
	for _, want := range []string{"button.submitButton-customizable{color:#ffffff}", "main{background-color:#00000080;border-radius:12.5px}"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %q:\n%s", want, css)
		}
	}
	for _, bad := range []string{"evil", "h1{", "button{"} {
		if strings.Contains(css, bad) {
			t.Errorf("CSS has %q:\n%s", bad, css)
		}
	}
	dark := brandingCSS(&userpool.Branding{Settings: map[string]any{"components": map[string]any{
		"pageBackground": map[string]any{"darkMode": map[string]any{"color": "0f1b2aff"}, "lightMode": map[string]any{"color": "ffffffff"}}}}}, "DARK", "")
	if !strings.Contains(dark, "body{background-color:#0f1b2aff}") {
		t.Errorf("dark mode CSS: %s", dark)
	}
}
