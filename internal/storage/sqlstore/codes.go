package sqlstore

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// codes implements storage.Codes.
type codes struct{ s scope }

// Put creates or replaces the code; ErrNotFound if the user does not exist.
func (s codes) Put(ctx context.Context, c storage.Code) error {
	_, err := s.s.exec(ctx, `INSERT INTO codes (pool_id, sub, purpose, hash, attempts, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (pool_id, sub, purpose) DO UPDATE SET hash = excluded.hash,
			attempts = excluded.attempts, expires_at = excluded.expires_at, created_at = excluded.created_at`,
		c.PoolID, c.Sub, c.Purpose, blob(c.Hash), c.Attempts, micros(c.ExpiresAt), micros(c.CreatedAt))
	return wrap("codes: put "+c.Purpose, err)
}

func (s codes) Get(ctx context.Context, poolID, sub, purpose string) (storage.Code, error) {
	c := storage.Code{PoolID: poolID, Sub: sub, Purpose: purpose}
	var attempts, expires, created int64
	err := s.s.read().QueryRow(ctx, `SELECT hash, attempts, expires_at, created_at FROM codes
		WHERE pool_id = ? AND sub = ? AND purpose = ?`, poolID, sub, purpose).
		Scan(&c.Hash, &attempts, &expires, &created)
	if err != nil {
		return storage.Code{}, wrap("codes: get "+purpose, err)
	}
	c.Hash, c.Attempts = blob(c.Hash), int(attempts)
	c.ExpiresAt, c.CreatedAt = fromMicros(expires), fromMicros(created)
	return c, nil
}

// AddAttempt increments the count and reads the code back in one
// statement, so concurrent callers each see a distinct count.
func (s codes) AddAttempt(ctx context.Context, poolID, sub, purpose string) (storage.Code, error) {
	c := storage.Code{PoolID: poolID, Sub: sub, Purpose: purpose}
	var attempts, expires, created int64
	err := s.s.writeOne(ctx, func(q Querier) error {
		return q.QueryRow(ctx, `UPDATE codes SET attempts = attempts + 1
			WHERE pool_id = ? AND sub = ? AND purpose = ?
			RETURNING hash, attempts, expires_at, created_at`, poolID, sub, purpose).
			Scan(&c.Hash, &attempts, &expires, &created)
	})
	if err != nil {
		return storage.Code{}, wrap("codes: add attempt "+purpose, err)
	}
	c.Hash, c.Attempts = blob(c.Hash), int(attempts)
	c.ExpiresAt, c.CreatedAt = fromMicros(expires), fromMicros(created)
	return c, nil
}

// Delete removes the code; ErrNotFound if there was none.
func (s codes) Delete(ctx context.Context, poolID, sub, purpose string) error {
	return wrap("codes: delete "+purpose, mustChange(s.s.exec(ctx,
		`DELETE FROM codes WHERE pool_id = ? AND sub = ? AND purpose = ?`, poolID, sub, purpose)))
}
