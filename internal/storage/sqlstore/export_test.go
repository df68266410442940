package sqlstore

import (
	"context"
	"sync/atomic"
)

// SearchQueries exposes Search's queries, keyed by plan name, for the
// query-plan test.
func SearchQueries() map[string][3]string {
	return map[string][3]string{
		"sub":     searchQueries[&planSub],
		"status":  searchQueries[&planStatus],
		"enabled": searchQueries[&planEnabled],
		"attr":    searchQueries[&planAttr],
	}
}

// UsernameQueries are the queries of Users.List and the username
// searches (users_byname.go), by name.
var UsernameQueries = map[string]string{
	"no-username": noUsernameQuery, "exact": usernameExactQuery, "after": usernameAfterQuery,
	"from": usernameFromQuery, "next": usernameNextQuery,
}

// OfUserQuery is the query Groups.OfUser runs.
const OfUserQuery = ofUserQuery

// SearchOfUserQuery is the query that reads a user's search rows when the
// user is written.
const SearchOfUserQuery = searchOfUserQuery

// CountReads returns a store over s's backend that counts the queries it
// reads with outside a transaction, so that a test can bound the
// statements one call runs, and calls each (when not nil) after reading
// each of them, so that a test can write between them.
func CountReads(s *Store, each func()) (*Store, *atomic.Int64) {
	n := new(atomic.Int64)
	return New(countingBackend{s.b, n, each}), n
}

type countingBackend struct {
	Backend
	n    *atomic.Int64
	each func()
}

func (b countingBackend) Reader() Querier { return countingQuerier{b.Backend.Reader(), b.n, b.each} }

type countingQuerier struct {
	Querier
	n    *atomic.Int64
	each func()
}

func (q countingQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	q.n.Add(1)
	rows, err := q.Querier.Query(ctx, query, args...)
	if err != nil || q.each == nil {
		return rows, err
	}
	return &hookedRows{Rows: rows, each: q.each}, nil
}

// hookedRows calls each once the rows are read and closed.
type hookedRows struct {
	Rows
	each func()
}

func (r *hookedRows) Close() {
	r.Rows.Close()
	if r.each != nil {
		r.each()
		r.each = nil
	}
}
