package sqlstore

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// devices implements storage.Devices.
type devices struct{ s scope }

const deviceCols = `pool_id, device_key, sub, group_key, name, salt, verifier_sealed, status, last_ip,
	created_at, updated_at, last_auth_at`

func scanDevice(r Row) (storage.Device, error) {
	var d storage.Device
	var created, updated, lastAuth int64
	err := r.Scan(&d.PoolID, &d.Key, &d.Sub, &d.GroupKey, &d.Name, &d.Salt, &d.VerifierSealed, &d.Status,
		&d.LastIP, &created, &updated, &lastAuth)
	if err != nil {
		return storage.Device{}, err
	}
	d.Salt, d.VerifierSealed = blob(d.Salt), blob(d.VerifierSealed)
	d.CreatedAt, d.UpdatedAt, d.LastAuthenticatedAt = fromMicros(created), fromMicros(updated), fromMicros(lastAuth)
	return d, nil
}

// Create adds the device; ErrConflict if its key is taken in the pool,
// ErrNotFound if the user does not exist.
func (s devices) Create(ctx context.Context, d storage.Device) error {
	_, err := s.s.exec(ctx, `INSERT INTO devices (`+deviceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.PoolID, d.Key, d.Sub, d.GroupKey, d.Name, blob(d.Salt), blob(d.VerifierSealed), d.Status, d.LastIP,
		micros(d.CreatedAt), micros(d.UpdatedAt), micros(d.LastAuthenticatedAt))
	return wrap("devices: create "+d.Key, err)
}

func (s devices) Get(ctx context.Context, poolID, key string) (storage.Device, error) {
	d, err := scanDevice(s.s.read().QueryRow(ctx, `SELECT `+deviceCols+` FROM devices
		WHERE pool_id = ? AND device_key = ?`, poolID, key))
	return d, wrap("devices: get "+key, err)
}

func (s devices) Update(ctx context.Context, d storage.Device) error {
	return wrap("devices: update "+d.Key, mustChange(s.s.exec(ctx, `UPDATE devices SET name = ?, status = ?,
		last_ip = ?, updated_at = ?, last_auth_at = ? WHERE pool_id = ? AND device_key = ?`,
		d.Name, d.Status, d.LastIP, micros(d.UpdatedAt), micros(d.LastAuthenticatedAt), d.PoolID, d.Key)))
}

func (s devices) Delete(ctx context.Context, poolID, key string) error {
	return wrap("devices: delete "+key, mustChange(s.s.exec(ctx,
		`DELETE FROM devices WHERE pool_id = ? AND device_key = ?`, poolID, key)))
}

func (s devices) List(ctx context.Context, poolID, sub string, pg storage.Page) ([]storage.Device, string, error) {
	l := listing{kind: "devices", scope: poolID + "\x00" + sub}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("devices: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+deviceCols+` FROM devices
		WHERE pool_id = ? AND sub = ? AND device_key > ? ORDER BY device_key LIMIT ?`, poolID, sub, after[0], n+1)
	items, err := collect(rows, err, scanDevice)
	if err != nil {
		return nil, "", wrap("devices: list", err)
	}
	items, next := page(items, n, l, func(d storage.Device) []string { return []string{d.Key} })
	return items, next, nil
}
