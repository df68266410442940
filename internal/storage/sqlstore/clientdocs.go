package sqlstore

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
)

// clientDocuments implements storage.ClientDocuments.
type clientDocuments struct{ s scope }

const clientDocCols = `pool_id, id, client_id, kind, name, body, created_at, updated_at`

func scanClientDoc(r Row) (storage.ClientDocument, error) {
	var d storage.ClientDocument
	var created, updated int64
	if err := r.Scan(&d.PoolID, &d.ID, &d.ClientID, &d.Kind, &d.Name, &d.Body, &created, &updated); err != nil {
		return storage.ClientDocument{}, err
	}
	d.Body = blob(d.Body)
	d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
	return d, nil
}

// Create inserts the document only if its client is in its pool, in one
// statement: no row inserted means no such client.
func (s clientDocuments) Create(ctx context.Context, d storage.ClientDocument) error {
	return wrap("client documents: create "+d.ID, mustChange(s.s.exec(ctx, `INSERT INTO client_documents (`+clientDocCols+`)
		SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM clients WHERE id = ? AND pool_id = ?`,
		d.PoolID, d.ID, d.ClientID, d.Kind, d.Name, blob(d.Body), micros(d.CreatedAt), micros(d.UpdatedAt),
		d.ClientID, d.PoolID)))
}

func (s clientDocuments) Get(ctx context.Context, poolID, kind, id string) (storage.ClientDocument, error) {
	d, err := scanClientDoc(s.s.read().QueryRow(ctx, `SELECT `+clientDocCols+` FROM client_documents
		WHERE pool_id = ? AND kind = ? AND id = ?`, poolID, kind, id))
	return d, wrap("client documents: get "+id, err)
}

func (s clientDocuments) Find(ctx context.Context, poolID, clientID, kind, name string) (storage.ClientDocument, error) {
	d, err := scanClientDoc(s.s.read().QueryRow(ctx, `SELECT `+clientDocCols+` FROM client_documents
		WHERE client_id = ? AND kind = ? AND name = ? AND pool_id = ?`, clientID, kind, name, poolID))
	return d, wrap("client documents: find "+kind+" of "+clientID, err)
}

func (s clientDocuments) List(ctx context.Context, poolID, kind string, pg storage.Page) ([]storage.ClientDocument, string, error) {
	l := listing{kind: "client documents", scope: poolID + "\x00" + kind}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("client documents: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+clientDocCols+` FROM client_documents
		WHERE pool_id = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?`, poolID, kind, after[0], n+1)
	items, err := collect(rows, err, scanClientDoc)
	if err != nil {
		return nil, "", wrap("client documents: list", err)
	}
	items, next := page(items, n, l, func(d storage.ClientDocument) []string { return []string{d.ID} })
	return items, next, nil
}

func (s clientDocuments) Update(ctx context.Context, d storage.ClientDocument) error {
	return wrap("client documents: update "+d.ID, mustChange(s.s.exec(ctx, `UPDATE client_documents
		SET name = ?, body = ?, updated_at = ? WHERE pool_id = ? AND kind = ? AND id = ?`,
		d.Name, blob(d.Body), micros(d.UpdatedAt), d.PoolID, d.Kind, d.ID)))
}

func (s clientDocuments) Delete(ctx context.Context, poolID, kind, id string) error {
	return wrap("client documents: delete "+id, mustChange(s.s.exec(ctx,
		`DELETE FROM client_documents WHERE pool_id = ? AND kind = ? AND id = ?`, poolID, kind, id)))
}

var _ storage.ClientDocuments = clientDocuments{}
