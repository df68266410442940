package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/identitypool"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/sts"
)

// withDefaults gives the identity pool the STS service as every
// collaborator a test did not set: the credential issuer, the OIDC
// verifier and the request authorizer.
func (d *identityDeps) withDefaults(s *sts.Service) {
	if d.credentials == nil {
		d.credentials = stsCredentials{s}
	}
	if d.oidc == nil {
		d.oidc = stsOIDC{s}
	}
	if d.authorizer == nil {
		d.authorizer = stsAuthorizer{s}
	}
}

// stsCredentials is identitypool.CredentialIssuer over STS.
type stsCredentials struct{ sts *sts.Service }

// IssueCredentials assumes the role with the identity's would-be OpenID
// token claims. The identity pool records the issuance itself.
func (c stsCredentials) IssueCredentials(ctx context.Context, req identitypool.CredentialRequest) (*identitypool.Credentials, error) {
	in := sts.WebIdentityRequest{
		RoleARN:         req.RoleARN,
		RoleSessionName: req.RoleSessionName,
		DurationSeconds: int(req.DurationSeconds),
		Token: sts.WebIdentity{
			Provider: req.Provider, Issuer: c.sts.CognitoIssuer(),
			Subject: req.Subject, Audience: []string{req.Audience}, AMR: req.AMR,
		},
		IdentityID: req.IdentityID, IdentityPoolID: req.IdentityPoolID,
		UserPoolID: req.UserPoolID, Username: req.Username, UserSub: req.UserSub,
		PrincipalTags: req.PrincipalTags,
		Operation:     "GetCredentialsForIdentity",
		Recorded:      true,
	}
	if info := awsproto.Info(ctx); info != nil {
		in.SourceIP = info.SourceIP
	}
	out, err := c.sts.AssumeRoleWithWebIdentity(ctx, in)
	var ae *awsproto.Error
	if errors.As(err, &ae) {
		// No such role, a trust policy that refuses, a duration over the
		// role's maximum: the pool's role configuration is at fault.
		return nil, fmt.Errorf("%w: %s: %s", identitypool.ErrRoleRefused, ae.Type, ae.Message)
	}
	if err != nil {
		return nil, err
	}
	return &identitypool.Credentials{AccessKeyID: out.AccessKeyID, SecretAccessKey: out.SecretAccessKey,
		SessionToken: out.SessionToken, Expiration: out.Expiration}, nil
}

// stsOIDC is identitypool.OIDCVerifier over STS's verification of tokens
// of IAM OIDC providers.
type stsOIDC struct{ sts *sts.Service }

// VerifyOIDC verifies a token of the provider the ARN names.
func (o stsOIDC) VerifyOIDC(ctx context.Context, providerARN, token string) (*identitypool.OIDCToken, error) {
	w, err := o.sts.VerifyOIDCToken(ctx, providerARN, token)
	var ae *awsproto.Error
	if errors.As(err, &ae) {
		if ae.Type == sts.CodeIDPCommunicationError {
			return nil, fmt.Errorf("%w: %s", identitypool.ErrProviderUnavailable, ae.Message)
		}
		return nil, fmt.Errorf("%w: %s", identitypool.ErrInvalidToken, ae.Message)
	}
	if err != nil {
		return nil, err
	}
	return &identitypool.OIDCToken{Issuer: w.Issuer, Subject: w.Subject, Audience: w.Audience, Claims: w.Claims}, nil
}

// stsAuthorizer is identitypool.RequestAuthorizer over STS.
type stsAuthorizer struct{ sts *sts.Service }

// AuthorizeRequest turns CognateAdmin's wire input into sts.AuthorizeInput
// and the answer back. A SourceIp in the context is the client address
// (aws:SourceIp); the other aws: keys are STS's to set.
func (z stsAuthorizer) AuthorizeRequest(ctx context.Context, in *ca.AuthorizeRequestInput) (*ca.AuthorizeRequestResponse, error) {
	header := make(http.Header, len(in.Headers))
	for k, v := range in.Headers {
		header.Set(k, v)
	}
	req := sts.AuthorizeInput{
		Request: awsproto.SignedRequest{Method: in.Method, Path: in.Path, Query: in.Query, Host: header.Get("Host"),
			Header: header, PayloadHash: in.PayloadHash, Body: in.Body},
		Action:   in.Action,
		Resource: in.Resource,
		Context:  make(map[string][]string, len(in.Context)),
	}
	for k, v := range in.Context {
		if policy.KeyEqual(k, "aws:SourceIp") {
			req.SourceIP = v
			continue
		}
		req.Context[k] = []string{v}
	}
	res, err := z.sts.AuthorizeRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &ca.AuthorizeRequestResponse{
		Allowed: &res.Allowed, Decision: res.Decision,
		IdentityId: res.IdentityID, IdentityPoolId: res.IdentityPoolID,
		RoleArn: res.RoleARN, PrincipalTags: res.PrincipalTags, Message: res.Reason,
	}
	if res.ErrorCode != "" {
		out.Message = res.ErrorCode + ": " + res.ErrorMessage
	}
	if u := res.User; u != nil {
		out.User = &ca.AuthorizedUser{UserPoolId: u.UserPoolID, Username: u.Username, Sub: u.Sub, Attributes: u.Attributes}
	}
	return out, nil
}

// issuanceRecorder records STS's issuances in the identity pools' audit
// log.
type issuanceRecorder struct{ ip *identitypool.Service }

// CredentialsIssued implements sts.IssuanceRecorder.
func (r issuanceRecorder) CredentialsIssued(ctx context.Context, is sts.Issuance) error {
	return r.ip.CredentialsIssued(ctx, identitypool.Issuance{
		IdentityID: is.IdentityID, IdentityPoolID: is.IdentityPoolID,
		UserPoolID: is.UserPoolID, Username: is.Username, UserSub: is.UserSub,
		RoleARN: is.RoleARN, AccessKeyID: is.AccessKeyID, Expiration: is.Expiration,
		Source: "sts:" + is.Operation,
	})
}
