package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cognate-dev/cognate/internal/storage"
)

// oidcProviders implements storage.OIDCProviders.
type oidcProviders struct{ s scope }

const oidcProviderCols = `url, client_ids, thumbprints, tags, created_at, updated_at`

func scanOIDCProvider(r Row) (storage.OIDCProvider, error) {
	var p storage.OIDCProvider
	var clients, thumbs, tags string
	var created, updated int64
	if err := r.Scan(&p.URL, &clients, &thumbs, &tags, &created, &updated); err != nil {
		return storage.OIDCProvider{}, err
	}
	var err error
	if p.ClientIDs, err = decodeStrings(clients); err == nil {
		if p.Thumbprints, err = decodeStrings(thumbs); err == nil {
			p.Tags, err = decodeTags(tags)
		}
	}
	if err != nil {
		return storage.OIDCProvider{}, fmt.Errorf("decode oidc provider %s: %w", p.URL, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, nil
}

func encodeStrings(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list) // []string always marshals
	return string(b)
}

func decodeStrings(s string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

func (s oidcProviders) Create(ctx context.Context, p storage.OIDCProvider) error {
	_, err := s.s.exec(ctx, `INSERT INTO iam_oidc_providers (`+oidcProviderCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		p.URL, encodeStrings(p.ClientIDs), encodeStrings(p.Thumbprints), encodeTags(p.Tags),
		micros(p.CreatedAt), micros(p.UpdatedAt))
	return wrap("oidc providers: create "+p.URL, err)
}

func (s oidcProviders) Get(ctx context.Context, url string) (storage.OIDCProvider, error) {
	p, err := scanOIDCProvider(s.s.read().QueryRow(ctx, `SELECT `+oidcProviderCols+` FROM iam_oidc_providers
		WHERE url = ?`, url))
	return p, wrap("oidc providers: get "+url, err)
}

func (s oidcProviders) Update(ctx context.Context, p storage.OIDCProvider) error {
	return wrap("oidc providers: update "+p.URL, mustChange(s.s.exec(ctx, `UPDATE iam_oidc_providers
		SET client_ids = ?, thumbprints = ?, tags = ?, updated_at = ? WHERE url = ?`,
		encodeStrings(p.ClientIDs), encodeStrings(p.Thumbprints), encodeTags(p.Tags), micros(p.UpdatedAt), p.URL)))
}

func (s oidcProviders) Delete(ctx context.Context, url string) error {
	return wrap("oidc providers: delete "+url, mustChange(s.s.exec(ctx,
		`DELETE FROM iam_oidc_providers WHERE url = ?`, url)))
}

func (s oidcProviders) List(ctx context.Context) ([]storage.OIDCProvider, error) {
	rows, err := s.s.read().Query(ctx, `SELECT `+oidcProviderCols+` FROM iam_oidc_providers ORDER BY url`)
	out, err := collect(rows, err, scanOIDCProvider)
	return out, wrap("oidc providers: list", err)
}

var _ storage.OIDCProviders = oidcProviders{}
