package sqlstore

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
