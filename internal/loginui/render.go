package loginui

import (
	"bytes"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/cognate-dev/cognate/internal/secret"
)

//go:embed templates/*.html
var files embed.FS

// PasskeyJS is the pages' one script (passkey.js): on a page with a
// passkey form it runs navigator.credentials.get or create with the
// form's options and posts the credential's JSON. Serve it from the
// pages' origin; pages that use it name its URL in Page.Script.
//
//go:embed passkey.js
var PasskeyJS []byte

// Passkey is what a passkey page's form carries: Mode "get" (sign in with
// the WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS) or "create"
// (register one, with StartWebAuthnRegistration's options), Options that
// JSON, and Skip for a "Not now" button.
type Passkey struct {
	Mode, Options string
	Skip          bool
}

// ProviderLink is a button that signs in through an external provider.
type ProviderLink struct{ Name, URL string }

// Page is what one page shows. Title, Hint, Submit, Error and Info are
// message keys (see T); everything else is data, escaped by html/template.
type Page struct {
	// Template is signin, code, password, select, choice, passkey or
	// message.
	Template string
	Lang     string
	Title    string
	Hint     string
	Submit   string
	Error    string
	Info     string
	// Action is where the form posts; CSRF and Flow go in hidden fields,
	// with Hidden.
	Action, CSRF, Flow string
	Hidden             map[string]string
	Username           string
	// NoPassword makes the sign-in page ask for the username alone
	// (choice-based sign-in).
	NoPassword bool
	// Passkey is the passkey page's form; Script the URL of PasskeyJS,
	// which the page's CSP then allows by nonce.
	Passkey Passkey
	Script  string
	// AskUsername, AskEmail and AskPassword choose the fields of the code
	// and password pages; PasswordLabel names the password field.
	AskUsername, AskEmail, AskPassword bool
	PasswordLabel                      string
	// Destination is where a code went (CODE_DELIVERY_DESTINATION, masked):
	// Hint is then a message with a %s for it.
	Destination string
	// Options are the MFA factors of the select page, or the first
	// factors of the choice page.
	Options []string
	// QR is a data: URL of the TOTP set-up QR code image; Secret the key.
	QR     template.URL
	Secret string
	// Links are the page's links by name: signin, signup, forgot.
	Links map[string]string
	// Providers are the sign-in page's buttons for the client's external
	// identity providers.
	Providers []ProviderLink
	// Terms are the client's terms documents the sign-up page links to
	// (by name: terms-of-use, privacy-policy).
	Terms []ProviderLink
	// CSS is the client's UI customization CSS; Logo the URL of its logo.
	// BrandCSS is the CSS of its managed login branding style, before CSS.
	CSS, BrandCSS template.CSS
	Logo          string
	// Nonce is set by Render: the CSP nonce of the page's styles.
	Nonce string
}

// UI renders pages.
type UI struct {
	pages map[string]*template.Template
	// imgSrc are the image sources the CSP allows besides the page's own
	// origin and data: URLs (where logos are served).
	imgSrc string
}

// New parses the embedded templates; logoOrigin is the origin logos are
// served from ("" for the pages' own).
func New(logoOrigin string) *UI {
	funcs := template.FuncMap{"t": T}
	base := template.Must(template.New("").Funcs(funcs).ParseFS(files, "templates/layout.html"))
	u := &UI{pages: map[string]*template.Template{}, imgSrc: logoOrigin}
	for _, name := range []string{"signin", "code", "password", "select", "choice", "passkey", "message"} {
		u.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(files, "templates/"+name+".html"))
	}
	return u
}

// Render writes p with status and the pages' security headers: a CSP that
// allows no script (passkey pages: PasskeyJS by nonce), styles only by nonce, images from the server and data:
// URLs, and no framing; no caching; no referrer.
func (u *UI) Render(w http.ResponseWriter, status int, p Page) {
	p.Lang = Lang(p.Lang)
	p.Nonce = base64.RawURLEncoding.EncodeToString(secret.RandomBytes(16))
	if p.Template == "" {
		p.Template = "message"
	}
	var buf bytes.Buffer
	if err := u.pages[p.Template].ExecuteTemplate(&buf, "layout", p); err != nil {
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	SecurityHeaders(w.Header(), p.Nonce, u.imgSrc)
	if p.Script != "" {
		w.Header().Set("Content-Security-Policy", "script-src 'nonce-"+p.Nonce+"'; "+w.Header().Get("Content-Security-Policy"))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// SecurityHeaders sets the headers every managed-login response carries;
// imgSrc is an origin images may also come from ("" for none).
func SecurityHeaders(h http.Header, nonce, imgSrc string) {
	img := "'self' data:"
	if imgSrc != "" {
		img += " " + imgSrc
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; img-src "+img+"; "+
		"frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}
