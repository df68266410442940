package userpool

import (
	"context"
	"fmt"
	"slices"
	"testing"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyListsEachUserOnce: while UpdateUsernameConfiguration makes a
// pool case-insensitive, every user whose name has a capital holds two
// username keys; ListUsers, after every batch, by pages of 1 and 60,
// lists each user once (the list reads the keys of user_lookups and
// leaves out each user's second).
func TestRekeyListsEachUserOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 0)
		var all []string
		users := make([]storage.User, 250)
		for i := range users {
			users[i] = rawUser(i, fmt.Sprintf("User%03d", i))
			all = append(all, users[i].Username)
		}
		if err := db.Users().CreateMany(ctx, users); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			for _, limit := range []int32{1, 60} {
				var got []string
				in := &cip.ListUsersRequest{UserPoolId: rekeyPool, Limit: &limit}
				for range 300 {
					out, err := s.ListUsers(ctx, in)
					if err != nil {
						t.Fatal(err)
					}
					for _, u := range out.Users {
						got = append(got, u.Username)
					}
					if in.PaginationToken = out.PaginationToken; in.PaginationToken == "" {
						break
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, all) {
					t.Errorf("%s, by %d: %d users listed, want each of %d once", when, limit, len(got), len(all))
				}
			}
		}
		batches := 0
		s.rekeyHook = func(event string) {
			if event == "batch" {
				batches++
				check(fmt.Sprintf("after batch %d", batches))
			}
		}
		check("before")
		out, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		if batches < 4 || *out.UsersRekeyed != 250 {
			t.Fatalf("%d batches, %d users re-keyed", batches, *out.UsersRekeyed)
		}
		check("after")
	})
}
