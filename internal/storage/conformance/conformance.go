// Package conformance is the storage contract written as tests. Every
// backend runs the same suite from a few lines of its own test file:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) storage.Store { return openEmpty(t) })
//	}
//
// The suite is the spec of internal/storage: each exported method's success
// path, the sentinel errors the contract promises (tested with errors.Is,
// and checked to carry no driver error type), record round trips,
// cascades, pagination, transactions, concurrency and context
// cancellation.
//
// The tests are grouped by aggregate, one file each (pools.go, users.go,
// ...), plus transactions.go, concurrency.go, context.go and
// pagination.go. A file registers its group from init, so a new store is
// added to the suite by adding one file: write the tests as
// func(t *testing.T, f *fixture), use the fixture's helpers to make the
// records they need, and call register.
package conformance

import (
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Run runs the whole suite. open returns a new, empty store for one test
// and arranges (with t.Cleanup) for it to be closed and removed afterwards;
// Run calls it once per subtest.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, newFixture(t, open(t)))
				})
			}
		})
	}
}

// test is one named conformance test.
type test struct {
	name string
	run  func(t *testing.T, f *fixture)
}

// group is the tests of one aggregate (or one concern, such as
// transactions).
type group struct {
	name  string
	tests []test
}

// groups is every registered group, in registration order (the order of
// the files' names, in which Go runs their init functions).
var groups []group

// register adds a group to the suite. Each file calls it from init.
func register(name string, tests ...test) {
	groups = append(groups, group{name: name, tests: tests})
}
