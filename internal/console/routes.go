package console

import (
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

func (c *Console) routes() {
	m := c.mux
	static, _ := fs.Sub(staticFS, "static") // the directory is embedded
	m.Handle("GET /console/static/", http.StripPrefix(Prefix+"static/", http.FileServerFS(static)))
	m.HandleFunc("GET /console/signin", c.signinPage)
	m.HandleFunc("POST /console/signin", c.signin)
	m.HandleFunc("POST /console/signin/mfa", c.signinMFA)
	m.HandleFunc("POST /console/signout", c.change(c.signout))
	m.HandleFunc("GET /console/{$}", c.view(c.home))
	m.HandleFunc("GET /console/owner", c.view(c.owner))

	m.HandleFunc("GET /console/pools", c.view(c.poolsPage))
	m.HandleFunc("POST /console/pools", c.change(c.createPool))
	m.HandleFunc("GET /console/pools/{pool}", c.view(c.poolPage))
	m.HandleFunc("POST /console/pools/{pool}/settings", c.change(c.poolSettings))
	m.HandleFunc("POST /console/pools/{pool}/clients", c.change(c.createClient))
	m.HandleFunc("POST /console/pools/{pool}/groups", c.change(c.createGroup))
	m.HandleFunc("POST /console/pools/{pool}/signin-settings", c.change(c.signInSettings))
	m.HandleFunc("POST /console/pools/{pool}/attributes", c.change(c.attributeSettings))

	m.HandleFunc("GET /console/pools/{pool}/users", c.view(c.usersPage))
	m.HandleFunc("POST /console/pools/{pool}/users", c.change(c.createUser))
	m.HandleFunc("GET /console/pools/{pool}/users/{sub}", c.view(c.userPage))
	m.HandleFunc("POST /console/pools/{pool}/users/{sub}/{action}", c.change(c.userAction))

	m.HandleFunc("GET /console/identity-pools", c.view(c.identityPoolsPage))
	m.HandleFunc("GET /console/identity-pools/{id}", c.view(c.identityPoolPage))
	m.HandleFunc("GET /console/identities/{id}", c.view(c.identityPage))

	m.HandleFunc("GET /console/audit", c.view(c.auditPage))
	m.HandleFunc("GET /console/audit.csv", c.view(c.auditCSV))
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"path":    url.PathEscape,
	"query":   url.QueryEscape,
	"upper":   strings.ToUpper,
	"details": details,
	"list":    func(v ...string) []string { return v },
	"deref":   func(b *bool) bool { return b != nil && *b },
	"has":     func(list []string, v string) bool { return slices.Contains(list, v) },
}

// notices are the messages a change's redirect names (?done=...).
var notices = map[string]string{
	"disabled": "The user is disabled: their sign-ins are refused and their sessions ended.",
	"enabled":  "The user is enabled.", "confirmed": "The user is confirmed.",
	"reset":     "The password is reset: the user gets a code to choose a new one.",
	"signedout": "The user is signed out everywhere: their refresh tokens are revoked.",
	"grouped":   "Group membership changed.", "attributes": "Attributes saved.",
	"created": "Created.", "deleted": "Deleted.", "saved": "Settings saved.",
}

// redirectDone sends the browser to path with a notice.
func redirectDone(w http.ResponseWriter, r *http.Request, path, done string) {
	http.Redirect(w, r, path+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

func notice(r *http.Request) string { return notices[r.URL.Query().Get("done")] }
