package sqlstore

// SearchQueries exposes Search's queries, keyed by plan name, for the
// query-plan test.
func SearchQueries() map[string][2]string {
	return map[string][2]string{
		"username": searchQueries[&planUsername],
		"sub":      searchQueries[&planSub],
		"status":   searchQueries[&planStatus],
		"enabled":  searchQueries[&planEnabled],
		"attr":     searchQueries[&planAttr],
	}
}

// OfUserQuery is the query Groups.OfUser runs.
const OfUserQuery = ofUserQuery
