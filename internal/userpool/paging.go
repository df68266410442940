package userpool

import (
	"encoding/base64"
	"sort"

	"github.com/cognate-dev/cognate/internal/storage"
)

// maxPage is the largest page Cognito's list operations return, and the
// size of a page when the request asks for none (or for 0).
const maxPage = 60

// pageLimit turns a request's Limit or MaxResults into a page size.
func pageLimit(n *int32) int {
	if n == nil || *n <= 0 || *n > maxPage {
		return maxPage
	}
	return int(*n)
}

// pageByName returns the page of n groups (ordered by name) after the one
// token names, and the token for the next page. The token is the last
// name of the page before, encoded.
func pageByName(gs []storage.Group, token string, n int) ([]storage.Group, string, error) {
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errorf(InvalidParameter, "Invalid pagination token.")
		}
		after := string(b)
		start = sort.Search(len(gs), func(i int) bool { return gs[i].Name > after })
	}
	gs = gs[start:]
	if len(gs) <= n {
		return gs, "", nil
	}
	return gs[:n], base64.RawURLEncoding.EncodeToString([]byte(gs[n-1].Name)), nil
}
