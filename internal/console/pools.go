package console

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// poolsPage lists the user pools.
func (c *Console) poolsPage(w http.ResponseWriter, r *http.Request, s *session) error {
	out, err := c.d.Users.ListUserPools(r.Context(), &cip.ListUserPoolsRequest{MaxResults: ptr(int32(60)), NextToken: r.URL.Query().Get("next")})
	if err != nil {
		return err
	}
	c.render(w, s, http.StatusOK, "pools", "User pools", out, notice(r))
	return nil
}

// regionPattern matches an AWS region name.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)

// createPool creates a user pool with Cognito's defaults.
func (c *Console) createPool(w http.ResponseWriter, r *http.Request, s *session) error {
	in := &cip.CreateUserPoolRequest{PoolName: strings.TrimSpace(r.PostFormValue("name"))}
	if r.PostFormValue("email_sign_in") != "" {
		in.UsernameAttributes = []string{"email"}
		in.AutoVerifiedAttributes = []string{"email"}
	}
	region := strings.TrimSpace(r.PostFormValue("region"))
	if !regionPattern.MatchString(region) {
		return fmt.Errorf("%w: %q is not a region such as us-east-1", errBadInput, region)
	}
	out, err := c.d.Users.CreateUserPool(userpool.WithRegion(r.Context(), region), in)
	if err != nil {
		return err
	}
	e := eventOf("UserPoolCreated", nil, "Name", in.PoolName)
	e.UserPoolID = out.UserPool.Id
	c.audit(r.Context(), s, e)
	redirectDone(w, r, Prefix+"pools/"+out.UserPool.Id, "created")
	return nil
}

// poolData is a pool page's model.
type poolData struct {
	Pool cip.UserPoolType
	// Users is the pool's user count (EstimatedNumberOfUsers).
	Users     int
	MinLength int32
	// Clients are the app clients' settings (their secrets are not shown).
	Clients   []cip.UserPoolClientType
	Groups    []storage.Group
	Providers []cip.ProviderDescription
	// Custom are the custom attributes; Standard the standard ones that
	// can be made required, Required the names of those that are.
	Custom, Standard []cip.SchemaAttributeType
	Required         []string
	// NewSecret is a new client's secret, shown once.
	NewClient, NewSecret string
}

// poolPage shows a pool's settings, app clients, groups, domain and
// identity providers.
func (c *Console) poolPage(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.showPool(w, r, s, r.PathValue("pool"), poolData{}, notice(r))
}

func (c *Console) showPool(w http.ResponseWriter, r *http.Request, s *session, poolID string, d poolData, note string) error {
	ctx := r.Context()
	out, err := c.d.Users.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: poolID})
	if err != nil {
		return err
	}
	d.Pool = out.UserPool.UserPoolType
	d.Custom, d.Standard = schemaOf(d.Pool)
	for _, a := range d.Standard {
		if a.Required != nil && *a.Required {
			d.Required = append(d.Required, a.Name)
		}
	}
	if pp := d.Pool.Policies; pp != nil && pp.PasswordPolicy != nil && pp.PasswordPolicy.MinimumLength != nil {
		d.MinLength = *pp.PasswordPolicy.MinimumLength
	}
	if n := d.Pool.EstimatedNumberOfUsers; n != nil {
		d.Users = int(*n)
	}
	clients, _, err := c.d.Store.Clients().List(ctx, poolID, storage.Page{Limit: 60})
	if err != nil {
		return err
	}
	for _, cl := range clients {
		out, err := c.d.Users.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientRequest{UserPoolId: poolID, ClientId: cl.ID})
		if err != nil {
			return err
		}
		settings := *out.UserPoolClient
		settings.ClientSecret = "" // shown once, at creation
		d.Clients = append(d.Clients, settings)
	}
	if d.Groups, _, err = c.d.Store.Groups().List(ctx, poolID, storage.Page{Limit: 60}); err != nil {
		return err
	}
	idps, err := c.d.Users.ListIdentityProviders(ctx, &cip.ListIdentityProvidersRequest{UserPoolId: poolID, MaxResults: ptr(int32(60))})
	if err != nil {
		return err
	}
	d.Providers = idps.Providers
	c.render(w, s, http.StatusOK, "pool", d.Pool.Name, d, note)
	return nil
}

