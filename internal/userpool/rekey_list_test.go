package userpool

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
		s, all := capitalisedUsers(t, db)
		check := func(when string) {
			t.Helper()
			for _, limit := range []int32{1, 60} {
				if got := listNames(t, s, "", limit); !slices.Equal(got, all) {
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

// listNames lists the usernames ListUsers finds with filter, by pages of
// limit, sorted.
func listNames(t *testing.T, s *Service, filter string, limit int32) []string {
	t.Helper()
	var got []string
	in := &cip.ListUsersRequest{UserPoolId: rekeyPool, Filter: filter, Limit: &limit}
	for range 1000 {
		out, err := s.ListUsers(context.Background(), in)
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
	return got
}

// TestRekeySearchesUsernames: a change making a pool of 250 users
// User000.. case-insensitive, cut short after its first batch before the
// switch (the pool still case-sensitive) or after it (the first batch of
// the last pass), leaves users on both sides of the cut; the username
// filters find each user that matches under the rule in force exactly
// once, and no other, then and after the change resumes to its end.
// Before, after the switch, "username = \"user001\"" and "username ^=
// \"user\"" missed the users the last pass had not reached (their first
// key was still the old rule's), which sign-in and AdminGetUser found.
func TestRekeySearchesUsernames(t *testing.T) {
	for _, switched := range []bool{false, true} {
		t.Run(fmt.Sprintf("switched=%v", switched), func(t *testing.T) {
			eachStore(t, func(t *testing.T, db storage.Store) {
				testRekeySearches(t, db, switched)
			})
		})
	}
}

func testRekeySearches(t *testing.T, db storage.Store, switched bool) {
	ctx := context.Background()
	s, all := capitalisedUsers(t, db)
	cut, cancel := context.WithCancel(ctx)
	defer cancel()
	s.rekeyHook = func(event string) {
		if event != "batch" {
			return
		}
		p, err := s.storedPool(ctx, rekeyPool)
		if err != nil {
			t.Fatal(err)
		}
		if (p.cfg.Rekey.To == nil) == switched {
			cancel()
		}
	}
	if _, err := caseInsensitive(s, cut); err == nil {
		t.Fatal("a cancelled change reported success")
	}
	s.rekeyHook = nil
	sides := map[int]int{} // users by how many keys they hold
	if err := eachUser(ctx, db, rekeyPool, func(u *storage.User) error {
		sides[len(u.Lookups)]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if sides[1] == 0 || sides[2] == 0 {
		t.Fatalf("users by number of keys: %v; want some with one and some with two", sides)
	}
	check := func(when string, insensitive bool) {
		t.Helper()
		for _, name := range all {
			for _, form := range []string{name, strings.ToLower(name), strings.ToUpper(name)} {
				var want []string
				if form == name || insensitive {
					want = []string{name}
				}
				if got := listNames(t, s, fmt.Sprintf("username = %q", form), 60); !slices.Equal(got, want) {
					t.Errorf("%s: username = %q finds %v, want %v", when, form, got, want)
				}
			}
		}
		for _, prefix := range []string{"User", "user", "USER"} {
			var want []string
			if prefix == "User" || insensitive {
				want = all
			}
			for _, limit := range []int32{1, 60} {
				if got := listNames(t, s, fmt.Sprintf("username ^= %q", prefix), limit); !slices.Equal(got, want) {
					t.Errorf("%s: username ^= %q by %d finds %d users, want %d once each", when, prefix, limit, len(got), len(want))
				}
			}
		}
	}
	check("cut short", switched)
	if _, err := caseInsensitive(s, ctx); err != nil {
		t.Fatal(err)
	}
	check("after the change", true)
	wantRuleKeys(t, s, db)
}

// TestRekeyPrefixPagesAcrossBatch: a prefix search paged by 1 goes on
// while a change back to case-sensitive passes its users and stops before
// its switch. The pass gives "johnB" the key "johnB", which sorts before
// the page token "johna"; the search still finds it, by "johnb", the key
// of the rule in force. Before, it was found by its lowest key in range,
// behind the token, and missed.
func TestRekeyPrefixPagesAcrossBatch(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 0)
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"johna", "johnB"} {
			if err := createUser(s, n); err != nil {
				t.Fatal(err)
			}
		}
		one := int32(1)
		in := &cip.ListUsersRequest{UserPoolId: rekeyPool, Filter: `username ^= "john"`, Limit: &one}
		out, err := s.ListUsers(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, u := range out.Users {
			got = append(got, u.Username)
		}
		cut, cancel := context.WithCancel(ctx)
		defer cancel()
		atBatch(s, 1, cancel)
		if _, err := s.UpdateUsernameConfiguration(cut, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)}); err == nil {
			t.Fatal("a cancelled change reported success")
		}
		s.rekeyHook = nil
		for in.PaginationToken = out.PaginationToken; in.PaginationToken != ""; in.PaginationToken = out.PaginationToken {
			if out, err = s.ListUsers(ctx, in); err != nil {
				t.Fatal(err)
			}
			for _, u := range out.Users {
				got = append(got, u.Username)
			}
		}
		if want := []string{"johna", "johnB"}; !slices.Equal(got, want) {
			t.Errorf(`username ^= "john" by pages of 1 across a batch: %v, want %v`, got, want)
		}
	})
}

// capitalisedUsers is the re-key fixture's pool (case-sensitive) holding
// 250 users named User000 to User249, whose names all change key when the
// pool becomes case-insensitive; all lists their names.
func capitalisedUsers(t *testing.T, db storage.Store) (s *Service, all []string) {
	t.Helper()
	s = rekeyFixture(t, db, 0)
	users := make([]storage.User, 250)
	for i := range users {
		users[i] = rawUser(i, fmt.Sprintf("User%03d", i))
		all = append(all, users[i].Username)
	}
	if err := db.Users().CreateMany(context.Background(), users); err != nil {
		t.Fatal(err)
	}
	return s, all
}
