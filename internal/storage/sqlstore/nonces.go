package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// nonces implements storage.Nonces.
type nonces struct{ s scope }

// Use counts one use in one statement (an upsert that returns the new
// count), so concurrent callers each see a distinct count. The expiry only
// ever moves later.
func (s nonces) Use(ctx context.Context, id []byte, expiresAt time.Time) (int, error) {
	var n int64
	err := s.s.writeOne(ctx, func(q Querier) error {
		return q.QueryRow(ctx, `INSERT INTO nonces (id, uses, expires_at) VALUES (?, 1, ?)
			ON CONFLICT (id) DO UPDATE SET uses = nonces.uses + 1,
				expires_at = CASE WHEN excluded.expires_at > nonces.expires_at
					THEN excluded.expires_at ELSE nonces.expires_at END
			RETURNING uses`, id, micros(expiresAt)).Scan(&n)
	})
	return int(n), wrap("nonces: use", err)
}

func (s nonces) Uses(ctx context.Context, id []byte) (int, error) {
	var n int64
	err := s.s.read().QueryRow(ctx, `SELECT uses FROM nonces WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, nil
	}
	return int(n), wrap("nonces: uses", err)
}

func (s nonces) DeleteExpired(ctx context.Context, before time.Time) (int, error) {
	n, err := s.s.exec(ctx, `DELETE FROM nonces WHERE expires_at < ?`, micros(before))
	return int(n), wrap("nonces: delete expired", err)
}
