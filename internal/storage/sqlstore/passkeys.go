package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// passkeys implements storage.Passkeys.
type passkeys struct{ s scope }

const passkeyCols = `pool_id, credential_id, sub, relying_party_id, public_key, sign_count, aaguid, transports,
	attachment, friendly_name, attestation_format, user_verified, backup_eligible, backup_state,
	created_at, last_used_at`

func scanPasskey(r Row) (storage.Passkey, error) {
	var k storage.Passkey
	var count, created, lastUsed int64
	var transports string
	err := r.Scan(&k.PoolID, &k.ID, &k.Sub, &k.RelyingPartyID, &k.PublicKey, &count, &k.AAGUID, &transports,
		&k.Attachment, &k.FriendlyName, &k.AttestationFormat, &k.UserVerified, &k.BackupEligible, &k.BackupState,
		&created, &lastUsed)
	if err != nil {
		return storage.Passkey{}, err
	}
	k.PublicKey, k.AAGUID = blob(k.PublicKey), blob(k.AAGUID)
	k.SignCount = uint32(count)
	if err := json.Unmarshal([]byte(transports), &k.Transports); err != nil {
		return storage.Passkey{}, err
	}
	if len(k.Transports) == 0 {
		k.Transports = nil
	}
	k.CreatedAt, k.LastUsedAt = fromMicros(created), fromMicros(lastUsed)
	return k, nil
}

// Create adds the passkey; ErrConflict if its ID is taken in the pool,
// ErrNotFound if the user does not exist.
func (s passkeys) Create(ctx context.Context, k storage.Passkey) error {
	transports, err := json.Marshal(k.Transports)
	if err != nil {
		return wrap("passkeys: create "+k.ID, err)
	}
	_, err = s.s.exec(ctx, `INSERT INTO passkeys (`+passkeyCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.PoolID, k.ID, k.Sub, k.RelyingPartyID, blob(k.PublicKey), int64(k.SignCount), blob(k.AAGUID),
		string(transports), k.Attachment, k.FriendlyName, k.AttestationFormat,
		k.UserVerified, k.BackupEligible, k.BackupState, micros(k.CreatedAt), micros(k.LastUsedAt))
	return wrap("passkeys: create "+k.ID, err)
}

func (s passkeys) Get(ctx context.Context, poolID, id string) (storage.Passkey, error) {
	k, err := scanPasskey(s.s.read().QueryRow(ctx, `SELECT `+passkeyCols+` FROM passkeys
		WHERE pool_id = ? AND credential_id = ?`, poolID, id))
	return k, wrap("passkeys: get "+id, err)
}

func (s passkeys) List(ctx context.Context, poolID, sub string, pg storage.Page) ([]storage.Passkey, string, error) {
	l := listing{kind: "passkeys", scope: poolID + "\x00" + sub}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("passkeys: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+passkeyCols+` FROM passkeys
		WHERE pool_id = ? AND sub = ? AND credential_id > ? ORDER BY credential_id LIMIT ?`, poolID, sub, after[0], n+1)
	items, err := collect(rows, err, scanPasskey)
	if err != nil {
		return nil, "", wrap("passkeys: list", err)
	}
	items, next := page(items, n, l, func(k storage.Passkey) []string { return []string{k.ID} })
	return items, next, nil
}

func (s passkeys) Count(ctx context.Context, poolID, sub string) (int, error) {
	var n int
	err := s.s.read().QueryRow(ctx, `SELECT COUNT(*) FROM passkeys WHERE pool_id = ? AND sub = ?`, poolID, sub).Scan(&n)
	return n, wrap("passkeys: count", err)
}

// RecordUse writes the use in one conditional UPDATE, so that the check of
// the counter and the write are atomic; when it changes no row, a read
// tells a passkey that is missing from a counter that did not advance.
func (s passkeys) RecordUse(ctx context.Context, poolID, id string, signCount uint32, backupState bool, at time.Time) (bool, error) {
	advanced := `sign_count < ?`
	if signCount == 0 {
		advanced = `sign_count = ?`
	}
	n, err := s.s.exec(ctx, `UPDATE passkeys SET sign_count = ?, backup_state = ?, last_used_at = ?
		WHERE pool_id = ? AND credential_id = ? AND `+advanced,
		int64(signCount), backupState, micros(at), poolID, id, int64(signCount))
	if err != nil {
		return false, wrap("passkeys: record use "+id, err)
	}
	if n == 1 {
		return true, nil
	}
	if _, err := s.Get(ctx, poolID, id); err != nil {
		return false, err
	}
	return false, nil
}

func (s passkeys) Delete(ctx context.Context, poolID, sub, id string) error {
	return wrap("passkeys: delete "+id, mustChange(s.s.exec(ctx,
		`DELETE FROM passkeys WHERE pool_id = ? AND sub = ? AND credential_id = ?`, poolID, sub, id)))
}
