// Package cognitoidentity serves the Amazon Cognito identity pools API
// (AWSCognitoIdentityService, AWS JSON 1.1) and Cognate's CognateAdmin
// extension API on top of the identitypool service: it routes each
// operation to its method, keeps the administrative operations to
// administrators, and maps the domain's errors to Cognito's exceptions.
// Validation against the models, SigV4 and the wire format belong to
// internal/awsproto.
package cognitoidentity

import (
	"context"
	"fmt"

	"github.com/cognate-dev/cognate/internal/awsmodel"
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/identitypool"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Options configure the services.
type Options struct {
	// IsAdmin reports whether a signed caller may use the administrative
	// operations (every signed operation of both APIs). nil admits every
	// caller whose signature verified.
	IsAdmin func(c *awsproto.Caller) bool
}

// New returns the identity pools API as an awsproto.Service.
func New(ip *identitypool.Service, opts Options) (*awsproto.Service, error) {
	model, err := awsproto.LoadModel(awsmodel.Service("cognito-identity"))
	if err != nil {
		return nil, fmt.Errorf("cognitoidentity: model: %w", err)
	}
	a := adapter{opts}
	return &awsproto.Service{
		TargetPrefix: "AWSCognitoIdentityService",
		SigningName:  "cognito-identity",
		Model:        model,
		// Cognito identity pools answer constraint violations with
		// ValidationException, which their model does not list.
		ValidationError: awsproto.TypeValidation,
		Handlers: map[string]awsproto.Handler{
			// Pools (signed).
			"CreateIdentityPool":          op(a, ip.CreateIdentityPool),
			"DescribeIdentityPool":        op(a, ip.DescribeIdentityPool),
			"ListIdentityPools":           op(a, ip.ListIdentityPools),
			"UpdateIdentityPool":          op(a, ip.UpdateIdentityPool),
			"DeleteIdentityPool":          op(a, ip.DeleteIdentityPool),
			"SetIdentityPoolRoles":        op(a, ip.SetIdentityPoolRoles),
			"GetIdentityPoolRoles":        op(a, ip.GetIdentityPoolRoles),
			"SetPrincipalTagAttributeMap": op(a, ip.SetPrincipalTagAttributeMap),
			"GetPrincipalTagAttributeMap": op(a, ip.GetPrincipalTagAttributeMap),
			"TagResource":                 op(a, ip.TagResource),
			"UntagResource":               op(a, ip.UntagResource),
			"ListTagsForResource":         op(a, ip.ListTagsForResource),

			// Identities (signed).
			"DescribeIdentity": op(a, ip.DescribeIdentity),
			"ListIdentities":   op(a, ip.ListIdentities),
			"DeleteIdentities": op(a, ip.DeleteIdentities),

			// Developer-authenticated identities (signed).
			"GetOpenIdTokenForDeveloperIdentity": op(a, ip.GetOpenIdTokenForDeveloperIdentity),
			"LookupDeveloperIdentity":            op(a, ip.LookupDeveloperIdentity),
			"MergeDeveloperIdentities":           op(a, ip.MergeDeveloperIdentities),
			"UnlinkDeveloperIdentity":            op(a, ip.UnlinkDeveloperIdentity),

			// End-user operations (unsigned: authenticated by Logins).
			"GetId":                     op(a, ip.GetId),
			"GetCredentialsForIdentity": op(a, ip.GetCredentialsForIdentity),
			"GetOpenIdToken":            op(a, ip.GetOpenIdToken),
			"UnlinkIdentity":            op(a, ip.UnlinkIdentity),
		},
	}, nil
}

// NewAdmin returns the CognateAdmin extension API as an awsproto.Service:
// AWS JSON 1.1, X-Amz-Target "CognateAdmin.<Op>", SigV4 with the signing
// name "cognito-identity", administrators only.
//
// UpdateUsernameConfiguration and the other user-pool settings go to up.
func NewAdmin(ip *identitypool.Service, up *userpool.Service, opts Options) (*awsproto.Service, error) {
	model, err := awsproto.LoadModel(awsmodel.Service("cognate-admin"))
	if err != nil {
		return nil, fmt.Errorf("cognitoidentity: admin model: %w", err)
	}
	a := adapter{opts}
	return &awsproto.Service{
		TargetPrefix:    "CognateAdmin",
		SigningName:     "cognito-identity",
		Model:           model,
		ValidationError: awsproto.TypeValidation, // as the identity pools API
		Handlers: map[string]awsproto.Handler{
			"DescribeIdentityOwner":       op(a, ip.DescribeIdentityOwner),
			"ListUserIdentities":          op(a, ip.ListUserIdentities),
			"ListAuditEvents":             op(a, ip.ListAuditEvents),
			"AuthorizeRequest":            op(a, ip.AuthorizeRequest),
			"DescribeIdentityPoolOptions": op(a, ip.DescribeIdentityPoolOptions),
			"UpdateIdentityPoolOptions":   op(a, ip.UpdateIdentityPoolOptions),
			"UpdateUsernameConfiguration": userPoolOp(a, up.UpdateUsernameConfiguration),
			"DeleteCustomAttribute":       userPoolOp(a, up.DeleteCustomAttribute),
			"UpdateCustomAttribute":       userPoolOp(a, up.UpdateCustomAttribute),
			"UpdateRequiredAttribute":     userPoolOp(a, up.UpdateRequiredAttribute),
			"UpdateSignInAttributes":      userPoolOp(a, up.UpdateSignInAttributes),
		},
	}, nil
}

type adapter struct{ opts Options }

// op adapts an identitypool method: signed callers must be administrators;
// the signed region is passed down; domain errors become wire errors.
func op[In, Out any](a adapter, fn func(context.Context, *In) (*Out, error)) awsproto.Handler {
	return awsproto.Op(func(ctx context.Context, in *In) (*Out, error) {
		if info := awsproto.Info(ctx); info != nil && info.Caller != nil {
			if a.opts.IsAdmin != nil && !a.opts.IsAdmin(info.Caller) {
				return nil, awsproto.Errorf(string(identitypool.NotAuthorized),
					"User: %s is not authorized to perform: %s:%s", info.Caller.Principal, info.Service, info.Operation)
			}
			ctx = identitypool.WithRegion(ctx, info.Caller.Region)
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, wireError(err)
		}
		return out, nil
	})
}

// userPoolOp is op for a userpool method: the same admission, the signed
// region passed down as userpool reads it, userpool's errors mapped.
func userPoolOp[In, Out any](a adapter, fn func(context.Context, *In) (*Out, error)) awsproto.Handler {
	return op(a, func(ctx context.Context, in *In) (*Out, error) {
		if info := awsproto.Info(ctx); info != nil && info.Caller != nil {
			ctx = userpool.WithRegion(ctx, info.Caller.Region)
		}
		out, err := fn(ctx, in)
		if e := userpool.AsError(err); e != nil {
			return nil, awsproto.Errorf(string(e.Kind), "%s", e.Message)
		}
		return out, err
	})
}

// wireError maps a domain error to the exception clients see; any other
// error is internal (awsproto logs it and answers InternalErrorException).
func wireError(err error) error {
	if e := identitypool.AsError(err); e != nil {
		return awsproto.Errorf(string(e.Kind), "%s", e.Message)
	}
	return err
}
