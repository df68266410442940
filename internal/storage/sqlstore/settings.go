package sqlstore

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// settings implements storage.Settings.
type settings struct{ s scope }

func (s settings) Get(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.s.read().QueryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err != nil {
		return nil, wrap("settings: get "+name, err)
	}
	return blob(v), nil
}

func (s settings) Put(ctx context.Context, name string, value []byte) error {
	_, err := s.s.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, blob(value))
	return wrap("settings: put "+name, err)
}

// PutIfAbsent inserts unless the name exists, then reads what is stored.
// At READ COMMITTED the read sees a concurrent winner's committed value:
// PostgreSQL's ON CONFLICT waits for it, SQLite has one writer.
func (s settings) PutIfAbsent(ctx context.Context, name string, value []byte) ([]byte, error) {
	var v []byte
	err := s.s.write(ctx, func(q Querier) error {
		if _, err := q.Exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO NOTHING`, name, blob(value)); err != nil {
			return err
		}
		return q.QueryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	})
	if err != nil {
		return nil, wrap("settings: put if absent "+name, err)
	}
	return blob(v), nil
}

var _ storage.Settings = settings{}
