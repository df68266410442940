package sqlstore

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// clients implements storage.Clients.
type clients struct{ s scope }

const clientCols = `id, pool_id, name, secret_sealed, config, created_at, updated_at`

func scanClient(r Row) (storage.Client, error) {
	var c storage.Client
	var created, updated int64
	if err := r.Scan(&c.ID, &c.PoolID, &c.Name, &c.SecretSealed, &c.Config, &created, &updated); err != nil {
		return storage.Client{}, err
	}
	c.SecretSealed, c.Config = blob(c.SecretSealed), blob(c.Config)
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return c, nil
}

// Create adds the client; ErrNotFound if its pool does not exist.
func (s clients) Create(ctx context.Context, c storage.Client) error {
	_, err := s.s.exec(ctx, `INSERT INTO clients (`+clientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.PoolID, c.Name, blob(c.SecretSealed), blob(c.Config), micros(c.CreatedAt), micros(c.UpdatedAt))
	return wrap("clients: create "+c.ID, err)
}

func (s clients) Get(ctx context.Context, id string) (storage.Client, error) {
	c, err := scanClient(s.s.read().QueryRow(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ?`, id))
	return c, wrap("clients: get "+id, err)
}

func (s clients) Update(ctx context.Context, c storage.Client) error {
	return wrap("clients: update "+c.ID, mustChange(s.s.exec(ctx,
		`UPDATE clients SET name = ?, secret_sealed = ?, config = ?, updated_at = ? WHERE id = ?`,
		c.Name, blob(c.SecretSealed), blob(c.Config), micros(c.UpdatedAt), c.ID)))
}

// Delete removes the client; its refresh tokens go with it by foreign key.
func (s clients) Delete(ctx context.Context, id string) error {
	return wrap("clients: delete "+id, mustChange(s.s.exec(ctx, `DELETE FROM clients WHERE id = ?`, id)))
}

func (s clients) List(ctx context.Context, poolID string, pg storage.Page) ([]storage.Client, string, error) {
	l := listing{kind: "clients", scope: poolID}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("clients: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+clientCols+` FROM clients
		WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`, poolID, after[0], n+1)
	items, err := collect(rows, err, scanClient)
	if err != nil {
		return nil, "", wrap("clients: list", err)
	}
	items, next := page(items, n, l, func(c storage.Client) []string { return []string{c.ID} })
	return items, next, nil
}
