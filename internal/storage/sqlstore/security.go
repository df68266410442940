package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// security implements storage.Security.
type security struct{ s scope }

func (s security) Guard(ctx context.Context, poolID, subject string) (storage.Guard, error) {
	g := storage.Guard{PoolID: poolID, Subject: subject}
	var failures, locked, updated int64
	err := s.s.read().QueryRow(ctx, `SELECT failures, locked_until, updated_at FROM user_guards
		WHERE pool_id = ? AND subject = ?`, poolID, subject).Scan(&failures, &locked, &updated)
	if err != nil {
		return storage.Guard{}, wrap("security: guard", err)
	}
	g.Failures = int(failures)
	g.LockedUntil, g.UpdatedAt = fromMicros(locked), fromMicros(updated)
	return g, nil
}

// PutGuard upserts the state; ErrNotFound if the pool does not exist.
func (s security) PutGuard(ctx context.Context, g storage.Guard) error {
	_, err := s.s.exec(ctx, `INSERT INTO user_guards (pool_id, subject, failures, locked_until, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (pool_id, subject) DO UPDATE SET failures = excluded.failures,
			locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
		g.PoolID, g.Subject, g.Failures, micros(g.LockedUntil), micros(g.UpdatedAt))
	return wrap("security: put guard", err)
}

func (s security) DeleteGuard(ctx context.Context, poolID, subject string) error {
	_, err := s.s.exec(ctx, `DELETE FROM user_guards WHERE pool_id = ? AND subject = ?`, poolID, subject)
	return wrap("security: delete guard", err)
}

// Hit counts the event in one statement, so concurrent callers each see a
// distinct count: the upsert either starts a new window or adds to the
// current one.
func (s security) Hit(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration) (int, error) {
	var n int64
	expired := micros(now.Add(-window))
	err := s.s.writeOne(ctx, func(q Querier) error {
		return q.QueryRow(ctx, `INSERT INTO rate_windows (pool_id, subject, kind, window_start, hits)
			VALUES (?, ?, ?, ?, 1)
			ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
				hits = CASE WHEN rate_windows.window_start <= ? THEN 1 ELSE rate_windows.hits + 1 END,
				window_start = CASE WHEN rate_windows.window_start <= ? THEN excluded.window_start
					ELSE rate_windows.window_start END
			RETURNING hits`, poolID, subject, kind, micros(now), expired, expired).Scan(&n)
	})
	return int(n), wrap("security: hit "+kind, err)
}

// AddPassword inserts the hash and trims the history to the newest keep
// entries, atomically; ErrNotFound if the user does not exist.
func (s security) AddPassword(ctx context.Context, poolID, sub, hash string, at time.Time, keep int) error {
	return wrap("security: add password", s.s.write(ctx, func(q Querier) error {
		if keep <= 0 {
			_, err := q.Exec(ctx, `DELETE FROM password_history WHERE pool_id = ? AND sub = ?`, poolID, sub)
			return err
		}
		if _, err := q.Exec(ctx, `INSERT INTO password_history (pool_id, sub, created_at, hash)
			VALUES (?, ?, ?, ?)`, poolID, sub, micros(at), hash); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT created_at FROM password_history WHERE pool_id = ? AND sub = ?
			ORDER BY created_at DESC LIMIT 1 OFFSET ?`, poolID, sub, keep-1)
		oldest, err := collect(rows, err, func(r Row) (int64, error) {
			var t int64
			return t, r.Scan(&t)
		})
		if err != nil || len(oldest) == 0 {
			return err
		}
		_, err = q.Exec(ctx, `DELETE FROM password_history WHERE pool_id = ? AND sub = ? AND created_at < ?`,
			poolID, sub, oldest[0])
		return err
	}))
}

func (s security) Passwords(ctx context.Context, poolID, sub string, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	rows, err := s.s.read().Query(ctx, `SELECT hash FROM password_history WHERE pool_id = ? AND sub = ?
		ORDER BY created_at DESC LIMIT ?`, poolID, sub, n)
	out, err := collect(rows, err, func(r Row) (string, error) {
		var h string
		return h, r.Scan(&h)
	})
	return out, wrap("security: passwords", err)
}

func (s security) DeleteIdle(ctx context.Context, before time.Time) (int, error) {
	var total int64
	err := s.s.write(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM user_guards WHERE updated_at < ? AND locked_until < ?`,
			micros(before), micros(before))
		if err != nil {
			return err
		}
		m, err := q.Exec(ctx, `DELETE FROM rate_windows WHERE window_start < ?`, micros(before))
		total = n + m
		return err
	})
	return int(total), wrap("security: delete idle", err)
}

// AddFailure increments the count with an upsert that matches only an
// unlocked row (the row lock it takes serializes concurrent callers until
// commit), then sets the lockout the new count earns, in one transaction.
func (s security) AddFailure(ctx context.Context, poolID, subject string, now time.Time, lock func(int) time.Duration) (storage.Guard, bool, error) {
	g := storage.Guard{PoolID: poolID, Subject: subject}
	counted := false
	err := s.s.write(ctx, func(q Querier) error {
		var failures, locked, updated int64
		err := q.QueryRow(ctx, `INSERT INTO user_guards (pool_id, subject, failures, locked_until, updated_at)
			VALUES (?, ?, 1, 0, ?)
			ON CONFLICT (pool_id, subject) DO UPDATE SET failures = user_guards.failures + 1,
				updated_at = excluded.updated_at
			WHERE user_guards.locked_until <= ?
			RETURNING failures, locked_until, updated_at`, poolID, subject, micros(now), micros(now)).
			Scan(&failures, &locked, &updated)
		if errors.Is(err, storage.ErrNotFound) {
			// The row exists and is locked: report it as stored.
			err = q.QueryRow(ctx, `SELECT failures, locked_until, updated_at FROM user_guards
				WHERE pool_id = ? AND subject = ?`, poolID, subject).Scan(&failures, &locked, &updated)
			g.Failures, g.LockedUntil, g.UpdatedAt = int(failures), fromMicros(locked), fromMicros(updated)
			return err
		}
		if err != nil {
			return err
		}
		counted = true
		g.Failures, g.LockedUntil, g.UpdatedAt = int(failures), fromMicros(locked), fromMicros(updated)
		if d := lock(g.Failures); d > 0 {
			g.LockedUntil = now.Add(d)
			_, err = q.Exec(ctx, `UPDATE user_guards SET locked_until = ? WHERE pool_id = ? AND subject = ?`,
				micros(g.LockedUntil), poolID, subject)
		}
		return err
	})
	if err != nil {
		return storage.Guard{}, false, wrap("security: add failure", err)
	}
	return g, counted, nil
}
