package app_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// group creates a group; precedence < 0 and role "" leave them unset.
func (s *server) group(poolID, name string, precedence int32, role string) *types.GroupType {
	s.t.Helper()
	in := &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(name)}
	if precedence >= 0 {
		in.Precedence = aws.Int32(precedence)
	}
	if role != "" {
		in.RoleArn = aws.String(role)
	}
	return result(s.idp.CreateGroup(ctx, in)).must(s.t).Group
}

func (s *server) addToGroup(poolID, username, group string) {
	s.t.Helper()
	result(s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username), GroupName: aws.String(group),
	})).must(s.t)
}

// groupsOfUser follows AdminListGroupsForUser's pages of size limit.
func (s *server) groupsOfUser(poolID, username string, limit int32) []string {
	s.t.Helper()
	names := []string{}
	var tok *string
	for i := 0; i < 50; i++ {
		out := result(s.idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String(username), Limit: aws.Int32(limit), NextToken: tok,
		})).must(s.t)
		if out.Groups == nil {
			s.t.Fatal("AdminListGroupsForUser: no Groups member")
		}
		for _, g := range out.Groups {
			names = append(names, aws.ToString(g.GroupName))
		}
		if out.NextToken == nil {
			return names
		}
		tok = out.NextToken
	}
	s.t.Fatal("AdminListGroupsForUser: pages never end")
	return nil
}

// membersOf follows ListUsersInGroup's pages of size limit.
func (s *server) membersOf(poolID, group string, limit int32) []string {
	s.t.Helper()
	names := []string{}
	var tok *string
	for i := 0; i < 50; i++ {
		out := result(s.idp.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{
			UserPoolId: aws.String(poolID), GroupName: aws.String(group), Limit: aws.Int32(limit), NextToken: tok,
		})).must(s.t)
		if out.Users == nil {
			s.t.Fatal("ListUsersInGroup: no Users member")
		}
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		if out.NextToken == nil {
			sort.Strings(names)
			return names
		}
		tok = out.NextToken
	}
	s.t.Fatal("ListUsersInGroup: pages never end")
	return nil
}

const (
	roleA = "arn:aws:iam::000000000000:role/a"
	roleB = "arn:aws:iam::000000000000:role/b"
	roleC = "arn:aws:iam::000000000000:role/c"
)

func TestGroupLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		empty := result(s.idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(poolID)})).must(t)
		if empty.Groups == nil || len(empty.Groups) != 0 || empty.NextToken != nil {
			t.Fatalf("groups of a new pool: %+v", empty)
		}

		created := result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{
			UserPoolId: aws.String(poolID), GroupName: aws.String("admins"), Description: aws.String("The admins"),
			RoleArn: aws.String(roleA), Precedence: aws.Int32(1),
		})).must(t).Group
		if aws.ToString(created.GroupName) != "admins" || aws.ToString(created.UserPoolId) != poolID ||
			aws.ToString(created.Description) != "The admins" || aws.ToString(created.RoleArn) != roleA ||
			aws.ToInt32(created.Precedence) != 1 || created.CreationDate == nil || created.LastModifiedDate == nil {
			t.Fatalf("created %+v", created)
		}
		readers := s.group(poolID, "readers", -1, "")
		if readers.Precedence != nil || readers.RoleArn != nil {
			t.Fatalf("group without precedence or role: %+v", readers)
		}
		s.group(poolID, "Admins", 0, "") // names are case-sensitive

		_, err := s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("admins")})
		wantCode(t, err, "GroupExistsException", "admins")
		_, err = s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String("us-east-1_nothere00"), GroupName: aws.String("x")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.rawClient().CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("neg"), Precedence: aws.Int32(-1)})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("ghosts")})
		wantCode(t, err, "ResourceNotFoundException", "Group not found.")

		// UpdateGroup changes what it is given and keeps the rest.
		upd := result(s.idp.UpdateGroup(ctx, &cip.UpdateGroupInput{
			UserPoolId: aws.String(poolID), GroupName: aws.String("admins"), Precedence: aws.Int32(5),
		})).must(t).Group
		if aws.ToInt32(upd.Precedence) != 5 || aws.ToString(upd.RoleArn) != roleA || aws.ToString(upd.Description) != "The admins" {
			t.Fatalf("updated %+v", upd)
		}
		got := result(s.idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("admins")})).must(t).Group
		if aws.ToInt32(got.Precedence) != 5 || got.LastModifiedDate.Before(*got.CreationDate) {
			t.Fatalf("after update %+v", got)
		}
		result(s.idp.UpdateGroup(ctx, &cip.UpdateGroupInput{
			UserPoolId: aws.String(poolID), GroupName: aws.String("readers"), RoleArn: aws.String(roleB), Description: aws.String("Read only"),
		})).must(t)
		got = result(s.idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("readers")})).must(t).Group
		if aws.ToString(got.RoleArn) != roleB || aws.ToString(got.Description) != "Read only" || got.Precedence != nil {
			t.Fatalf("readers after update %+v", got)
		}
		_, err = s.idp.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("ghosts")})
		wantCode(t, err, "ResourceNotFoundException", "Group not found.")

		// ListGroups pages through every group.
		var names []string
		var tok *string
		for {
			out := result(s.idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(2), NextToken: tok})).must(t)
			for _, g := range out.Groups {
				names = append(names, aws.ToString(g.GroupName))
			}
			if out.NextToken == nil {
				break
			}
			tok = out.NextToken
		}
		if want := []string{"Admins", "admins", "readers"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("groups %v, want %v", names, want)
		}
		_, err = s.idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(poolID), NextToken: aws.String("not-a-token")})
		wantCode(t, err, "InvalidParameterException", "")

		result(s.idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("Admins")})).must(t)
		_, err = s.idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("Admins")})
		wantCode(t, err, "ResourceNotFoundException", "Group not found.")
	})
}

