package cognitomigrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	model "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Options choose what Copy copies and how the copied pools reach the old
// ones afterwards.
type Options struct {
	// UserPoolID, when set, copies that pool only; otherwise every pool
	// ListUserPools gives.
	UserPoolID string
	// Region and Endpoint are where the old pools are (Endpoint "" means
	// AWS's); the copied pools remember them.
	Region, Endpoint string
	// SignInClientID names the old app client that checks passwords at
	// first sign-ins; "" chooses one (the first allowing both
	// USER_PASSWORD_AUTH and USER_SRP_AUTH, else either).
	SignInClientID string
	// AccessKeyID and SecretAccessKey, when set, are stored (sealed) with
	// the copied pools, for AdminGetUser of users not copied; otherwise the
	// server uses its own AWS credential chain.
	AccessKeyID, SecretAccessKey string
	// Log gets a line per record that could not be copied, with the
	// reason; nil discards them.
	Log io.Writer
}

// Counts counts what a copy did, by kind ("pools", "clients", "groups",
// "users", "memberships", "user MFA preferences"), and what it found
// there already ("... existing"), skipped or failed.
type Counts map[string]int

// String lists the counts, sorted by kind.
func (c Counts) String() string {
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
	}
	return strings.Join(parts, ", ")
}

// copier is one run of Copy.
type copier struct {
	old    *cip.Client
	svc    *userpool.Service
	opts   Options
	counts Counts
	// copied holds the users (pool id, NUL, username) this run created,
	// whose group memberships it copies (members).
	copied map[string]bool
}

// Copy copies the old pools old reaches into svc's storage, keeping their
// ids, their clients' ids and secrets and their users' subs, and turns on
// each copied pool's lazy migration (userpool.CognitoSource). Records that
// exist already are left as they are, so a second run copies only what
// the first did not.
func Copy(ctx context.Context, old *cip.Client, svc *userpool.Service, opts Options) (Counts, error) {
	c := &copier{old: old, svc: svc, opts: opts, counts: Counts{}, copied: map[string]bool{}}
	if c.opts.Log == nil {
		c.opts.Log = io.Discard
	}
	ids := []string{opts.UserPoolID}
	if opts.UserPoolID == "" {
		ids = nil
		p := cip.NewListUserPoolsPaginator(old, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return c.counts, fmt.Errorf("ListUserPools: %w", err)
			}
			for _, up := range page.UserPools {
				ids = append(ids, aws.ToString(up.Id))
			}
		}
	}
	for _, id := range ids {
		if err := c.pool(ctx, id); err != nil {
			return c.counts, fmt.Errorf("user pool %s: %w", id, err)
		}
	}
	return c.counts, nil
}

// convert moves an SDK value into Cognate's model of the same shape
// through their common JSON member names.
func convert(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

// made counts a record: created, or found there already.
func (c *copier) made(kind string, created bool) {
	if created {
		c.counts[kind]++
	} else {
		c.counts[kind+" existing"]++
	}
}

func (c *copier) failed(kind, name string, err error) {
	c.counts[kind+" failed"]++
	fmt.Fprintf(c.opts.Log, "%s %s not copied: %v\n", strings.TrimSuffix(kind, "s"), name, err)
}

func (c *copier) pool(ctx context.Context, id string) error {
	d, err := c.old.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("DescribeUserPool: %w", err)
	}
	in, mfaOn, err := poolSettings(d.UserPool)
	if err != nil {
		return err
	}
	if d.UserPool.LambdaConfig != nil && *d.UserPool.LambdaConfig != (types.LambdaConfigType{}) {
		fmt.Fprintf(c.opts.Log, "user pool %s: its Lambda triggers are not copied (AWS Lambda ARNs); set them with UpdateUserPool\n", id)
	}
	created, err := c.svc.CopyUserPool(ctx, id, in)
	if err != nil {
		return err
	}
	c.made("pools", created)
	if created && mfaOn {
		if err := c.mfaConfig(ctx, id); err != nil {
			return err
		}
	}
	// Before the clients, whose scopes and providers name them.
	if err := c.federation(ctx, id, d.UserPool); err != nil {
		return err
	}
	clients, err := c.clients(ctx, id)
	if err != nil {
		return err
	}
	if err := c.ui(ctx, id, clients); err != nil {
		return err
	}
	src, err := c.source(id, clients)
	if err != nil {
		return err
	}
	if err := c.svc.SetCognitoSource(ctx, id, src); err != nil {
		return err
	}
	if err := c.users(ctx, id, mfaOn); err != nil {
		return err
	}
	return c.groups(ctx, id)
}

