package app_test

import (
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// listUsers follows ListUsers' pages of size limit and returns the
// usernames, sorted, and the number of pages.
func (s *server) listUsers(poolID, filter string, limit int32) ([]string, int) {
	s.t.Helper()
	names := []string{}
	var tok *string
	for pages := 1; pages < 100; pages++ {
		in := &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(limit), PaginationToken: tok}
		if filter != "" {
			in.Filter = aws.String(filter)
		}
		out := result(s.idp.ListUsers(ctx, in)).must(s.t)
		if out.Users == nil {
			s.t.Fatalf("ListUsers %q: no Users member", filter)
		}
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		if out.PaginationToken == nil {
			sort.Strings(names)
			return names, pages
		}
		tok = out.PaginationToken
	}
	s.t.Fatalf("ListUsers %q: pages never end", filter)
	return nil, 0
}

func TestListUsersFilter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString},
		}})
		s.user(poolID, "alice", "Passw0rd!", attr("email", "alice@example.com"), attr("given_name", "Alice"),
			attr("family_name", `O"Brien`), attr("custom:team", "red"), attr("preferred_username", "ally"))
		s.user(poolID, "alan", "Passw0rd!", attr("email", "alan@example.com"), attr("given_name", "Alan"))
		s.user(poolID, "bob", "Passw0rd!", attr("email", "bob@example.com"), attr("phone_number", "+15551234567"),
			attr("name", `Back\slash`), attr("custom:team", "blue"))
		s.user(poolID, "dave", "Passw0rd!", attr("email", "dave@example.net"))
		result(s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("dave")})).must(t)
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{ // FORCE_CHANGE_PASSWORD
			UserPoolId: aws.String(poolID), Username: aws.String("erin"), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{attr("email", "erin@example.com")},
		})).must(t)
		alice := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})).must(t)
		aliceSub, _ := attrValue(alice.UserAttributes, "sub")

		everyone := []string{"alan", "alice", "bob", "dave", "erin"}
		cases := []struct {
			filter string
			want   []string
		}{
			{``, everyone},
			{`   `, everyone},
			{`email = "alice@example.com"`, []string{"alice"}},
			{`email="alice@example.com"`, []string{"alice"}},
			{`  email   ^=   "al"  `, []string{"alan", "alice"}},
			{`email ^= ""`, everyone},
			{`email = "ALICE@example.com"`, nil},
			{`email ^= "nobody"`, nil},
			{`username = "bob"`, []string{"bob"}},
			{`username ^= "a"`, []string{"alan", "alice"}},
			{`username = "Bob"`, nil}, // case-sensitive pool
			{`given_name = "Alice"`, []string{"alice"}},
			{`given_name ^= "Al"`, []string{"alan", "alice"}},
			{`family_name = "O\"Brien"`, []string{"alice"}},
			{`name = "Back\\slash"`, []string{"bob"}},
			{`name ^= "Back\\"`, []string{"bob"}},
			{`phone_number ^= "+1555"`, []string{"bob"}},
			{`preferred_username = "ally"`, []string{"alice"}},
			{`sub = "` + aliceSub + `"`, []string{"alice"}},
			{`sub ^= "` + aliceSub[:8] + `"`, []string{"alice"}},
			{`cognito:user_status = "CONFIRMED"`, []string{"alan", "alice", "bob", "dave"}},
			{`cognito:user_status = "force_change_password"`, []string{"erin"}}, // case-insensitive
			{`cognito:user_status ^= "Force"`, []string{"erin"}},
			{`status = "Enabled"`, []string{"alan", "alice", "bob", "erin"}},
			{`status = "Disabled"`, []string{"dave"}},
			{`status = "disabled"`, nil}, // case-sensitive
			{`status ^= "Dis"`, []string{"dave"}},
			{`status ^= ""`, everyone},
			{`custom:team = "red"`, []string{"alice"}}, // beyond Cognito: custom attributes
			{`custom:team ^= "b"`, []string{"bob"}},
		}
		for _, c := range cases {
			got, _ := s.listUsers(poolID, c.filter, 60)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("filter %s: %v, want %v", c.filter, got, want)
			}
		}

		for _, bad := range []string{
			`email`, `email = alice@example.com`, `email == "x"`, `email ~= "x"`, `email = "unterminated`,
			`email = "x" and name = "y"`, `= "x"`, `email = "trailing\`, `address = "1 Main St"`,
			`custom:nope = "x"`, `custom:team`, `"email" = "x"`,
		} {
			_, err := s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Filter: aws.String(bad)})
			wantCode(t, err, "InvalidParameterException", "Error while parsing filter.")
		}

		// AttributesToGet narrows each user's attributes to those named.
		out := result(s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID),
			Filter: aws.String(`username = "alice"`), AttributesToGet: []string{"email", "custom:team", "phone_number"}})).must(t)
		u := out.Users[0]
		var names []string
		for _, a := range u.Attributes {
			names = append(names, aws.ToString(a.Name))
		}
		if !reflect.DeepEqual(names, []string{"email", "custom:team"}) || !u.Enabled || u.UserStatus != types.UserStatusTypeConfirmed ||
			u.UserCreateDate == nil || u.UserLastModifiedDate == nil {
			t.Fatalf("alice with AttributesToGet: %+v (%v)", u, names)
		}
		out = result(s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Filter: aws.String(`username = "alice"`)})).must(t)
		if sub, _ := attrValue(out.Users[0].Attributes, "sub"); sub != aliceSub || len(out.Users[0].Attributes) != 6 {
			t.Fatalf("alice without AttributesToGet: %+v", out.Users[0].Attributes)
		}

		// A changed attribute is found under its new value only.
		result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alan")})).must(t)
		if got, _ := s.listUsers(poolID, `email ^= "al"`, 60); !reflect.DeepEqual(got, []string{"alice"}) {
			t.Fatalf("after deleting alan: %v", got)
		}
		_, err := s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

func TestListUsersPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		var want, wantA []string
		for i := 0; i < 7; i++ {
			name := fmt.Sprintf("user%d", i)
			email := fmt.Sprintf("%c%d@example.com", "abababc"[i], i)
			s.user(poolID, name, "Passw0rd!", attr("email", email), attr("given_name", "Same"))
			want = append(want, name)
			if email[0] == 'a' {
				wantA = append(wantA, name)
			}
		}
		for _, c := range []struct {
			filter string
			limit  int32
			want   []string
			pages  int
		}{
			{"", 3, want, 3},
			{"", 7, want, 1},
			{"", 60, want, 1},
			{`email ^= "a"`, 2, wantA, 2},
			{`given_name = "Same"`, 2, want, 4},
			{`given_name ^= "Sa"`, 3, want, 3},
			{`cognito:user_status = "CONFIRMED"`, 4, want, 2},
			{`status = "Enabled"`, 5, want, 2},
		} {
			got, pages := s.listUsers(poolID, c.filter, c.limit)
			if !reflect.DeepEqual(got, c.want) || pages != c.pages {
				t.Errorf("%q by %d: %v in %d pages, want %v in %d", c.filter, c.limit, got, pages, c.want, c.pages)
			}
		}
		_, err := s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID), PaginationToken: aws.String("bogus")})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.rawClient().ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(61)})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

func TestListUsersCaseInsensitivePool(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{
			UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		})
		s.user(poolID, "Alice", "Passw0rd!", attr("email", "Alice@Example.com"))
		s.user(poolID, "bob", "Passw0rd!")
		for filter, want := range map[string][]string{
			`username = "alice"`: {"Alice"},
			`username = "ALICE"`: {"Alice"},
			`username ^= "aL"`:   {"Alice"},
			`username ^= "B"`:    {"bob"},
			// Other attributes match as stored, as in Cognito.
			`email = "Alice@Example.com"`: {"Alice"},
			`email = "alice@example.com"`: {},
		} {
			if got, _ := s.listUsers(poolID, filter, 60); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", filter, got, want)
			}
		}
	})
}

// listInOrder pages through ListUsers limit users at a time and returns
// the usernames in the order given.
func (s *server) listInOrder(poolID, filter string, limit int32) []string {
	s.t.Helper()
	names := []string{}
	in := &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(limit)}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	for range 100 {
		out := result(s.idp.ListUsers(ctx, in)).must(s.t)
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		if out.PaginationToken == nil {
			return names
		}
		in.PaginationToken = out.PaginationToken
	}
	s.t.Fatalf("ListUsers %q: pages never end", filter)
	return nil
}

// TestListUsersUsernameOrder: users come in the order of their username
// key (lower-cased in a case-insensitive pool; the generated username in
// a pool whose users sign in by email), each once, at every page size.
func TestListUsersUsernameOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		insensitive := s.pool(&cip.CreateUserPoolInput{
			UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		})
		for _, name := range []string{"Carol", "alice", "Bob", "dave"} {
			s.user(insensitive, name, "Passw0rd!")
		}
		byEmail := s.pool(&cip.CreateUserPoolInput{
			UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		})
		for i := range 5 {
			s.user(byEmail, fmt.Sprintf("u%d@example.com", i), "Passw0rd!", attr("email", fmt.Sprintf("u%d@example.com", i)))
		}
		generated, _ := s.listUsers(byEmail, "", 60) // sorted
		if len(generated) != 5 {
			t.Fatalf("pool by email: %v", generated)
		}
		for _, limit := range []int32{1, 2, 60} {
			if got, want := s.listInOrder(insensitive, "", limit), []string{"alice", "Bob", "Carol", "dave"}; !reflect.DeepEqual(got, want) {
				t.Errorf("case-insensitive pool by %d: %v, want %v", limit, got, want)
			}
			if got, want := s.listInOrder(insensitive, `username ^= "C"`, limit), []string{"Carol"}; !reflect.DeepEqual(got, want) {
				t.Errorf("case-insensitive pool, username ^= C, by %d: %v, want %v", limit, got, want)
			}
			if got := s.listInOrder(byEmail, "", limit); !reflect.DeepEqual(got, generated) {
				t.Errorf("pool by email by %d: %v, want %v", limit, got, generated)
			}
			if got := s.listInOrder(byEmail, `username = "`+generated[3]+`"`, limit); !reflect.DeepEqual(got, generated[3:4]) {
				t.Errorf("pool by email, username = %s, by %d: %v", generated[3], limit, got)
			}
			if got := s.listInOrder(byEmail, `username ^= "u"`, limit); len(got) != 0 {
				t.Errorf("pool by email, username ^= u (an email), by %d: %v, want none", limit, got)
			}
		}
	})
}
