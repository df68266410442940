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
// statements one call runs.
func CountReads(s *Store) (*Store, *atomic.Int64) {
	n := new(atomic.Int64)
	return New(countingBackend{s.b, n}), n
}

type countingBackend struct {
	Backend
	n *atomic.Int64
}

func (b countingBackend) Reader() Querier { return countingQuerier{b.Backend.Reader(), b.n} }

type countingQuerier struct {
	Querier
	n *atomic.Int64
}

func (q countingQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	q.n.Add(1)
	return q.Querier.Query(ctx, query, args...)
}