func TestGroupMembership(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		for _, g := range []string{"a", "b", "c"} {
			s.group(poolID, g, -1, "")
		}
		for _, u := range []string{"ann", "ben", "cat"} {
			s.user(poolID, u, "Passw0rd!", attr("email", u+"@example.com"))
		}
		s.addToGroup(poolID, "ann", "a")
		s.addToGroup(poolID, "ann", "a") // again: not an error
		s.addToGroup(poolID, "ann", "b")
		s.addToGroup(poolID, "ann", "c")
		s.addToGroup(poolID, "ben", "a")
		s.addToGroup(poolID, "cat", "a")

		_, err := s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann"), GroupName: aws.String("ghosts")})
		wantCode(t, err, "ResourceNotFoundException", "Group not found.")
		_, err = s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
			UserPoolId: aws.String(poolID), Username: aws.String("nobody"), GroupName: aws.String("a")})
		wantCode(t, err, "UserNotFoundException", "User does not exist.")
		_, err = s.idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("nobody")})
		wantCode(t, err, "UserNotFoundException", "")
		_, err = s.idp.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("ghosts")})
		wantCode(t, err, "ResourceNotFoundException", "Group not found.")

		if got := s.groupsOfUser(poolID, "ann", 1); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Fatalf("groups of ann: %v", got)
		}
		if got := s.groupsOfUser(poolID, "ben", 60); !reflect.DeepEqual(got, []string{"a"}) {
			t.Fatalf("groups of ben: %v", got)
		}
		if got := s.membersOf(poolID, "a", 2); !reflect.DeepEqual(got, []string{"ann", "ben", "cat"}) {
			t.Fatalf("members of a: %v", got)
		}
		out := result(s.idp.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("b")})).must(t)
		u := out.Users[0]
		if email, _ := attrValue(u.Attributes, "email"); email != "ann@example.com" || !u.Enabled ||
			u.UserStatus != types.UserStatusTypeConfirmed || u.UserCreateDate == nil {
			t.Fatalf("member as listed: %+v", u)
		}

		result(s.idp.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann"), GroupName: aws.String("b")})).must(t)
		result(s.idp.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann"), GroupName: aws.String("b")})).must(t)
		_, err = s.idp.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann"), GroupName: aws.String("ghosts")})
		wantCode(t, err, "ResourceNotFoundException", "")
		if got := s.groupsOfUser(poolID, "ann", 60); !reflect.DeepEqual(got, []string{"a", "c"}) {
			t.Fatalf("groups of ann after removal: %v", got)
		}

		// Deleting a group or a user removes their memberships.
		result(s.idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("c")})).must(t)
		if got := s.groupsOfUser(poolID, "ann", 60); !reflect.DeepEqual(got, []string{"a"}) {
			t.Fatalf("groups of ann after deleting c: %v", got)
		}
		s.group(poolID, "c", -1, "")
		if got := s.membersOf(poolID, "c", 60); len(got) != 0 {
			t.Fatalf("re-created group kept members %v", got)
		}
		result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ben")})).must(t)
		if got := s.membersOf(poolID, "a", 60); !reflect.DeepEqual(got, []string{"ann", "cat"}) {
			t.Fatalf("members of a after deleting ben: %v", got)
		}
		s.user(poolID, "ben", "Passw0rd!")
		if got := s.groupsOfUser(poolID, "ben", 60); len(got) != 0 {
			t.Fatalf("a new ben inherited groups %v", got)
		}
	})
}

