package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/identitypool"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is the path the console is served under.
const Prefix = "/console/"

// Deps are what the console calls.
type Deps struct {
	Users      *userpool.Service
	Identities *identitypool.Service
	Store      storage.Store
	// Ring seals the session cookies.
	Ring *secret.KeyRing
	// Root reports whether an access key id and secret are the root
	// credentials (compared in constant time).
	Root func(accessKeyID, secretAccessKey string) bool
	// Admit, when set, applies the rate limits to a pool admin's sign-in
	// before it is tried; an error refuses it.
	Admit func(r *http.Request, clientID, username string) error
	// AdminPoolID and AdminClientID, when set, let members of the pool's
	// group "admins" sign in through the client.
	AdminPoolID, AdminClientID string
	// IdleTimeout ends a session that made no request for that long.
	IdleTimeout time.Duration
	// PublicURL decides the Secure attribute of cookies (https).
	PublicURL string
	Logger    *slog.Logger
	Now       func() time.Time
}

// Console serves the admin console.
type Console struct {
	d     Deps
	mux   *http.ServeMux
	pages map[string]*template.Template
}

// New builds the console and parses its templates.
func New(d Deps) (*Console, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = 30 * time.Minute
	}
	c := &Console{d: d, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, err
		}
		c.pages[name] = t
	}
	c.routes()
	return c, nil
}

// ServeHTTP serves the console's pages, with headers that forbid scripts,
// framing and caching.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, Prefix+"static/") {
		h.Set("Cache-Control", "no-store")
	}
	c.mux.ServeHTTP(w, r)
}

// view wraps a page that needs a signed-in admin.
func (c *Console) view(fn func(w http.ResponseWriter, r *http.Request, s *session) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.session(w, r)
		if !ok {
			http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
			return
		}
		if err := fn(w, r, s); err != nil {
			c.fail(w, r, s, err)
		}
	}
}

// change wraps a form post that changes something: it needs a signed-in
// admin and the session's CSRF token.
func (c *Console) change(fn func(w http.ResponseWriter, r *http.Request, s *session) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		s, ok := c.session(w, r)
		if !ok {
			http.Error(w, "Your session has ended: sign in again.", http.StatusUnauthorized)
			return
		}
		if !secret.Equal(r.PostFormValue("csrf"), s.CSRF) {
			http.Error(w, "The form is stale or was not sent by the console (CSRF token mismatch): reload the page.", http.StatusForbidden)
			return
		}
		if err := fn(w, r, s); err != nil {
			c.fail(w, r, s, err)
		}
	}
}

// pageData is what every page's template gets.
type pageData struct {
	Title  string
	Admin  string
	CSRF   string
	Notice string
	Error  string
	Data   any
}

// render writes the page name with data.
func (c *Console) render(w http.ResponseWriter, s *session, status int, name, title string, data any, notice string) {
	t, ok := c.pages[name]
	if !ok {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	pd := pageData{Title: title, Data: data, Notice: notice}
	if s != nil {
		pd.Admin, pd.CSRF = s.Admin, s.CSRF
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pd); err != nil {
		c.d.Logger.Error("console: render", "page", name, "err", err)
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows err: a domain error by its documented message, anything else
// as an internal error (logged with its cause).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	status, msg := describe(err)
	if status == http.StatusInternalServerError {
		c.d.Logger.Error("console", "path", r.URL.Path, "err", err)
	}
	c.render(w, s, status, "error", "Error", msg, "")
}

// describe turns an error into a status and a message for the operator.
func describe(err error) (int, string) {
	var ue *userpool.Error
	var ie *identitypool.Error
	switch {
	case errors.As(err, &ue):
		if ue.Kind == userpool.ResourceNotFound || ue.Kind == userpool.UserNotFound {
			return http.StatusNotFound, ue.Message
		}
		return http.StatusBadRequest, string(ue.Kind) + ": " + ue.Message
	case errors.As(err, &ie):
		if ie.Kind == identitypool.ResourceNotFound {
			return http.StatusNotFound, ie.Message
		}
		return http.StatusBadRequest, string(ie.Kind) + ": " + ie.Message
	case errors.Is(err, storage.ErrNotFound):
		return http.StatusNotFound, "Not found."
	case errors.Is(err, storage.ErrBadPageToken):
		return http.StatusBadRequest, "The page token is not valid for this listing."
	case errors.Is(err, errBadInput):
		return http.StatusBadRequest, strings.TrimPrefix(err.Error(), errBadInput.Error()+": ")
	}
	return http.StatusInternalServerError, "Internal error: see the server log."
}

// errBadInput wraps a message about a form's input.
var errBadInput = errors.New("bad input")

// audit records a change made through the console, naming the admin. The
// change has happened: a failure to record it is logged.
func (c *Console) audit(ctx context.Context, s *session, e storage.AuditEvent) {
	if e.Details == nil {
		e.Details = map[string]string{}
	}
	e.Details["Admin"] = s.Admin
	e.Type = "Console" + e.Type
	e.ID, e.Time = newEventID(), c.d.Now().UTC()
	if err := c.d.Store.Audit().Record(ctx, e); err != nil {
		c.d.Logger.Error("console: audit", "type", e.Type, "err", err)
	}
}
