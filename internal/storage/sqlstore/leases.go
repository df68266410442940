package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// leases implements storage.Leases.
type leases struct{ s scope }

// Take is one upsert: at READ COMMITTED PostgreSQL's ON CONFLICT locks the
// row and evaluates the WHERE on the committed row, so of two nodes taking
// an expired lease one wins; SQLite has one writer.
func (s leases) Take(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) ([]byte, bool, error) {
	var progress []byte
	taken := false
	err := s.s.write(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `INSERT INTO leases (name, owner, expires_at, progress) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
			WHERE leases.owner = excluded.owner OR leases.expires_at <= ?`,
			name, owner, micros(now.Add(ttl)), nil, micros(now))
		if err != nil || n == 0 {
			return err
		}
		taken = true
		return q.QueryRow(ctx, `SELECT progress FROM leases WHERE name = ?`, name).Scan(&progress)
	})
	if err != nil {
		return nil, false, wrap("leases: take "+name, err)
	}
	return blob(progress), taken, nil
}

func (s leases) Renew(ctx context.Context, name, owner string, now time.Time, ttl time.Duration, progress []byte) error {
	q, args := `UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?`, []any{micros(now.Add(ttl)), name, owner}
	if progress != nil {
		q, args = `UPDATE leases SET expires_at = ?, progress = ? WHERE name = ? AND owner = ?`,
			[]any{micros(now.Add(ttl)), progress, name, owner}
	}
	return wrap("leases: renew "+name, mustChange(s.s.exec(ctx, q, args...)))
}

func (s leases) Release(ctx context.Context, name, owner string) error {
	_, err := s.s.exec(ctx, `UPDATE leases SET expires_at = 0 WHERE name = ? AND owner = ?`, name, owner)
	return wrap("leases: release "+name, err)
}

func (s leases) Delete(ctx context.Context, name, owner string) error {
	_, err := s.s.exec(ctx, `DELETE FROM leases WHERE name = ? AND owner = ?`, name, owner)
	return wrap("leases: delete "+name, err)
}

// Names matches with LIKE, its wildcards escaped, and checks the prefix
// again: SQLite's LIKE ignores the case of ASCII letters.
func (s leases) Names(ctx context.Context, prefix string) ([]string, error) {
	pattern := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix) + "%"
	rows, err := s.s.read().Query(ctx, `SELECT name FROM leases WHERE name LIKE ? ESCAPE '\'`, pattern)
	names, err := collect(rows, err, func(r Row) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
	if err != nil {
		return nil, wrap("leases: names "+prefix, err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return !strings.HasPrefix(n, prefix) })
	slices.Sort(names) // by bytes, whatever the database's collation
	return names, nil
}

var _ storage.Leases = leases{}