// poolSettings changes the settings the form offers and keeps the others:
// UpdateUserPool replaces every setting, so the current ones are sent back.
func (c *Console) poolSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, poolID := r.Context(), r.PathValue("pool")
	out, err := c.d.Users.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: poolID})
	if err != nil {
		return err
	}
	p := out.UserPool.UserPoolType
	in := &cip.UpdateUserPoolRequest{
		UserPoolId: poolID, Policies: p.Policies, DeletionProtection: p.DeletionProtection, LambdaConfig: p.LambdaConfig,
		AutoVerifiedAttributes: p.AutoVerifiedAttributes, SmsVerificationMessage: p.SmsVerificationMessage,
		EmailVerificationMessage: p.EmailVerificationMessage, EmailVerificationSubject: p.EmailVerificationSubject,
		VerificationMessageTemplate: p.VerificationMessageTemplate, SmsAuthenticationMessage: p.SmsAuthenticationMessage,
		UserAttributeUpdateSettings: p.UserAttributeUpdateSettings, MfaConfiguration: p.MfaConfiguration,
		DeviceConfiguration: p.DeviceConfiguration, EmailConfiguration: p.EmailConfiguration,
		SmsConfiguration: p.SmsConfiguration, UserPoolTags: out.UserPool.UserPoolTags,
		AdminCreateUserConfig: p.AdminCreateUserConfig, UserPoolAddOns: p.UserPoolAddOns,
		AccountRecoverySetting: p.AccountRecoverySetting, PoolName: p.Name, UserPoolTier: p.UserPoolTier,
	}
	if v := r.PostFormValue("deletion_protection"); v != "" {
		in.DeletionProtection = v
	}
	if v := r.PostFormValue("mfa"); v != "" {
		in.MfaConfiguration = v
	}
	if v := strings.TrimSpace(r.PostFormValue("min_length")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%w: the minimum password length must be a number", errBadInput)
		}
		pol := cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{}}
		if in.Policies != nil {
			pol = *in.Policies
			pp := *orNew(pol.PasswordPolicy)
			pol.PasswordPolicy = &pp
		}
		pol.PasswordPolicy.MinimumLength = ptr(int32(n))
		in.Policies = &pol
	}
	if _, err := c.d.Users.UpdateUserPool(ctx, in); err != nil {
		return err
	}
	e := eventOf("UserPoolUpdated", nil, "DeletionProtection", in.DeletionProtection, "MfaConfiguration", in.MfaConfiguration)
	e.UserPoolID = poolID
	c.audit(ctx, s, e)
	redirectDone(w, r, Prefix+"pools/"+poolID, "saved")
	return nil
}

func orNew[T any](p *T) *T {
	if p == nil {
		return new(T)
	}
	return p
}

// createClient creates an app client; its secret is shown on the page
// this once.
func (c *Console) createClient(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, poolID := r.Context(), r.PathValue("pool")
	in := &cip.CreateUserPoolClientRequest{UserPoolId: poolID, ClientName: strings.TrimSpace(r.PostFormValue("name")),
		GenerateSecret:    ptr(r.PostFormValue("secret") != ""),
		ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}
	if r.PostFormValue("password_auth") != "" {
		in.ExplicitAuthFlows = append(in.ExplicitAuthFlows, "ALLOW_USER_PASSWORD_AUTH")
	}
	out, err := c.d.Users.CreateUserPoolClient(ctx, in)
	if err != nil {
		return err
	}
	e := eventOf("AppClientCreated", nil, "ClientId", out.UserPoolClient.ClientId, "Name", in.ClientName)
	e.UserPoolID = poolID
	c.audit(ctx, s, e)
	d := poolData{NewClient: out.UserPoolClient.ClientId, NewSecret: out.UserPoolClient.ClientSecret}
	return c.showPool(w, r, s, poolID, d, "App client created: copy its secret now, it is not shown again.")
}

// createGroup creates a group.
func (c *Console) createGroup(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, poolID := r.Context(), r.PathValue("pool")
	in := &cip.CreateGroupRequest{UserPoolId: poolID, GroupName: strings.TrimSpace(r.PostFormValue("name")),
		Description: r.PostFormValue("description")}
	if _, err := c.d.Users.CreateGroup(ctx, in); err != nil {
		return err
	}
	e := eventOf("GroupCreated", nil, "Group", in.GroupName)
	e.UserPoolID = poolID
	c.audit(ctx, s, e)
	redirectDone(w, r, Prefix+"pools/"+poolID, "created")
	return nil
}
