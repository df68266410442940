package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// bulkRows is how many rows one multi-row statement writes: well inside
// both dialects' limits on parameters (17 per users row).
const bulkRows = 500

// copyUsers is the batch from which CreateMany loads its rows with the
// backend's Copier (PostgreSQL's COPY), where it has one; a smaller batch
// keeps the multi-row statements, one or two round trips either way.
const copyUsers = 100

// The tables CreateMany fills and their columns, in the order of the rows
// it builds.
var (
	usersColumns = []string{"pool_id", "sub", "username", "username_key", "status", "enabled",
		"attributes", "password_hash", "srp_salt", "srp_verifier", "mfa", "password_changed_at",
		"lookups", "created_at", "updated_at", "version"}
	lookupColumns = []string{"pool_id", "kind", "lookup_key", "sub"}
	searchColumns = []string{"pool_id", "attr_name", "attr_value", "sub"}
)

// CreateMany adds the users with a few multi-row statements, or with COPY
// for a large batch on a backend that has it, all or none.
func (s users) CreateMany(ctx context.Context, us []storage.User) error {
	if len(us) == 0 {
		return nil
	}
	var userArgs, lookupArgs, searchArgs [][]any
	for _, u := range us {
		row, err := userRow(ctx, u)
		if err != nil {
			return wrap("users: create "+u.Sub, err)
		}
		userArgs = append(userArgs, append(append([]any{u.PoolID, u.Sub}, row...), int64(1)))
		seen := make(map[storage.Lookup]bool, len(u.Lookups))
		for _, l := range u.Lookups {
			if !seen[l] {
				seen[l] = true
				lookupArgs = append(lookupArgs, []any{u.PoolID, l.Kind, l.Key, u.Sub})
			}
		}
		for e := range searchEntries(u) {
			searchArgs = append(searchArgs, []any{u.PoolID, e.name, e.value, u.Sub})
		}
	}
	return wrap("users: create many", s.s.write(ctx, func(q Querier) error {
		load := insertRows
		if len(us) >= copyUsers {
			if c, ok := copier(q); ok {
				load = func(ctx context.Context, _ Querier, table string, columns []string, rows [][]any) error {
					return copyRows(ctx, c, table, columns, rows)
				}
				// A batch this large is a bulk load (an import job's), whose
				// caller keeps its progress in the same transaction: see
				// storage.Users.CreateMany.
				if l, ok := unwrap(q).(LazyCommitter); ok {
					if err := l.CommitLazily(ctx); err != nil {
						return err
					}
				}
			}
		}
		if err := load(ctx, q, "users", usersColumns, userArgs); err != nil {
			return err
		}
		if err := load(ctx, q, "user_lookups", lookupColumns, lookupArgs); err != nil {
			return err
		}
		perPool := map[string]int{}
		for _, u := range us {
			perPool[u.PoolID]++
		}
		for pool, n := range perPool {
			if err := countUsers(ctx, q, pool, n); err != nil {
				return err
			}
		}
		return load(ctx, q, "user_search", searchColumns, searchArgs)
	}))
}

// insertRows inserts rows into table, bulkRows per statement.
func insertRows(ctx context.Context, q Querier, table string, columns []string, rows [][]any) error {
	head := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	tuple := "(" + strings.Repeat("?, ", len(columns)-1) + "?)"
	for len(rows) > 0 {
		n := min(len(rows), bulkRows)
		var b strings.Builder
		b.WriteString(head)
		var args []any
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, r...)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// copier returns the Copier under q, a scope's writer, if its backend has
// one.
func copier(q Querier) (Copier, bool) {
	c, ok := unwrap(q).(Copier)
	return c, ok
}

// unwrap returns the backend's querier under a scope's writer or reader.
func unwrap(q Querier) Querier {
	switch w := q.(type) {
	case writer:
		return w.q
	case reader:
		return w.q
	}
	return q
}

// copyRows loads rows into table with c, holding them to the text rule
// the writer holds statements to.
func copyRows(ctx context.Context, c Copier, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	for _, r := range rows {
		if badText(r) {
			return badTextErr(ctx)
		}
	}
	n, err := c.CopyRows(ctx, table, columns, rows)
	if err != nil {
		return err
	}
	if n != int64(len(rows)) {
		return fmt.Errorf("copy %s: wrote %d rows of %d", table, n, len(rows))
	}
	return nil
}

// Taken returns those of ls that a user of the pool holds, in a few
// indexed reads: one statement over arrays of the keys where the backend
// binds arrays (PostgreSQL), statements of bulkRows keys otherwise.
//
// A key no database can hold (see storable) is held by no user; it is left
// out, since the reader would answer a statement that names it with no
// rows at all.
func (s users) Taken(ctx context.Context, poolID string, ls []storage.Lookup) ([]storage.Lookup, error) {
	ls = slices.DeleteFunc(slices.Clone(ls), func(l storage.Lookup) bool { return !storable(l.Kind) || !storable(l.Key) })
	r := s.s.read()
	if a, ok := unwrap(r).(ArrayQuerier); ok && len(ls) > 0 {
		return takenByArrays(ctx, a, poolID, ls)
	}
	var out []storage.Lookup
	for len(ls) > 0 {
		n := min(len(ls), bulkRows)
		var b strings.Builder
		b.WriteString(`SELECT kind, lookup_key FROM user_lookups WHERE pool_id = ? AND (kind, lookup_key) IN (VALUES `)
		args := []any{poolID}
		for i, l := range ls[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?)")
			args = append(args, l.Kind, l.Key)
		}
		b.WriteString(")")
		rows, err := r.Query(ctx, b.String(), args...)
		found, err := collect(rows, err, scanLookup)
		if err != nil {
			return nil, fmt.Errorf("users: taken lookups: %w", err)
		}
		out = append(out, found...)
		ls = ls[n:]
	}
	return out, nil
}

// takenByArrays is Taken in one statement: the keys, sorted so that the
// index probes walk its pages in order, joined through unnest.
func takenByArrays(ctx context.Context, q ArrayQuerier, poolID string, sorted []storage.Lookup) ([]storage.Lookup, error) {
	slices.SortFunc(sorted, func(a, b storage.Lookup) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.Key, b.Key))
	})
	kinds, keys := make([]string, len(sorted)), make([]string, len(sorted))
	for i, l := range sorted {
		kinds[i], keys[i] = l.Kind, l.Key
	}
	// One index probe per key: the LIMIT keeps the planner from turning
	// the lateral subquery into a join, which for thousands of keys it
	// would run as a hash join over the whole table. The columns sort
	// bytewise (COLLATE "C"); the keys take that collation so that the
	// probes use the primary key.
	rows, err := q.Query(ctx, `SELECT l.kind, l.lookup_key FROM unnest(?::text[], ?::text[]) AS k (kind, lookup_key)
		CROSS JOIN LATERAL (SELECT kind, lookup_key FROM user_lookups WHERE pool_id = ?
			AND kind = k.kind COLLATE "C" AND lookup_key = k.lookup_key COLLATE "C" LIMIT 1) AS l`,
		kinds, keys, poolID)
	found, err := collect(rows, err, scanLookup)
	if err != nil {
		return nil, fmt.Errorf("users: taken lookups: %w", err)
	}
	return found, nil
}

func scanLookup(r Row) (storage.Lookup, error) {
	var l storage.Lookup
	return l, r.Scan(&l.Kind, &l.Key)
}
