package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// audit implements storage.Audit: the identity audit log.
type audit struct{ s scope }

const auditCols = `id, at, event_type, identity_id, identity_pool_id, user_pool_id, username,
	user_sub, role_arn, details`

func scanAudit(r Row) (storage.AuditEvent, error) {
	var e storage.AuditEvent
	var at int64
	var details string
	err := r.Scan(&e.ID, &at, &e.Type, &e.IdentityID, &e.IdentityPoolID, &e.UserPoolID, &e.Username,
		&e.UserSub, &e.RoleARN, &details)
	if err != nil {
		return storage.AuditEvent{}, err
	}
	e.Time = fromMicros(at)
	if details != "" && details != "{}" {
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return storage.AuditEvent{}, fmt.Errorf("decode details of %s: %w", e.ID, err)
		}
	}
	return e, nil
}

// Record adds the event; ErrConflict if its ID is taken.
func (s audit) Record(ctx context.Context, e storage.AuditEvent) error {
	for k, v := range e.Details { // JSON would silently replace invalid UTF-8
		if !storable(k) || !storable(v) {
			return wrap("audit: record "+e.ID, badTextErr(ctx))
		}
	}
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return wrap("audit: record "+e.ID, err)
		}
		details = string(b)
	}
	_, err := s.s.exec(ctx, `INSERT INTO identity_audit (`+auditCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, micros(e.Time), e.Type, e.IdentityID, e.IdentityPoolID, e.UserPoolID, e.Username,
		e.UserSub, e.RoleARN, details)
	return wrap("audit: record "+e.ID, err)
}

// List returns matching events newest first; the page token is the sort
// key (time, id) of the last event returned.
func (s audit) List(ctx context.Context, f storage.AuditFilter, pg storage.Page) ([]storage.AuditEvent, string, error) {
	l := listing{kind: "audit", scope: auditScope(f)}
	after, err := l.decode(pg.Token, 2)
	if err != nil {
		return nil, "", wrap("audit: list", err)
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.IdentityID != "" {
		add("identity_id = ?", f.IdentityID)
	}
	if f.Type != "" {
		add("event_type = ?", f.Type)
	}
	if f.UserPoolID != "" {
		add("user_pool_id = ?", f.UserPoolID)
	}
	if f.UserSub != "" {
		add("user_sub = ?", f.UserSub)
	}
	if !f.From.IsZero() {
		add("at >= ?", micros(f.From))
	}
	if !f.To.IsZero() {
		add("at <= ?", micros(f.To))
	}
	if pg.Token != "" {
		at, err := strconv.ParseInt(after[0], 10, 64)
		if err != nil {
			return nil, "", wrap("audit: list", storage.ErrBadPageToken)
		}
		where = append(where, "(at < ? OR (at = ? AND id < ?))")
		args = append(args, at, at, after[1])
	}
	q := `SELECT ` + auditCols + ` FROM identity_audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	n := limit(pg)
	q += ` ORDER BY at DESC, id DESC LIMIT ?`
	args = append(args, n+1)
	rows, err := s.s.read().Query(ctx, q, args...)
	items, err := collect(rows, err, scanAudit)
	if err != nil {
		return nil, "", wrap("audit: list", err)
	}
	items, next := page(items, n, l, func(e storage.AuditEvent) []string {
		return []string{strconv.FormatInt(micros(e.Time), 10), e.ID}
	})
	return items, next, nil
}

// auditScope names the filter of an audit listing for its page tokens, so
// that a token resumes only a listing with the same filter.
func auditScope(f storage.AuditFilter) string {
	b, _ := json.Marshal([]string{f.IdentityID, f.Type, f.UserPoolID, f.UserSub,
		strconv.FormatInt(micros(f.From), 10), strconv.FormatInt(micros(f.To), 10)}) // []string always marshals
	return string(b)
}
