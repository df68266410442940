package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// pools implements storage.Pools.
type pools struct{ s scope }

const poolCols = `id, region, name, config, created_at, updated_at`

func scanPool(r Row) (storage.Pool, error) {
	var p storage.Pool
	var created, updated int64
	if err := r.Scan(&p.ID, &p.Region, &p.Name, &p.Config, &created, &updated); err != nil {
		return storage.Pool{}, err
	}
	p.Config = blob(p.Config)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, nil
}

func (s pools) Create(ctx context.Context, p storage.Pool) error {
	_, err := s.s.exec(ctx, `INSERT INTO pools (`+poolCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.Region, p.Name, blob(p.Config), micros(p.CreatedAt), micros(p.UpdatedAt))
	return wrap("pools: create "+p.ID, err)
}

func (s pools) Get(ctx context.Context, id string) (storage.Pool, error) {
	p, err := scanPool(s.s.read().QueryRow(ctx, `SELECT `+poolCols+` FROM pools WHERE id = ?`, id))
	return p, wrap("pools: get "+id, err)
}

func (s pools) UpdatedAt(ctx context.Context, id string) (time.Time, error) {
	var us int64
	err := s.s.read().QueryRow(ctx, `SELECT updated_at FROM pools WHERE id = ?`, id).Scan(&us)
	return fromMicros(us), wrap("pools: updated_at "+id, err)
}

func (s pools) Update(ctx context.Context, p storage.Pool) error {
	return wrap("pools: update "+p.ID, mustChange(s.s.exec(ctx,
		`UPDATE pools SET name = ?, config = ?, updated_at = ? WHERE id = ?`,
		p.Name, blob(p.Config), micros(p.UpdatedAt), p.ID)))
}

// Delete removes the pool; clients, users and their lookups, codes and
// tokens go with it by foreign key. Signing keys are removed here, and
// identity logins that named the pool's users lose the link.
//
// Outside a transaction the pool's users go first, a batch at a time, each
// batch its own transaction, so that deleting a large pool never holds the
// database's writer (SQLite has one) for long: other pools' writes wait for
// one batch at most. The batch grows or shrinks to take about
// deleteBatchTime, whatever the machine's speed and load (see storage.NextBatch). After each batch
// the deletion checkpoints (see Checkpointer): the pages a batch rewrote
// are copied into the database by the deletion, while other writes go on,
// and not by the commit of whichever write comes next. A user created
// meanwhile goes with the pool at the end.
func (s pools) Delete(ctx context.Context, id string) error {
	if s.s.tx == nil {
		batch := deleteBatchMin * 4
		for {
			began := time.Now()
			n, err := s.s.exec(ctx, `DELETE FROM users WHERE pool_id = ? AND sub IN
				(SELECT sub FROM users WHERE pool_id = ? LIMIT `+strconv.Itoa(batch)+`)`, id, id)
			if err != nil {
				return wrap("pools: delete "+id, err)
			}
			if n < int64(batch) {
				break
			}
			batch = nextDeleteBatch(batch, time.Since(began))
			if err := checkpoint(ctx, s.s.b); err != nil {
				return wrap("pools: delete "+id, err)
			}
		}
	}
	err := s.s.write(ctx, func(q Querier) error {
		if _, err := q.Exec(ctx, `DELETE FROM signing_keys WHERE pool_id = ?`, id); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE identity_logins SET user_pool_id = '', user_sub = ''
			WHERE user_pool_id = ?`, id); err != nil {
			return err
		}
		return mustChange(q.Exec(ctx, `DELETE FROM pools WHERE id = ?`, id))
	})
	if err != nil {
		return wrap("pools: delete "+id, err)
	}
	// The pool is gone; giving its space back is best effort (the next
	// deletion takes up what this one leaves).
	if s.s.tx == nil {
		_ = reclaimSpace(ctx, s.s.b)
	}
	return nil
}

// deleteBatchTime is how long one transaction of Pools.Delete aims to
// take; deleteBatchMin and deleteBatchMax bound its users. Another pool's
// write waits for at most the batch in flight, and a batch's commit waits
// for its WAL to reach the disk, which on a busy disk can take several
// times the batch's own work: aiming at 10 ms rather than 25 cut the
// longest wait of another pool's write from 140-210 ms to 40-60 ms
// (BenchmarkDeletePoolWhileWriting, 200,000 users, a busy machine), for
// a deletion about 10% longer.
const (
	deleteBatchTime = 10 * time.Millisecond
	deleteBatchMin  = 50
	deleteBatchMax  = 5000
)

// nextDeleteBatch is the size of Pools.Delete's next batch after one of
// batch users took took (see storage.NextBatch).
func nextDeleteBatch(batch int, took time.Duration) int {
	return storage.NextBatch(batch, took, deleteBatchTime, deleteBatchMin, deleteBatchMax)
}

// poolListing is Pools.List for page tokens.
var poolListing = listing{kind: "pools"}

func (s pools) List(ctx context.Context, pg storage.Page) ([]storage.Pool, string, error) {
	after, err := poolListing.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("pools: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+poolCols+` FROM pools WHERE id > ? ORDER BY id LIMIT ?`,
		after[0], n+1)
	items, err := collect(rows, err, scanPool)
	if err != nil {
		return nil, "", wrap("pools: list", err)
	}
	items, next := page(items, n, poolListing, func(p storage.Pool) []string { return []string{p.ID} })
	return items, next, nil
}
