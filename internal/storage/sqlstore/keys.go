package sqlstore

import (
	"context"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// keys implements storage.Keys.
type keys struct{ s scope }

const keyCols = `id, pool_id, key_use, algorithm, private_sealed, public_jwk, created_at, retire_at`

func scanKey(r Row) (storage.SigningKey, error) {
	var k storage.SigningKey
	var created, retire int64
	err := r.Scan(&k.ID, &k.PoolID, &k.Use, &k.Algorithm, &k.PrivateSealed, &k.PublicJWK, &created, &retire)
	if err != nil {
		return storage.SigningKey{}, err
	}
	k.PrivateSealed, k.PublicJWK = blob(k.PrivateSealed), blob(k.PublicJWK)
	k.CreatedAt, k.RetireAt = fromMicros(created), fromMicros(retire)
	return k, nil
}

func (s keys) Create(ctx context.Context, k storage.SigningKey) error {
	_, err := s.s.exec(ctx, `INSERT INTO signing_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.PoolID, k.Use, k.Algorithm, blob(k.PrivateSealed), blob(k.PublicJWK),
		micros(k.CreatedAt), micros(k.RetireAt))
	return wrap("keys: create "+k.ID, err)
}

// List returns the pool's keys, newest first (ties broken by id).
func (s keys) List(ctx context.Context, poolID string) ([]storage.SigningKey, error) {
	rows, err := s.s.read().Query(ctx, `SELECT `+keyCols+` FROM signing_keys
		WHERE pool_id = ? ORDER BY created_at DESC, id DESC`, poolID)
	out, err := collect(rows, err, scanKey)
	return out, wrap("keys: list", err)
}

// Retire sets RetireAt; ErrNotFound if there is no such key.
func (s keys) Retire(ctx context.Context, kid string, at time.Time) error {
	return wrap("keys: retire "+kid, mustChange(s.s.exec(ctx,
		`UPDATE signing_keys SET retire_at = ? WHERE id = ?`, micros(at), kid)))
}

// DeleteRetired removes keys whose RetireAt is set and before the time.
func (s keys) DeleteRetired(ctx context.Context, before time.Time) (int, error) {
	n, err := s.s.exec(ctx, `DELETE FROM signing_keys WHERE retire_at <> 0 AND retire_at < ?`, micros(before))
	return int(n), wrap("keys: delete retired", err)
}