// claimStrings reads a claim that is a list of strings.
func claimStrings(t *testing.T, claims map[string]any, name string) []string {
	t.Helper()
	v, ok := claims[name]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("%s is %T, not a list", name, v)
	}
	out := []string{}
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func TestGroupClaimsInTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.group(poolID, "editors", 2, roleA)
		s.group(poolID, "admins", 1, roleB)
		s.group(poolID, "staff", -1, roleC)   // no precedence: below any group with one
		s.group(poolID, "auditors", 1, "")    // best precedence but no role: no say in the role
		s.group(poolID, "twin-a", 7, roleA)   // twin-a and twin-b tie with different roles
		s.group(poolID, "twin-b", 7, roleB)   //
		s.group(poolID, "same-a", 9, roleC)   // same-a and same-b tie with the same role
		s.group(poolID, "same-b", 9, roleC)   //
		s.group(poolID, "nullish", -1, roleA) // two groups without precedence and different roles
		s.group(poolID, "nullish2", -1, roleB)

		cases := []struct {
			user      string
			groups    []string
			wantOrder []string
			roles     []string
			preferred string
		}{
			{"u1", []string{"staff", "editors"}, []string{"editors", "staff"}, []string{roleA, roleC}, roleA},
			{"u2", []string{"staff", "editors", "admins", "auditors"}, []string{"admins", "auditors", "editors", "staff"}, []string{roleB, roleA, roleC}, roleB},
			{"u3", []string{"twin-a", "twin-b"}, []string{"twin-a", "twin-b"}, []string{roleA, roleB}, ""},
			{"u4", []string{"same-a", "same-b", "staff"}, []string{"same-a", "same-b", "staff"}, []string{roleC}, roleC},
			{"u5", []string{"staff"}, []string{"staff"}, []string{roleC}, roleC},
			{"u6", []string{"nullish", "nullish2"}, []string{"nullish", "nullish2"}, []string{roleA, roleB}, ""},
			{"u7", []string{"auditors"}, []string{"auditors"}, nil, ""},
		}
		for _, c := range cases {
			s.user(poolID, c.user, "Passw0rd!")
			for _, g := range c.groups {
				s.addToGroup(poolID, c.user, g)
			}
			res := s.signIn(clientID, c.user, "Passw0rd!")
			id := s.verifyJWT(poolID, aws.ToString(res.IdToken))
			access := s.verifyJWT(poolID, aws.ToString(res.AccessToken))
			if got := claimStrings(t, id, "cognito:groups"); !reflect.DeepEqual(got, c.wantOrder) {
				t.Errorf("%s: ID token groups %v, want %v", c.user, got, c.wantOrder)
			}
			if got := claimStrings(t, access, "cognito:groups"); !reflect.DeepEqual(got, c.wantOrder) {
				t.Errorf("%s: access token groups %v, want %v", c.user, got, c.wantOrder)
			}
			if got := claimStrings(t, id, "cognito:roles"); !reflect.DeepEqual(got, c.roles) {
				t.Errorf("%s: roles %v, want %v", c.user, got, c.roles)
			}
			got, has := id["cognito:preferred_role"]
			if c.preferred == "" && has {
				t.Errorf("%s: preferred role %v, want none", c.user, got)
			}
			if c.preferred != "" && got != c.preferred {
				t.Errorf("%s: preferred role %v, want %s", c.user, got, c.preferred)
			}
			for _, claim := range []string{"cognito:roles", "cognito:preferred_role"} {
				if _, ok := access[claim]; ok {
					t.Errorf("%s: access token carries %s", c.user, claim)
				}
			}
		}

		// A user in no group gets no group claims; one added later gets
		// them on the next refresh, and loses them when the group goes.
		s.user(poolID, "loner", "Passw0rd!")
		res := s.signIn(clientID, "loner", "Passw0rd!")
		id := s.verifyJWT(poolID, aws.ToString(res.IdToken))
		for _, claim := range []string{"cognito:groups", "cognito:roles", "cognito:preferred_role"} {
			if _, ok := id[claim]; ok {
				t.Fatalf("loner's ID token has %s", claim)
			}
		}
		s.addToGroup(poolID, "loner", "admins")
		refresh := func() map[string]any {
			out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken)},
			})).must(t)
			return s.verifyJWT(poolID, aws.ToString(out.AuthenticationResult.IdToken))
		}
		id = refresh()
		if got := claimStrings(t, id, "cognito:groups"); !reflect.DeepEqual(got, []string{"admins"}) || id["cognito:preferred_role"] != roleB {
			t.Fatalf("after joining admins: %v, %v", got, id["cognito:preferred_role"])
		}
		result(s.idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("admins")})).must(t)
		if id = refresh(); id["cognito:groups"] != nil || id["cognito:preferred_role"] != nil {
			t.Fatalf("after admins was deleted: %v", id)
		}
	})
}