// poolSettings turns DescribeUserPool's answer into CreateUserPool's
// request: MFA off (SetUserPoolMfaConfig sets it after), no Lambda
// triggers, custom attributes by their short names.
func poolSettings(up *types.UserPoolType) (*model.CreateUserPoolRequest, bool, error) {
	in := &model.CreateUserPoolRequest{}
	if err := convert(up, in); err != nil {
		return nil, false, fmt.Errorf("settings: %w", err)
	}
	in.PoolName = aws.ToString(up.Name)
	in.LambdaConfig = nil
	mfaOn := in.MfaConfiguration != "" && in.MfaConfiguration != "OFF"
	in.MfaConfiguration = "OFF"
	if err := convert(up.SchemaAttributes, &in.Schema); err != nil {
		return nil, false, fmt.Errorf("schema: %w", err)
	}
	for i := range in.Schema {
		in.Schema[i].Name = strings.TrimPrefix(in.Schema[i].Name, "dev:")
	}
	return in, mfaOn, nil
}

func (c *copier) mfaConfig(ctx context.Context, id string) error {
	m, err := c.old.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("GetUserPoolMfaConfig: %w", err)
	}
	in := &model.SetUserPoolMfaConfigRequest{}
	if err := convert(m, in); err != nil {
		return err
	}
	in.UserPoolId = id
	_, err = c.svc.SetUserPoolMfaConfig(ctx, in)
	return err
}

// clients copies the pool's app clients, with their ids and secrets, and
// returns them as the old pool describes them.
func (c *copier) clients(ctx context.Context, id string) ([]types.UserPoolClientType, error) {
	var out []types.UserPoolClientType
	p := cip.NewListUserPoolClientsPaginator(c.old, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(id), MaxResults: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListUserPoolClients: %w", err)
		}
		for _, d := range page.UserPoolClients {
			full, err := c.old.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(id), ClientId: d.ClientId})
			if err != nil {
				return nil, fmt.Errorf("DescribeUserPoolClient: %w", err)
			}
			cl := full.UserPoolClient
			in := &model.CreateUserPoolClientRequest{}
			if err := convert(cl, in); err != nil {
				return nil, err
			}
			in.UserPoolId = id
			in.GenerateSecret = aws.Bool(in.ClientSecret != "")
			created, err := c.svc.CopyUserPoolClient(ctx, aws.ToString(cl.ClientId), in)
			if err != nil {
				c.failed("clients", aws.ToString(cl.ClientId), err)
				continue
			}
			c.made("clients", created)
			out = append(out, *cl)
		}
	}
	return out, nil
}

// source is the old pool as the copy remembers it, with the app client
// that checks passwords.
func (c *copier) source(id string, clients []types.UserPoolClientType) (*userpool.CognitoSource, error) {
	region, _, _ := strings.Cut(id, "_")
	if c.opts.Region != "" {
		region = c.opts.Region
	}
	src := &userpool.CognitoSource{Region: region, UserPoolID: id, Endpoint: c.opts.Endpoint,
		AccessKeyID: c.opts.AccessKeyID, SecretAccessKey: c.opts.SecretAccessKey}
	var chosen *types.UserPoolClientType
	allows := func(cl types.UserPoolClientType, flow string) bool {
		return slices.Contains(cl.ExplicitAuthFlows, types.ExplicitAuthFlowsType(flow)) ||
			flow == "ALLOW_USER_SRP_AUTH" && len(cl.ExplicitAuthFlows) == 0 // the default flows
	}
	// Best a client that allows both password sign-ins and SRP (which
	// relayed SRP sign-ins need), else either.
	for _, want := range [][]string{{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"}, {"ALLOW_USER_PASSWORD_AUTH"}, {"ALLOW_USER_SRP_AUTH"}} {
		for i, cl := range clients {
			ok := c.opts.SignInClientID == aws.ToString(cl.ClientId)
			if c.opts.SignInClientID == "" {
				ok = allows(cl, want[0]) && allows(cl, want[len(want)-1])
			}
			if ok && chosen == nil {
				chosen = &clients[i]
			}
		}
	}
	if chosen == nil {
		return nil, fmt.Errorf("no app client to check passwords with (one allowing USER_PASSWORD_AUTH or USER_SRP_AUTH, or the one --sign-in-client-id names)")
	}
	src.ClientID, src.ClientSecret = aws.ToString(chosen.ClientId), aws.ToString(chosen.ClientSecret)
	return src, nil
}

// users copies the pool's users (not those of federated sign-ins, whom the
// provider creates again), with their SMS and email MFA preferences when
// the pool has MFA on.
func (c *copier) users(ctx context.Context, id string, mfaOn bool) error {
	p := cip.NewListUsersPaginator(c.old, &cip.ListUsersInput{UserPoolId: aws.String(id), Limit: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListUsers: %w", err)
		}
		for _, u := range page.Users {
			name := aws.ToString(u.Username)
			if u.UserStatus == types.UserStatusTypeExternalProvider {
				c.counts["users skipped (federated)"]++
				continue
			}
			created, err := c.svc.CopyUser(ctx, id, oldUser(name, u.UserStatus, u.Enabled, u.Attributes))
			if errors.Is(err, userpool.ErrDeletedHere) {
				// Deleted here during the migration: the deletion is final.
				c.counts["users skipped (deleted here)"]++
				continue
			}
			if errors.Is(err, userpool.ErrNameTaken) {
				// Someone else here holds the name: left as is.
				c.counts["users skipped (name taken here)"]++
				fmt.Fprintf(c.opts.Log, "user %s not copied: another user (another sub) holds the name here\n", name)
				continue
			}
			if err != nil {
				c.failed("users", name, err)
				continue
			}
			c.made("users", created)
			c.copied[id+"\x00"+name] = created
			if created && mfaOn {
				if err := c.userMFA(ctx, id, name); err != nil {
					c.failed("user MFA preferences", name, err)
				}
			}
		}
	}
	return nil
}

// userMFA copies a user's SMS and email MFA preferences. TOTP ones cannot
// move: AWS never gives the secret.
func (c *copier) userMFA(ctx context.Context, id, name string) error {
	u, err := c.old.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(id), Username: aws.String(name)})
	if err != nil {
		return err
	}
	in := &model.AdminSetUserMFAPreferenceRequest{UserPoolId: id, Username: name}
	pref := aws.ToString(u.PreferredMfaSetting)
	for _, m := range u.UserMFASettingList {
		switch m {
		case "SMS_MFA":
			in.SMSMfaSettings = &model.SMSMfaSettingsType{Enabled: aws.Bool(true), PreferredMfa: aws.Bool(pref == m)}
		case "EMAIL_OTP":
			in.EmailMfaSettings = &model.EmailMfaSettingsType{Enabled: aws.Bool(true), PreferredMfa: aws.Bool(pref == m)}
		case "SOFTWARE_TOKEN_MFA":
			c.counts["user TOTP settings not movable"]++
		}
	}
	if in.SMSMfaSettings == nil && in.EmailMfaSettings == nil {
		return nil
	}
	if _, err := c.svc.AdminSetUserMFAPreference(ctx, in); err != nil {
		return err
	}
	c.counts["user MFA preferences"]++
	return nil
}

