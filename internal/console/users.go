package console

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// userRow is one user in a listing.
type userRow struct {
	PoolID, Sub, Username, Email, Status string
	Enabled, Deleted                     bool
}

func rowOf(u storage.User) userRow {
	return userRow{PoolID: u.PoolID, Sub: u.Sub, Username: u.Username, Email: u.Attributes["email"],
		Status: u.Status, Enabled: u.Enabled}
}

// usersData is the users page's model.
type usersData struct {
	PoolID, Filter, Identity, Next string
	Searched                       bool
	Users                          []userRow
}

// usersPage searches a pool's users with a ListUsers filter, or finds the
// users behind an identity id.
func (c *Console) usersPage(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, poolID, q := r.Context(), r.PathValue("pool"), r.URL.Query()
	d := usersData{PoolID: poolID, Filter: q.Get("filter"), Identity: strings.TrimSpace(q.Get("identity"))}
	if rec, err := c.d.Store.Pools().Get(ctx, poolID); err != nil {
		return err
	} else if userpool.Deleting(rec) {
		return storage.ErrNotFound
	}
	switch {
	case d.Identity != "":
		d.Searched = true
		owners, err := c.owners(r, d.Identity)
		if err != nil {
			return err
		}
		for _, o := range owners {
			if o.PoolID == poolID {
				d.Users = append(d.Users, o)
			}
		}
	default:
		d.Searched = d.Filter != ""
		out, err := c.d.Users.ListUsers(ctx, &cip.ListUsersRequest{
			UserPoolId: poolID, Filter: d.Filter, PaginationToken: q.Get("next"), Limit: ptr(int32(50)),
		})
		if err != nil {
			return err
		}
		d.Next = out.PaginationToken
		for _, u := range out.Users {
			row := userRow{PoolID: poolID, Username: u.Username, Status: u.UserStatus, Enabled: u.Enabled != nil && *u.Enabled}
			for _, a := range u.Attributes {
				switch a.Name {
				case "sub":
					row.Sub = a.Value
				case "email":
					row.Email = a.Value
				}
			}
			d.Users = append(d.Users, row)
		}
	}
	c.render(w, s, http.StatusOK, "users", "Users of "+poolID, d, notice(r))
	return nil
}

// owners returns the user-pool users behind an identity (deleted ones
// with Deleted set).
func (c *Console) owners(r *http.Request, identityID string) ([]userRow, error) {
	out, err := c.d.Identities.DescribeIdentityOwner(r.Context(), &ca.DescribeIdentityOwnerInput{IdentityId: identityID})
	if err != nil {
		return nil, err
	}
	var rows []userRow
	for _, ref := range out.Users {
		if ref.Deleted != nil && *ref.Deleted {
			rows = append(rows, userRow{PoolID: ref.UserPoolId, Sub: ref.Sub, Deleted: true})
			continue
		}
		u, err := c.d.Store.Users().GetBySub(r.Context(), ref.UserPoolId, ref.Sub)
		if err != nil {
			rows = append(rows, userRow{PoolID: ref.UserPoolId, Sub: ref.Sub, Username: ref.Username})
			continue
		}
		rows = append(rows, rowOf(u))
	}
	return rows, nil
}

// createUser creates (and by default invites) a user.
func (c *Console) createUser(w http.ResponseWriter, r *http.Request, s *session) error {
	poolID := r.PathValue("pool")
	in := &cip.AdminCreateUserRequest{UserPoolId: poolID, Username: strings.TrimSpace(r.PostFormValue("username")),
		TemporaryPassword: r.PostFormValue("temporary_password")}
	if email := strings.TrimSpace(r.PostFormValue("email")); email != "" {
		in.UserAttributes = append(in.UserAttributes, cip.AttributeType{Name: "email", Value: email})
		if r.PostFormValue("email_verified") != "" {
			in.UserAttributes = append(in.UserAttributes, cip.AttributeType{Name: "email_verified", Value: "true"})
		}
		in.DesiredDeliveryMediums = []string{"EMAIL"}
	}
	if r.PostFormValue("invite") == "" {
		in.MessageAction = "SUPPRESS"
	}
	out, err := c.d.Users.AdminCreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	u, err := c.d.Users.LookupUser(r.Context(), poolID, out.User.Username)
	if err != nil {
		return err
	}
	c.audit(r.Context(), s, eventOf("UserCreated", &u, "Invited", fmt.Sprint(in.MessageAction == "")))
	redirectDone(w, r, userPath(u), "created")
	return nil
}

func userPath(u storage.User) string {
	return Prefix + "pools/" + u.PoolID + "/users/" + u.Sub
}

// userData is a user page's model.
type userData struct {
	User         storage.User
	Attributes   []cip.AttributeType
	MFA          []string
	PreferredMFA string
	Groups       []storage.Group
	OtherGroups  []string
	Devices      []storage.Device
	Events       []storage.AuthEvent
	Identities   []identityHistory
}

// identityHistory is one identity of the user with its audit history.
type identityHistory struct {
	Identity storage.Identity
	Logins   []storage.IdentityLogin
	Events   []storage.AuditEvent
}

