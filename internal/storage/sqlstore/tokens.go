package sqlstore

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// tokens implements storage.Tokens.
type tokens struct{ s scope }

const tokenCols = `id, pool_id, client_id, sub, origin_jti, family_id, device_key,
	auth_time, created_at, expires_at, revoked_at, rotated_at, scope, nonce`

func scanToken(r Row) (storage.RefreshToken, error) {
	var t storage.RefreshToken
	var auth, created, expires, revoked, rotated int64
	err := r.Scan(&t.ID, &t.PoolID, &t.ClientID, &t.Sub, &t.OriginJTI, &t.FamilyID, &t.DeviceKey,
		&auth, &created, &expires, &revoked, &rotated, &t.Scope, &t.Nonce)
	if err != nil {
		return storage.RefreshToken{}, err
	}
	t.ID = blob(t.ID)
	t.AuthTime, t.CreatedAt = fromMicros(auth), fromMicros(created)
	t.ExpiresAt, t.RevokedAt = fromMicros(expires), fromMicros(revoked)
	t.RotatedAt = fromMicros(rotated)
	return t, nil
}

// tokenName names a token in errors by a prefix of its (already hashed) id.
func tokenName(id []byte) string {
	if len(id) > 4 {
		id = id[:4]
	}
	return hex.EncodeToString(id)
}

// Create adds the token; ErrConflict if the id is taken, ErrNotFound if its
// client or user does not exist.
func (s tokens) Create(ctx context.Context, t storage.RefreshToken) error {
	_, err := s.s.exec(ctx, `INSERT INTO refresh_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.PoolID, t.ClientID, t.Sub, t.OriginJTI, t.FamilyID, t.DeviceKey,
		micros(t.AuthTime), micros(t.CreatedAt), micros(t.ExpiresAt), micros(t.RevokedAt), micros(t.RotatedAt), t.Scope, t.Nonce)
	return wrap("tokens: create "+tokenName(t.ID), err)
}

func (s tokens) Get(ctx context.Context, id []byte) (storage.RefreshToken, error) {
	t, err := scanToken(s.s.read().QueryRow(ctx, `SELECT `+tokenCols+` FROM refresh_tokens WHERE id = ?`, id))
	return t, wrap("tokens: get "+tokenName(id), err)
}

// GetByOrigin returns the token with the origin JTI (the newest, should a
// caller ever reuse one).
func (s tokens) GetByOrigin(ctx context.Context, originJTI string) (storage.RefreshToken, error) {
	t, err := scanToken(s.s.read().QueryRow(ctx, `SELECT `+tokenCols+` FROM refresh_tokens
		WHERE origin_jti = ? ORDER BY created_at DESC LIMIT 1`, originJTI))
	return t, wrap("tokens: get by origin", err)
}

// Revoke sets RevokedAt unless already set; ErrNotFound if there is no such
// token.
func (s tokens) Revoke(ctx context.Context, id []byte, at time.Time) error {
	return wrap("tokens: revoke "+tokenName(id), mustChange(s.s.exec(ctx, `UPDATE refresh_tokens
		SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?`, micros(at), id)))
}

// Rotate sets RotatedAt in one conditional statement, so of concurrent
// callers exactly one sees its write take effect.
func (s tokens) Rotate(ctx context.Context, id []byte, at time.Time) (bool, error) {
	n, err := s.s.exec(ctx, `UPDATE refresh_tokens SET rotated_at = ? WHERE id = ? AND rotated_at = 0`, micros(at), id)
	if err != nil {
		return false, wrap("tokens: rotate "+tokenName(id), err)
	}
	if n == 1 {
		return true, nil
	}
	if _, err := s.Get(ctx, id); err != nil {
		return false, err
	}
	return false, nil
}

func (s tokens) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	_, err := s.s.exec(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at = 0`,
		micros(at), familyID)
	return wrap("tokens: revoke family", err)
}

func (s tokens) RevokeUser(ctx context.Context, poolID, sub string, at time.Time) (int, error) {
	n, err := s.s.exec(ctx, `UPDATE refresh_tokens SET revoked_at = ?
		WHERE pool_id = ? AND sub = ? AND revoked_at = 0`, micros(at), poolID, sub)
	return int(n), wrap("tokens: revoke user "+sub, err)
}

// DeleteExpired removes tokens whose ExpiresAt is set and before the time.
func (s tokens) DeleteExpired(ctx context.Context, before time.Time) (int, error) {
	n, err := s.s.exec(ctx, `DELETE FROM refresh_tokens WHERE expires_at <> 0 AND expires_at < ?`, micros(before))
	return int(n), wrap("tokens: delete expired", err)
}
