package cognitomigrate

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	model "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// federation copies a pool's resource servers, identity providers (with
// their client secrets, as DescribeIdentityProvider gives them) and
// prefix domain. One that exists already (a second run) is counted as
// existing.
func (c *copier) federation(ctx context.Context, id string, up *types.UserPoolType) error {
	rs := cip.NewListResourceServersPaginator(c.old, &cip.ListResourceServersInput{UserPoolId: aws.String(id), MaxResults: aws.Int32(50)})
	for rs.HasMorePages() {
		page, err := rs.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListResourceServers: %w", err)
		}
		for _, r := range page.ResourceServers {
			in := &model.CreateResourceServerRequest{}
			if err := convert(r, in); err != nil {
				return err
			}
			in.UserPoolId = id
			_, err := c.svc.CreateResourceServer(ctx, in)
			c.result("resource servers", in.Identifier, err)
		}
	}
	ps := cip.NewListIdentityProvidersPaginator(c.old, &cip.ListIdentityProvidersInput{UserPoolId: aws.String(id), MaxResults: aws.Int32(60)})
	for ps.HasMorePages() {
		page, err := ps.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListIdentityProviders: %w", err)
		}
		for _, p := range page.Providers {
			d, err := c.old.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: aws.String(id), ProviderName: p.ProviderName})
			if err != nil {
				return fmt.Errorf("DescribeIdentityProvider: %w", err)
			}
			in := &model.CreateIdentityProviderRequest{}
			if err := convert(d.IdentityProvider, in); err != nil {
				return err
			}
			in.UserPoolId = id
			_, err = c.svc.CreateIdentityProvider(ctx, in)
			c.result("identity providers", in.ProviderName, err)
		}
	}
	if domain := aws.ToString(up.Domain); domain != "" {
		_, err := c.svc.CreateUserPoolDomain(ctx, &model.CreateUserPoolDomainRequest{UserPoolId: id, Domain: domain})
		c.result("domains", domain, err)
	}
	return nil
}

// result counts a copy by a Create operation that refuses what exists.
func (c *copier) result(kind, name string, err error) {
	e := userpool.AsError(err)
	switch {
	case err == nil:
		c.made(kind, true)
	case e != nil && (e.Kind == userpool.DuplicateProvider || strings.Contains(e.Message, "already")):
		c.made(kind, false)
	default:
		c.failed(kind, name, err)
	}
}

// ui copies the managed login CSS of the pool and of clients that have
// their own (the logo is not copied: Cognito serves it from a URL),
// unless the pool or client has its own here already.
func (c *copier) ui(ctx context.Context, id string, clients []types.UserPoolClientType) error {
	targets := []*string{nil}
	for _, cl := range clients {
		targets = append(targets, cl.ClientId)
	}
	for _, clientID := range targets {
		out, err := c.old.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(id), ClientId: clientID})
		if err != nil {
			return fmt.Errorf("GetUICustomization: %w", err)
		}
		ui := out.UICustomization
		if ui == nil || aws.ToString(ui.CSS) == "" || (clientID != nil && aws.ToString(ui.ClientId) != *clientID) {
			continue // none, or the pool's, which applies to the client
		}
		if c.uiHere(ctx, id, aws.ToString(clientID)) {
			c.made("UI customizations", false)
			continue
		}
		_, err = c.svc.SetUICustomization(ctx, &model.SetUICustomizationRequest{UserPoolId: id,
			ClientId: aws.ToString(clientID), CSS: aws.ToString(ui.CSS)})
		c.result("UI customizations", "of "+aws.ToString(clientID), err)
	}
	return nil
}

// uiHere reports whether the pool (clientID "") or the client has a
// branding of its own here, set by an earlier run or since.
func (c *copier) uiHere(ctx context.Context, id, clientID string) bool {
	out, err := c.svc.GetUICustomization(ctx, &model.GetUICustomizationRequest{UserPoolId: id, ClientId: clientID})
	if err != nil || out.UICustomization == nil {
		return false
	}
	ui := out.UICustomization
	return ui.ClientId == cmp.Or(clientID, "ALL") && (ui.CSS != "" || ui.ImageUrl != "")
}
