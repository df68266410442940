package oauth

import (
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Branding of the pages. As in Cognito, a domain's ManagedLoginVersion
// chooses the style: version 1 (the classic hosted UI) shows the client's
// UI customization (SetUICustomization: CSS and logo), version 2 (managed
// login) the client's managed login branding style
// (CreateManagedLoginBranding: its Settings merged over the defaults, as
// DescribeManagedLoginBrandingByClient with ReturnMergedResources returns
// them, and its Assets). Of a style, the pages apply the colours of the
// page background, form, text, labels, inputs, links, focus ring and
// primary and secondary buttons, the form's and buttons' corner radius,
// the form logo (FORM_LOGO, when components.form.logo.enabled) and the
// page background image (PAGE_BACKGROUND); colours of the light mode,
// those of the dark mode when global.colorSchemeMode is DARK.

// brandingAssetPath is where a domain serves a style's images:
// <base>/managed-login/assets/<client>/<category>.
const brandingAssetPath = "/managed-login/assets/"

// brand styles p for the request's client.
func (s *Server) brand(r *http.Request, st *site, p *loginui.Page) {
	ctx := r.Context()
	if s.Users.DomainLoginVersion(ctx, st.poolID, st.domain) != 2 {
		css, logo := s.Users.ClassicUI(ctx, st.poolID, st.client)
		p.CSS, p.Logo = template.CSS(css), logo
		return
	}
	b, err := s.Users.Branding(ctx, st.poolID, st.client)
	if err != nil {
		return
	}
	mode := colorMode(b)
	asset := func(category string) string {
		if _, ok := b.Asset(category, mode); !ok {
			return ""
		}
		return st.base + brandingAssetPath + st.client + "/" + category + "?v=" + strconv.FormatInt(b.Modified.Unix(), 10)
	}
	var bg string
	if on, _ := b.Setting("components", "pageBackground", "image", "enabled").(bool); on {
		bg = asset("PAGE_BACKGROUND")
	}
	p.BrandCSS = template.CSS(brandingCSS(b, mode, bg))
	if on, _ := b.Setting("components", "form", "logo", "enabled").(bool); on {
		p.Logo = asset("FORM_LOGO")
	}
}

// colorMode is the color mode whose settings and images apply: DARK when
// the style's global.colorSchemeMode says so, else LIGHT.
func colorMode(b *userpool.Branding) string {
	if m, _ := b.Setting("categories", "global", "colorSchemeMode").(string); m == "DARK" {
		return "DARK"
	}
	return "LIGHT"
}

// hexColor is a settings colour: RRGGBB or RRGGBBAA.
var hexColor = regexp.MustCompile(`^[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?$`)

// brandingCSS is the CSS of a style's settings in a color mode; bg is the
// URL of its background image ("" for none). Only colours that are hex
// digits and radii that are numbers get in, so a style cannot inject CSS.
func brandingCSS(b *userpool.Branding, mode, bg string) string {
	m := "lightMode"
	if mode == "DARK" {
		m = "darkMode"
	}
	color := func(path ...string) string {
		v, _ := b.Setting(path...).(string)
		if !hexColor.MatchString(v) {
			return ""
		}
		return "#" + strings.ToLower(v)
	}
	radius := func(path ...string) string {
		v, ok := b.Setting(path...).(float64)
		if !ok || v < 0 || v > 100 {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64) + "px"
	}
	var css strings.Builder
	rule := func(selector string, decls ...string) {
		var body []string
		for i := 0; i+1 < len(decls); i += 2 {
			if decls[i+1] != "" {
				body = append(body, decls[i]+":"+decls[i+1])
			}
		}
		if len(body) > 0 {
			fmt.Fprintf(&css, "%s{%s}\n", selector, strings.Join(body, ";"))
		}
	}
	c := "components"
	rule("body", "background-color", color(c, "pageBackground", m, "color"), "color", color(c, "pageText", m, "bodyColor"))
	if bg != "" {
		rule("body", "background-image", `url("`+bg+`")`, "background-size", "cover", "background-position", "center")
	}
	rule("main", "background-color", color(c, "form", m, "backgroundColor"), "border-radius", radius(c, "form", "borderRadius"))
	if bc := color(c, "form", m, "borderColor"); bc != "" {
		rule("main", "border", "1px solid "+bc)
	}
	rule("h1", "color", color(c, "pageText", m, "headingColor"))
	rule(".textDescription-customizable", "color", color(c, "pageText", m, "descriptionColor"))
	cc := "componentClasses"
	rule("label", "color", color(cc, "inputLabel", m, "textColor"))
	rule("input[type=text],input[type=password],input[type=email]",
		"background-color", color(cc, "input", m, "defaults", "backgroundColor"),
		"border-color", color(cc, "input", m, "defaults", "borderColor"), "border-radius", radius(cc, "input", "borderRadius"))
	rule("a", "color", color(cc, "link", m, "defaults", "textColor"))
	rule("a:hover", "color", color(cc, "link", m, "hover", "textColor"))
	rule("input:focus,button:focus,a:focus", "outline-color", color(cc, "focusState", m, "borderColor"))
	rule("button", "border-radius", radius(cc, "buttons", "borderRadius"))
	rule("button.submitButton-customizable",
		"background-color", color(c, "primaryButton", m, "defaults", "backgroundColor"),
		"color", color(c, "primaryButton", m, "defaults", "textColor"))
	rule("button.submitButton-customizable:hover",
		"background-color", color(c, "primaryButton", m, "hover", "backgroundColor"),
		"color", color(c, "primaryButton", m, "hover", "textColor"))
	rule("button.secondary",
		"background-color", color(c, "secondaryButton", m, "defaults", "backgroundColor"),
		"color", color(c, "secondaryButton", m, "defaults", "textColor"),
		"border-color", color(c, "secondaryButton", m, "defaults", "borderColor"))
	return css.String()
}

// brandingAsset is GET <base>/managed-login/assets/{client}/{category}: an
// image of the client's branding style, in the style's color mode.
func (s *Server) brandingAsset(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	b, err := s.Users.Branding(r.Context(), st.poolID, r.PathValue("client"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	a, ok := b.Asset(r.PathValue("category"), colorMode(b))
	if !ok || a.MediaType == "" {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.MediaType)
	h.Set("Content-Length", strconv.Itoa(len(a.Bytes)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(a.Bytes)
}
