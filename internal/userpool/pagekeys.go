package userpool

import (
	"encoding/base64"
	"sort"
)

// pageAfter returns the page of at most n items (sorted by key) after the
// one token names, and the token for the next page ("" on the last). The
// token is the last key of the page before, encoded, so a page stays right
// when items before it are added or removed. It serves the lists kept in
// a pool's settings: identity providers and resource servers.
func pageAfter[T any](items []T, key func(T) string, token string, n int) ([]T, string, error) {
	sorted := make([]T, len(items))
	copy(sorted, items)
	sort.Slice(sorted, func(i, j int) bool { return key(sorted[i]) < key(sorted[j]) })
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(b) == 0 {
			return nil, "", errorf(InvalidParameter, "Invalid pagination token.")
		}
		after := string(b)
		start = sort.Search(len(sorted), func(i int) bool { return key(sorted[i]) > after })
	}
	sorted = sorted[start:]
	if len(sorted) <= n {
		return sorted, "", nil
	}
	return sorted[:n], base64.RawURLEncoding.EncodeToString([]byte(key(sorted[n-1]))), nil
}

// listLimit turns a MaxResults into a page size of at most max (max when
// absent or 0).
func listLimit(n *int32, max int) int {
	if n == nil || *n <= 0 || int(*n) > max {
		return max
	}
	return int(*n)
}