// userPage shows one user, the identities it has in each identity pool
// and what happened to them.
func (c *Console) userPage(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, st := r.Context(), c.d.Store
	u, err := st.Users().GetBySub(ctx, r.PathValue("pool"), r.PathValue("sub"))
	if err != nil {
		return err
	}
	d := userData{User: u}
	got, err := c.d.Users.AdminGetUser(ctx, &cip.AdminGetUserRequest{UserPoolId: u.PoolID, Username: u.Username})
	if err != nil {
		return err
	}
	d.Attributes, d.MFA, d.PreferredMFA = got.UserAttributes, got.UserMFASettingList, got.PreferredMfaSetting
	sort.Slice(d.Attributes, func(i, j int) bool { return d.Attributes[i].Name < d.Attributes[j].Name })
	if d.Groups, err = st.Groups().OfUser(ctx, u.PoolID, u.Sub); err != nil {
		return err
	}
	all, _, err := st.Groups().List(ctx, u.PoolID, storage.Page{Limit: 60})
	if err != nil {
		return err
	}
	member := map[string]bool{}
	for _, g := range d.Groups {
		member[g.Name] = true
	}
	for _, g := range all {
		if !member[g.Name] {
			d.OtherGroups = append(d.OtherGroups, g.Name)
		}
	}
	if d.Devices, _, err = st.Devices().List(ctx, u.PoolID, u.Sub, storage.Page{Limit: 20}); err != nil {
		return err
	}
	if d.Events, _, err = st.AuthEvents().List(ctx, u.PoolID, u.Sub, storage.Page{Limit: 10}); err != nil {
		return err
	}
	logins, err := st.Identities().LoginsOfUser(ctx, u.PoolID, u.Sub)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, l := range logins {
		if seen[l.IdentityID] {
			continue
		}
		seen[l.IdentityID] = true
		id, err := st.Identities().Get(ctx, l.IdentityID)
		if err != nil {
			continue // deleted meanwhile
		}
		h := identityHistory{Identity: id}
		if h.Logins, err = st.Identities().Logins(ctx, id.ID); err != nil {
			return err
		}
		if h.Events, _, err = st.Audit().List(ctx, storage.AuditFilter{IdentityID: id.ID}, storage.Page{Limit: 10}); err != nil {
			return err
		}
		d.Identities = append(d.Identities, h)
	}
	c.render(w, s, http.StatusOK, "user", u.Username, d, notice(r))
	return nil
}

// userAction applies one of the user page's actions.
func (c *Console) userAction(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	u, err := c.d.Store.Users().GetBySub(ctx, r.PathValue("pool"), r.PathValue("sub"))
	if err != nil {
		return err
	}
	pool, name := u.PoolID, u.Username
	var done string
	var details []string
	switch action := r.PathValue("action"); action {
	case "disable":
		_, err = c.d.Users.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: pool, Username: name})
		done = "disabled"
	case "enable":
		_, err = c.d.Users.AdminEnableUser(ctx, &cip.AdminEnableUserRequest{UserPoolId: pool, Username: name})
		done = "enabled"
	case "confirm":
		_, err = c.d.Users.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpRequest{UserPoolId: pool, Username: name})
		done = "confirmed"
	case "reset-password":
		_, err = c.d.Users.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordRequest{UserPoolId: pool, Username: name})
		done = "reset"
	case "sign-out":
		_, err = c.d.Users.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutRequest{UserPoolId: pool, Username: name})
		done = "signedout"
	case "delete":
		if _, err = c.d.Users.AdminDeleteUser(ctx, &cip.AdminDeleteUserRequest{UserPoolId: pool, Username: name}); err != nil {
			return err
		}
		c.audit(ctx, s, eventOf("UserDeleted", &u))
		redirectDone(w, r, Prefix+"pools/"+pool+"/users", "deleted")
		return nil
	case "add-group", "remove-group":
		group := r.PostFormValue("group")
		details = []string{"Group", group}
		if action == "add-group" {
			_, err = c.d.Users.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupRequest{UserPoolId: pool, Username: name, GroupName: group})
		} else {
			_, err = c.d.Users.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupRequest{UserPoolId: pool, Username: name, GroupName: group})
		}
		done = "grouped"
	case "attributes":
		attr, value := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("value")
		details = []string{"Attribute", attr}
		if value == "" {
			_, err = c.d.Users.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesRequest{UserPoolId: pool, Username: name, UserAttributeNames: []string{attr}})
		} else {
			_, err = c.d.Users.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesRequest{UserPoolId: pool, Username: name, UserAttributes: []cip.AttributeType{{Name: attr, Value: value}}})
		}
		done = "attributes"
	default:
		return fmt.Errorf("%w: no such action", errBadInput)
	}
	if err != nil {
		return err
	}
	c.audit(ctx, s, eventOf(actionEvents[done], &u, details...))
	redirectDone(w, r, userPath(u), done)
	return nil
}

// actionEvents names the audit event of each action (after "Console").
var actionEvents = map[string]string{
	"disabled": "UserDisabled", "enabled": "UserEnabled", "confirmed": "UserConfirmed",
	"reset": "UserPasswordReset", "signedout": "UserSignedOut", "grouped": "UserGroupsChanged",
	"attributes": "UserAttributesChanged",
}

func ptr[T any](v T) *T { return &v }
