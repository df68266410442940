package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// bulkRows is how many rows one multi-row statement writes: well inside
// both dialects' limits on parameters (16 per users row).
const bulkRows = 500

// CreateMany adds the users with a few multi-row statements, all or none.
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
		userArgs = append(userArgs, append([]any{u.PoolID, u.Sub}, row...))
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
		if err := insertRows(ctx, q, `INSERT INTO users (pool_id, sub, username, username_key, status,
			enabled, attributes, password_hash, srp_salt, srp_verifier, mfa, password_changed_at,
			lookups, created_at, updated_at, version) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", userArgs); err != nil {
			return err
		}
		if err := insertRows(ctx, q, `INSERT INTO user_lookups (pool_id, kind, lookup_key, sub) VALUES `, "(?, ?, ?, ?)", lookupArgs); err != nil {
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
		return insertRows(ctx, q, `INSERT INTO user_search (pool_id, attr_name, attr_value, sub) VALUES `, "(?, ?, ?, ?)", searchArgs)
	}))
}

// insertRows inserts rows, bulkRows per statement.
func insertRows(ctx context.Context, q Querier, head, tuple string, rows [][]any) error {
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

// Taken returns those of ls that a user of the pool holds, in a few
// indexed reads.
func (s users) Taken(ctx context.Context, poolID string, ls []storage.Lookup) ([]storage.Lookup, error) {
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
		rows, err := s.s.read().Query(ctx, b.String(), args...)
		found, err := collect(rows, err, func(r Row) (storage.Lookup, error) {
			var l storage.Lookup
			return l, r.Scan(&l.Kind, &l.Key)
		})
		if err != nil {
			return nil, fmt.Errorf("users: taken lookups: %w", err)
		}
		out = append(out, found...)
		ls = ls[n:]
	}
	return out, nil
}
