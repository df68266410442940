package sqlstore

// SearchQueries exposes Search's queries, keyed by plan name, for the
// query-plan test.
func SearchQueries() map[string][3]string {
	return map[string][3]string{
		"username": searchQueries[&planUsername],
		"sub":      searchQueries[&planSub],
		"status":   searchQueries[&planStatus],
		"enabled":  searchQueries[&planEnabled],
		"attr":     searchQueries[&planAttr],
	}
}

// ListQueries are the queries of Users.List: the first page and the next.
var ListQueries = [2]string{listFirstQuery, listNextQuery}

// OfUserQuery is the query Groups.OfUser runs.
const OfUserQuery = ofUserQuery

// SearchOfUserQuery is the query that reads a user's search rows when the
// user is written.
const SearchOfUserQuery = searchOfUserQuery
