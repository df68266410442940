package console

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// auditData is the audit browser's model.
type auditData struct {
	PoolID, Sub, Identity, Type, From, To string
	Events                                []storage.AuditEvent
	Next                                  string
	// Query is the filter as a query string (for the CSV link and paging).
	Query string
}

// auditFilter reads the filter from the query: user (pool and sub),
// identity, event type, and the time range (dates or RFC 3339 times).
func auditFilter(q url.Values) (storage.AuditFilter, auditData, error) {
	d := auditData{PoolID: strings.TrimSpace(q.Get("pool")), Sub: strings.TrimSpace(q.Get("sub")),
		Identity: strings.TrimSpace(q.Get("identity")), Type: strings.TrimSpace(q.Get("type")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	f := storage.AuditFilter{IdentityID: d.Identity, Type: d.Type, UserPoolID: d.PoolID, UserSub: d.Sub}
	var err error
	if f.From, err = parseWhen(d.From, false); err != nil {
		return f, d, err
	}
	if f.To, err = parseWhen(d.To, true); err != nil {
		return f, d, err
	}
	keep := url.Values{}
	for _, k := range []string{"pool", "sub", "identity", "type", "from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			keep.Set(k, v)
		}
	}
	d.Query = keep.Encode()
	return f, d, nil
}

// parseWhen reads a date (a whole day: its end when end is set) or an RFC
// 3339 time; "" is no bound.
func parseWhen(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if end {
			t = t.Add(24*time.Hour - time.Microsecond)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is not a date (2006-01-02) or a time (2006-01-02T15:04:05Z)", errBadInput, s)
}

// filter reads the audit filter of the request; a user named by username
// (with its pool) is looked up for their sub.
func (c *Console) filter(r *http.Request) (storage.AuditFilter, auditData, error) {
	f, d, err := auditFilter(r.URL.Query())
	if err != nil || f.UserSub == "" || f.UserPoolID == "" || uuidPattern.MatchString(f.UserSub) {
		return f, d, err
	}
	u, err := c.d.Users.LookupUser(r.Context(), f.UserPoolID, f.UserSub)
	if errors.Is(err, storage.ErrNotFound) {
		return f, d, fmt.Errorf("%w: the pool has no user %q", errBadInput, f.UserSub)
	}
	f.UserSub = u.Sub
	return f, d, err
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// auditPage browses the audit log, newest first.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session) error {
	f, d, err := c.filter(r)
	if err != nil {
		return err
	}
	if d.Events, d.Next, err = c.d.Store.Audit().List(r.Context(), f, storage.Page{Token: r.URL.Query().Get("next"), Limit: 50}); err != nil {
		return err
	}
	c.render(w, s, http.StatusOK, "audit", "Audit log", d, "")
	return nil
}

// csvLimit bounds one CSV export.
const csvLimit = 100000

// auditCSV exports the filtered audit log as CSV (at most csvLimit events).
func (c *Console) auditCSV(w http.ResponseWriter, r *http.Request, _ *session) error {
	f, _, err := c.filter(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cognate-audit.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "time", "type", "identity_id", "identity_pool_id", "user_pool_id", "username", "user_sub", "role_arn", "details"})
	page, n := storage.Page{Limit: 500}, 0
	for n < csvLimit {
		events, next, err := c.d.Store.Audit().List(r.Context(), f, page)
		if err != nil {
			c.d.Logger.Error("console: audit export", "err", err)
			break // the header is sent: the export ends short
		}
		for _, e := range events {
			_ = cw.Write([]string{e.ID, e.Time.UTC().Format(time.RFC3339Nano), e.Type, e.IdentityID, e.IdentityPoolID,
				e.UserPoolID, cell(e.Username), e.UserSub, e.RoleARN, cell(details(e.Details))})
		}
		n += len(events)
		if next == "" {
			break
		}
		page.Token = next
	}
	cw.Flush()
	return nil
}

// cell defuses a value that a spreadsheet would run as a formula (a
// username chosen by a user can start with "="): it gets a leading "'".
func cell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// details renders an event's details as "k=v; k=v", sorted by key.
func details(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, "; ")
}
