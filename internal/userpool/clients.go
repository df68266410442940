package userpool

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// clientSettings are the members CreateUserPoolClient and
// UpdateUserPoolClient share.
type clientSettings struct {
	RefreshTokenValidity, AccessTokenValidity, IdTokenValidity      *int32
	TokenValidityUnits                                              *cip.TokenValidityUnitsType
	ReadAttributes, WriteAttributes, ExplicitAuthFlows              []string
	SupportedIdentityProviders, CallbackURLs, LogoutURLs            []string
	DefaultRedirectURI                                              string
	AllowedOAuthFlows, AllowedOAuthScopes                           []string
	AllowedOAuthFlowsUserPoolClient                                 *bool
	AnalyticsConfiguration                                          *cip.AnalyticsConfigurationType
	PreventUserExistenceErrors                                      string
	EnableTokenRevocation, EnablePropagateAdditionalUserContextData *bool
	AuthSessionValidity                                             *int32
	RefreshTokenRotation                                            *cip.RefreshTokenRotationType
}

// CreateUserPoolClient creates an app client, with a secret when asked.
func (s *Service) CreateUserPoolClient(ctx context.Context, in *cip.CreateUserPoolClientRequest) (*cip.CreateUserPoolClientResponse, error) {
	return s.createUserPoolClient(ctx, secret.RandomString(26, secret.LowerAlnum), in)
}

// createUserPoolClient is CreateUserPoolClient with the client's id given.
func (s *Service) createUserPoolClient(ctx context.Context, id string, in *cip.CreateUserPoolClientRequest) (*cip.CreateUserPoolClientResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	cfg, err := buildClientConfig(p, clientSettings{
		RefreshTokenValidity: in.RefreshTokenValidity, AccessTokenValidity: in.AccessTokenValidity, IdTokenValidity: in.IdTokenValidity,
		TokenValidityUnits: in.TokenValidityUnits, ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes,
		ExplicitAuthFlows: in.ExplicitAuthFlows, SupportedIdentityProviders: in.SupportedIdentityProviders,
		CallbackURLs: in.CallbackURLs, LogoutURLs: in.LogoutURLs, DefaultRedirectURI: in.DefaultRedirectURI,
		AllowedOAuthFlows: in.AllowedOAuthFlows, AllowedOAuthScopes: in.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient, AnalyticsConfiguration: in.AnalyticsConfiguration,
		PreventUserExistenceErrors: in.PreventUserExistenceErrors, EnableTokenRevocation: in.EnableTokenRevocation,
		EnablePropagateAdditionalUserContextData: in.EnablePropagateAdditionalUserContextData,
		AuthSessionValidity:                      in.AuthSessionValidity, RefreshTokenRotation: in.RefreshTokenRotation,
	})
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec := storage.Client{
		ID:        id,
		PoolID:    p.rec.ID,
		Name:      in.ClientName,
		Config:    doc,
		CreatedAt: now,
		UpdatedAt: now,
	}
	clientSecret := ""
	switch {
	case in.ClientSecret != "" && !boolv(in.GenerateSecret):
		return nil, errorf(InvalidParameter, "ClientSecret can only be set when GenerateSecret is true.")
	case in.ClientSecret != "":
		clientSecret = in.ClientSecret
	case boolv(in.GenerateSecret):
		clientSecret = secret.RandomString(51, secret.LowerAlnum)
	}
	if clientSecret != "" {
		rec.SecretSealed = s.ring.Seal([]byte(clientSecret), clientSecretAAD(rec.ID))
	}
	if err := s.store.Clients().Create(ctx, rec); err != nil {
		return nil, err
	}
	return &cip.CreateUserPoolClientResponse{UserPoolClient: describeClient(&client{rec: rec, cfg: cfg, secret: clientSecret})}, nil
}

// DescribeUserPoolClient returns the client's settings and secret.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *cip.DescribeUserPoolClientRequest) (*cip.DescribeUserPoolClientResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	_, cl, err := s.loadClientOfPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolClientResponse{UserPoolClient: describeClient(cl)}, nil
}

// UpdateUserPoolClient replaces the client's settings. As in Cognito, a
// setting left out returns to its default; the secret is kept.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *cip.UpdateUserPoolClientRequest) (*cip.UpdateUserPoolClientResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	_, cl, err := s.loadClientOfPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	cfg, err := buildClientConfig(p, clientSettings{
		RefreshTokenValidity: in.RefreshTokenValidity, AccessTokenValidity: in.AccessTokenValidity, IdTokenValidity: in.IdTokenValidity,
		TokenValidityUnits: in.TokenValidityUnits, ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes,
		ExplicitAuthFlows: in.ExplicitAuthFlows, SupportedIdentityProviders: in.SupportedIdentityProviders,
		CallbackURLs: in.CallbackURLs, LogoutURLs: in.LogoutURLs, DefaultRedirectURI: in.DefaultRedirectURI,
		AllowedOAuthFlows: in.AllowedOAuthFlows, AllowedOAuthScopes: in.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient, AnalyticsConfiguration: in.AnalyticsConfiguration,
		PreventUserExistenceErrors: in.PreventUserExistenceErrors, EnableTokenRevocation: in.EnableTokenRevocation,
		EnablePropagateAdditionalUserContextData: in.EnablePropagateAdditionalUserContextData,
		AuthSessionValidity:                      in.AuthSessionValidity, RefreshTokenRotation: in.RefreshTokenRotation,
	})
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	rec := cl.rec
	rec.Config = doc
	rec.UpdatedAt = s.now()
	if in.ClientName != "" {
		rec.Name = in.ClientName
	}
	err = s.store.Clients().Update(ctx, rec)
	s.cache.forgetClient(rec.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, clientNotFound(rec.ID)
	}
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserPoolClientResponse{UserPoolClient: describeClient(&client{rec: rec, cfg: cfg, secret: cl.secret, secrets: cl.secrets})}, nil
}

// DeleteUserPoolClient deletes the client and its refresh tokens.
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *cip.DeleteUserPoolClientRequest) (*Empty, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if _, _, err := s.loadClientOfPool(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	err := s.store.Clients().Delete(ctx, in.ClientId)
	s.cache.forgetClient(in.ClientId)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, clientNotFound(in.ClientId)
	}
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListUserPoolClients lists a pool's clients.
func (s *Service) ListUserPoolClients(ctx context.Context, in *cip.ListUserPoolClientsRequest) (*cip.ListUserPoolClientsResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	recs, next, err := s.store.Clients().List(ctx, in.UserPoolId, storage.Page{Token: in.NextToken, Limit: int(int32v(in.MaxResults, 60))})
	if err != nil {
		return nil, pageError(err)
	}
	out := &cip.ListUserPoolClientsResponse{UserPoolClients: []cip.UserPoolClientDescription{}, NextToken: next}
	for _, rec := range recs {
		out.UserPoolClients = append(out.UserPoolClients, cip.UserPoolClientDescription{
			ClientId: rec.ID, UserPoolId: rec.PoolID, ClientName: rec.Name,
		})
	}
	return out, nil
}

func describeClient(cl *client) *cip.UserPoolClientType {
	out := *cl.cfg
	out.ClientId = cl.rec.ID
	out.UserPoolId = cl.rec.PoolID
	out.ClientName = cl.rec.Name
	out.ClientSecret = cl.secret
	out.CreationDate = awstime.New(cl.rec.CreatedAt)
	out.LastModifiedDate = awstime.New(cl.rec.UpdatedAt)
	return &out
}
