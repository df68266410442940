package sqlstore

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// providerLinks implements storage.ProviderLinks.
type providerLinks struct{ s scope }

const providerLinkCols = `pool_id, provider_name, subject, attribute_name, sub, created_at`

func scanProviderLink(r Row) (storage.ProviderLink, error) {
	var l storage.ProviderLink
	var created int64
	if err := r.Scan(&l.PoolID, &l.ProviderName, &l.Subject, &l.AttributeName, &l.Sub, &created); err != nil {
		return storage.ProviderLink{}, err
	}
	l.CreatedAt = fromMicros(created)
	return l, nil
}

func (s providerLinks) Create(ctx context.Context, l storage.ProviderLink) error {
	_, err := s.s.exec(ctx, `INSERT INTO provider_links (`+providerLinkCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		l.PoolID, l.ProviderName, l.Subject, l.AttributeName, l.Sub, micros(l.CreatedAt))
	return wrap("provider links: create "+l.ProviderName, err)
}

func (s providerLinks) Get(ctx context.Context, poolID, provider, subject string) (storage.ProviderLink, error) {
	l, err := scanProviderLink(s.s.read().QueryRow(ctx, `SELECT `+providerLinkCols+` FROM provider_links
		WHERE pool_id = ? AND provider_name = ? AND subject = ?`, poolID, provider, subject))
	return l, wrap("provider links: get "+provider, err)
}

func (s providerLinks) ListByUser(ctx context.Context, poolID, sub string) ([]storage.ProviderLink, error) {
	rows, err := s.s.read().Query(ctx, `SELECT `+providerLinkCols+` FROM provider_links
		WHERE pool_id = ? AND sub = ? ORDER BY provider_name, subject`, poolID, sub)
	items, err := collect(rows, err, scanProviderLink)
	return items, wrap("provider links: list", err)
}

func (s providerLinks) Delete(ctx context.Context, poolID, provider, subject string) error {
	return wrap("provider links: delete "+provider, mustChange(s.s.exec(ctx,
		`DELETE FROM provider_links WHERE pool_id = ? AND provider_name = ? AND subject = ?`, poolID, provider, subject)))
}

var _ storage.ProviderLinks = providerLinks{}
