package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// authEvents implements storage.AuthEvents over auth_events.
type authEvents struct{ s scope }

const authEventCols = `pool_id, sub, created_at, id, event_type, response, ip_address, details,
	feedback_value, feedback_provider, feedback_at`

func scanAuthEvent(r Row) (storage.AuthEvent, error) {
	var e storage.AuthEvent
	var created, feedbackAt int64
	if err := r.Scan(&e.PoolID, &e.Sub, &created, &e.ID, &e.Type, &e.Response, &e.IPAddress, &e.Details,
		&e.Feedback.Value, &e.Feedback.Provider, &feedbackAt); err != nil {
		return storage.AuthEvent{}, err
	}
	e.Feedback.At = fromMicros(feedbackAt)
	e.Details = blob(e.Details)
	e.CreatedAt = fromMicros(created)
	return e, nil
}

func (s authEvents) Add(ctx context.Context, e storage.AuthEvent) error {
	_, err := s.s.exec(ctx, `INSERT INTO auth_events (`+authEventCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.PoolID, e.Sub, micros(e.CreatedAt), e.ID, e.Type, e.Response, e.IPAddress, blob(e.Details),
		e.Feedback.Value, e.Feedback.Provider, micros(e.Feedback.At))
	return wrap("auth events: add "+e.ID, err)
}

// List pages backwards through the primary key (pool_id, sub, created_at,
// id); the token is the last event's (created_at, id).
func (s authEvents) List(ctx context.Context, poolID, sub string, pg storage.Page) ([]storage.AuthEvent, string, error) {
	l := listing{kind: "auth_events", scope: poolID + "/" + sub}
	after, err := l.decode(pg.Token, 2)
	if err != nil {
		return nil, "", wrap("auth events: list", err)
	}
	before := int64(1<<63 - 1)
	if pg.Token != "" {
		if before, err = strconv.ParseInt(after[0], 10, 64); err != nil {
			return nil, "", wrap("auth events: list", storage.ErrBadPageToken)
		}
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+authEventCols+` FROM auth_events
		WHERE pool_id = ? AND sub = ? AND (created_at < ? OR (created_at = ? AND id < ?))
		ORDER BY created_at DESC, id DESC LIMIT ?`, poolID, sub, before, before, after[1], n+1)
	items, err := collect(rows, err, scanAuthEvent)
	if err != nil {
		return nil, "", wrap("auth events: list", err)
	}
	items, next := page(items, n, l, func(e storage.AuthEvent) []string {
		return []string{strconv.FormatInt(micros(e.CreatedAt), 10), e.ID}
	})
	return items, next, nil
}

func (s authEvents) SetFeedback(ctx context.Context, poolID, sub, id string, f storage.AuthEventFeedback) error {
	n, err := s.s.exec(ctx, `UPDATE auth_events SET feedback_value = ?, feedback_provider = ?, feedback_at = ?
		WHERE pool_id = ? AND sub = ? AND id = ?`, f.Value, f.Provider, micros(f.At), poolID, sub, id)
	if err == nil && n == 0 {
		err = storage.ErrNotFound
	}
	return wrap("auth events: feedback on "+id, err)
}

func (s authEvents) DeleteBefore(ctx context.Context, before time.Time) (int, error) {
	n, err := s.s.exec(ctx, `DELETE FROM auth_events WHERE created_at < ?`, micros(before))
	return int(n), wrap("auth events: delete old", err)
}
