package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// identityIDPattern matches an identity id ("<region>:<uuid>") anywhere,
// such as in an S3 key "private/<identity id>/photo.jpg".
var identityIDPattern = regexp.MustCompile(`[a-z]{2}(?:-[a-z]+)+-\d:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// homeData is the home page's model.
type homeData struct {
	Pools         []cip.UserPoolDescriptionType
	IdentityPools []ci.IdentityPoolShortDescription
}

func (c *Console) home(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	pools, err := c.d.Users.ListUserPools(ctx, &cip.ListUserPoolsRequest{MaxResults: ptr(int32(60))})
	if err != nil {
		return err
	}
	ids, err := c.d.Identities.ListIdentityPools(ctx, &ci.ListIdentityPoolsInput{MaxResults: ptr(int32(60))})
	if err != nil {
		return err
	}
	c.render(w, s, http.StatusOK, "home", "Cognate console", homeData{Pools: pools.UserPools, IdentityPools: ids.IdentityPools}, notice(r))
	return nil
}

// ownerData is the "who owns this?" answer.
type ownerData struct {
	Query   string
	Found   bool
	Owner   *ca.DescribeIdentityOwnerResponse
	Users   []userRow
	Problem string
}

// owner answers "who owns this?" for an identity id or an S3 key that
// holds one (private/<identity id>/..., URL-encoded or not).
func (c *Console) owner(w http.ResponseWriter, r *http.Request, s *session) error {
	d := ownerData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	q := d.Query
	if dec, err := url.PathUnescape(q); err == nil {
		q = dec
	}
	id := identityIDPattern.FindString(q)
	status := http.StatusOK
	switch {
	case id == "":
		d.Problem = "No identity id (<region>:<uuid>) found in that text."
		status = http.StatusBadRequest
	default:
		out, err := c.d.Identities.DescribeIdentityOwner(r.Context(), &ca.DescribeIdentityOwnerInput{IdentityId: id})
		if err != nil {
			st, msg := describe(err)
			if st == http.StatusInternalServerError {
				return err
			}
			d.Problem, status = msg, st
			break
		}
		d.Found, d.Owner = true, out
		if d.Users, err = c.owners(r, id); err != nil {
			return err
		}
	}
	c.render(w, s, status, "owner", "Who owns this?", d, "")
	return nil
}

func (c *Console) identityPoolsPage(w http.ResponseWriter, r *http.Request, s *session) error {
	ids, err := c.d.Identities.ListIdentityPools(r.Context(), &ci.ListIdentityPoolsInput{MaxResults: ptr(int32(60)), NextToken: r.URL.Query().Get("next")})
	if err != nil {
		return err
	}
	c.render(w, s, http.StatusOK, "identitypools", "Identity pools", ids, "")
	return nil
}

// identityPoolData is an identity pool page's model.
type identityPoolData struct {
	Pool       *ci.IdentityPool
	Roles      *ci.GetIdentityPoolRolesResponse
	Tags       []*ci.GetPrincipalTagAttributeMapResponse
	Identities []identityRow
	Next       string
}

// identityRow is an identity with its owners.
type identityRow struct {
	Identity storage.Identity
	Users    []userRow
	Logins   []storage.IdentityLogin
}

func (c *Console) identityPoolPage(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, id := r.Context(), r.PathValue("id")
	var d identityPoolData
	var err error
	if d.Pool, err = c.d.Identities.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: id}); err != nil {
		return err
	}
	if d.Roles, err = c.d.Identities.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: id}); err != nil {
		return err
	}
	for _, p := range d.Pool.CognitoIdentityProviders {
		t, err := c.d.Identities.GetPrincipalTagAttributeMap(ctx, &ci.GetPrincipalTagAttributeMapInput{IdentityPoolId: id, IdentityProviderName: p.ProviderName})
		if err == nil {
			d.Tags = append(d.Tags, t)
		}
	}
	ids, next, err := c.d.Store.Identities().List(ctx, id, storage.Page{Token: r.URL.Query().Get("next"), Limit: 50})
	if err != nil {
		return err
	}
	d.Next = next
	for _, ident := range ids {
		row := identityRow{Identity: ident}
		if row.Logins, err = c.d.Store.Identities().Logins(ctx, ident.ID); err != nil {
			return err
		}
		for _, l := range row.Logins {
			if l.UserSub == "" {
				continue
			}
			if u, err := c.d.Store.Users().GetBySub(ctx, l.UserPoolID, l.UserSub); err == nil {
				row.Users = append(row.Users, rowOf(u))
			}
		}
		d.Identities = append(d.Identities, row)
	}
	c.render(w, s, http.StatusOK, "identitypool", d.Pool.IdentityPoolName, d, "")
	return nil
}

// identityData is an identity page's model.
type identityData struct {
	Identity storage.Identity
	Logins   []storage.IdentityLogin
	Users    []userRow
	Events   []storage.AuditEvent
}

// identityPage shows one identity: its owner, logins, merges and history.
func (c *Console) identityPage(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, st := r.Context(), c.d.Store
	id, err := st.Identities().Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := identityData{Identity: id}
	if d.Logins, err = st.Identities().Logins(ctx, id.ID); err != nil {
		return err
	}
	if d.Users, err = c.owners(r, id.ID); err != nil {
		return err
	}
	if d.Events, _, err = st.Audit().List(ctx, storage.AuditFilter{IdentityID: id.ID}, storage.Page{Limit: 50}); err != nil {
		return err
	}
	c.render(w, s, http.StatusOK, "identity", id.ID, d, "")
	return nil
}