// groups copies the pool's groups and their members.
func (c *copier) groups(ctx context.Context, id string) error {
	p := cip.NewListGroupsPaginator(c.old, &cip.ListGroupsInput{UserPoolId: aws.String(id), Limit: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListGroups: %w", err)
		}
		for _, g := range page.Groups {
			name := aws.ToString(g.GroupName)
			_, err := c.svc.CreateGroup(ctx, &model.CreateGroupRequest{UserPoolId: id, GroupName: name,
				Description: aws.ToString(g.Description), RoleArn: aws.ToString(g.RoleArn), Precedence: g.Precedence})
			created := err == nil
			if e := userpool.AsError(err); e != nil && e.Kind == userpool.GroupExists {
				c.made("groups", false)
			} else if err != nil {
				c.failed("groups", name, err)
				continue
			} else {
				c.made("groups", true)
			}
			if err := c.members(ctx, id, name, created); err != nil {
				return err
			}
		}
	}
	return nil
}

// members copies the old group's memberships of the users this run
// created, and, when this run created the group too (a run that stopped
// before its groups resumes), of the users found here with their old sub.
// A user found here is otherwise left as found: a membership removed here
// is not given back, and a name someone else (another sub) holds here
// does not give them the old user's groups.
func (c *copier) members(ctx context.Context, id, group string, groupCreated bool) error {
	p := cip.NewListUsersInGroupPaginator(c.old, &cip.ListUsersInGroupInput{UserPoolId: aws.String(id), GroupName: aws.String(group), Limit: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListUsersInGroup: %w", err)
		}
		for _, u := range page.Users {
			name := aws.ToString(u.Username)
			if !c.copied[id+"\x00"+name] && (!groupCreated || !c.sameSub(ctx, id, name, u.Attributes)) {
				continue
			}
			_, err := c.svc.AdminAddUserToGroup(ctx, &model.AdminAddUserToGroupRequest{UserPoolId: id, GroupName: group, Username: name})
			if err != nil {
				c.failed("memberships", group+"/"+name, err)
				continue
			}
			c.counts["memberships"]++
		}
	}
	return nil
}

// sameSub reports whether the user called name here has the sub of the
// old user whose attributes are attrs.
func (c *copier) sameSub(ctx context.Context, id, name string, attrs []types.AttributeType) bool {
	here, err := c.svc.AdminGetUser(ctx, &model.AdminGetUserRequest{UserPoolId: id, Username: name})
	if err != nil {
		return false
	}
	sub := func(attrs []model.AttributeType) string {
		for _, a := range attrs {
			if a.Name == "sub" {
				return a.Value
			}
		}
		return ""
	}(here.UserAttributes)
	for _, a := range attrs {
		if aws.ToString(a.Name) == "sub" {
			return sub != "" && aws.ToString(a.Value) == sub
		}
	}
	return false
}
