package conformance

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

// lister reads one page of a listing and returns the keys of its items.
type lister func(ctx context.Context, page storage.Page) (keys []string, next string, err error)

// keysOf adapts a store's List method to a lister; key names an item.
func keysOf[T any](list func(context.Context, storage.Page) ([]T, string, error), key func(T) string) lister {
	return func(ctx context.Context, page storage.Page) ([]string, string, error) {
		items, next, err := list(ctx, page)
		keys := make([]string, len(items))
		for i, it := range items {
			keys[i] = key(it)
		}
		return keys, next, err
	}
}

// defaultLimit is the page size the contract gives a Page with Limit <= 0.
const defaultLimit = 60

// checkPaging reads the whole listing at several page sizes and checks
// that it holds exactly want, in order; that every page but the last is
// full and has a next token; that the last page has the token ""; and that
// Limit <= 0 means pages of defaultLimit.
func checkPaging(t *testing.T, ctx context.Context, list lister, want []string) {
	t.Helper()
	for _, limit := range []int{1, 2, 3, len(want), len(want) + 1, 0, -1} {
		pageSize := limit
		if limit <= 0 {
			pageSize = defaultLimit
		}
		var got []string
		token := ""
		for pages := 1; ; pages++ {
			keys, next, err := list(ctx, storage.Page{Token: token, Limit: limit})
			if err != nil {
				t.Fatalf("limit %d, page %d: %v", limit, pages, err)
			}
			if len(keys) > pageSize {
				t.Fatalf("limit %d, page %d: %d items, more than the limit", limit, pages, len(keys))
			}
			got = append(got, keys...)
			if next == "" {
				if len(keys) == 0 && pages > 1 {
					t.Errorf("limit %d: the last page (%d) is empty; the page before it should have had no token", limit, pages)
				}
				break
			}
			if len(keys) < pageSize {
				t.Fatalf("limit %d, page %d: %d items and a next token; only the last page may be short", limit, pages, len(keys))
			}
			if pages > len(want)+1 {
				t.Fatalf("limit %d: still paging after %d pages for %d items (got %v)", limit, pages, len(want), got)
			}
			token = next
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("limit %d: listed %v, want %v", limit, got, want)
		}
	}
}

// checkBadTokens checks that the listing refuses page tokens it did not
// issue with an error wrapping storage.ErrBadPageToken. valid is a next
// token the listing did issue; its truncations are refused too.
func checkBadTokens(t *testing.T, ctx context.Context, list lister, valid string) {
	t.Helper()
	bad := []string{"garbage!", "not-a-token", "%", "e30", "W10", "WyJ4Il0"} // e30 is {}, W10 is [], WyJ4Il0 is ["x"]
	if valid != "" {
		bad = append(bad, valid[:len(valid)/2], valid[:len(valid)-1]+"!")
	}
	for _, tok := range bad {
		_, _, err := list(ctx, storage.Page{Token: tok, Limit: 10})
		if !errors.Is(err, storage.ErrBadPageToken) {
			t.Errorf("token %q: error = %v, want one wrapping ErrBadPageToken", tok, err)
		}
		noDriverTypes(t, err)
	}
}
