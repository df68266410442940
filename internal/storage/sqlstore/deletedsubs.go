package sqlstore

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// deletedSubs implements storage.DeletedSubs.
type deletedSubs struct{ s scope }

func (s deletedSubs) Add(ctx context.Context, poolID, sub string) error {
	_, err := s.s.exec(ctx, `INSERT INTO deleted_subs (pool_id, sub) VALUES (?, ?)
		ON CONFLICT (pool_id, sub) DO NOTHING`, poolID, sub)
	return wrap("deleted subs: add", err)
}

func (s deletedSubs) Has(ctx context.Context, poolID, sub string) (bool, error) {
	var one int64
	err := s.s.read().QueryRow(ctx, `SELECT 1 FROM deleted_subs WHERE pool_id = ? AND sub = ?`, poolID, sub).Scan(&one)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	return err == nil, wrap("deleted subs: has", err)
}
