package sts

import (
	"context"
	"fmt"

	"github.com/cognate-dev/cognate/internal/awsmodel"
	"github.com/cognate-dev/cognate/internal/awsproto"
)

// API returns STS as a query-protocol service to register on an
// awsproto.QueryMux. Temporary credentials may call GetCallerIdentity.
func (s *Service) API() (*awsproto.QueryService, error) {
	model, err := awsproto.LoadModel(awsmodel.Service("sts"))
	if err != nil {
		return nil, fmt.Errorf("sts: model: %w", err)
	}
	return &awsproto.QueryService{
		SigningName:       "sts",
		Model:             model,
		SessionOperations: map[string]bool{"GetCallerIdentity": true},
		Handlers: map[string]awsproto.Handler{
			"AssumeRoleWithWebIdentity": awsproto.Op(s.assumeRoleWithWebIdentity),
			"GetCallerIdentity":         awsproto.Op(s.getCallerIdentity),
		},
	}, nil
}

// assumeRoleWithWebIdentityInput is the wire input.
type assumeRoleWithWebIdentityInput struct {
	RoleArn          string
	RoleSessionName  string
	WebIdentityToken string
	ProviderId       string
	PolicyArns       []struct{ Arn string }
	Policy           string
	DurationSeconds  *int
}

// AssumeRoleWithWebIdentityResult is the wire result.
type AssumeRoleWithWebIdentityResult struct {
	Credentials                 WireCredentials
	SubjectFromWebIdentityToken string
	AssumedRoleUser             AssumedRoleUser
	PackedPolicySize            *int `xml:",omitempty"`
	Provider                    string
	Audience                    string
}

// WireCredentials is STS's Credentials shape.
type WireCredentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

// AssumedRoleUser is STS's AssumedRoleUser shape.
type AssumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

func (s *Service) assumeRoleWithWebIdentity(ctx context.Context, in *assumeRoleWithWebIdentityInput) (*AssumeRoleWithWebIdentityResult, error) {
	if in.ProviderId != "" {
		return nil, awsproto.Errorf(CodeInvalidIdentityToken, "OAuth 2.0 access tokens (ProviderId %s) are not supported; pass an OpenID Connect ID token.", in.ProviderId)
	}
	if len(in.PolicyArns) > 0 {
		return nil, awsproto.Errorf(CodeMalformedPolicy, "Policy %s does not exist or is not attachable.", in.PolicyArns[0].Arn)
	}
	v, err := s.VerifyWebIdentityToken(ctx, in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	req := WebIdentityRequest{
		RoleARN:           in.RoleArn,
		RoleSessionName:   in.RoleSessionName,
		DurationSeconds:   durationOr(in.DurationSeconds),
		Token:             v.WebIdentity,
		IdentityID:        v.IdentityID,
		IdentityPoolID:    v.IdentityPoolID,
		UserPoolID:        v.UserPoolID,
		Username:          v.Username,
		UserSub:           v.UserSub,
		PrincipalTags:     v.PrincipalTags,
		TransitiveTagKeys: v.TransitiveTagKeys,
		Policy:            in.Policy,
	}
	if info := awsproto.Info(ctx); info != nil {
		req.SourceIP = info.SourceIP
	}
	c, err := s.AssumeRoleWithWebIdentity(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &AssumeRoleWithWebIdentityResult{
		Credentials: WireCredentials{
			AccessKeyId:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expiration:      awsproto.ISO8601(c.Expiration),
		},
		SubjectFromWebIdentityToken: c.SubjectFromWebIdentityToken,
		AssumedRoleUser:             AssumedRoleUser{AssumedRoleId: c.AssumedRoleID, Arn: c.AssumedRoleARN},
		Provider:                    c.Provider,
		Audience:                    c.Audience,
	}
	if in.Policy != "" || len(v.PrincipalTags) > 0 {
		out.PackedPolicySize = &c.PackedPolicySize
	}
	return out, nil
}

// CallerIdentity is GetCallerIdentity's result. Beyond AWS's UserId,
// Account and Arn, Cognate names the identity pool identity and the user
// pool user behind temporary credentials (SDKs ignore elements they do
// not know), so a backend holding either id learns the other.
type CallerIdentity struct {
	UserId         string
	Account        string
	Arn            string
	IdentityId     string `xml:",omitempty"`
	IdentityPoolId string `xml:",omitempty"`
	UserPoolId     string `xml:",omitempty"`
	Username       string `xml:",omitempty"`
	UserSub        string `xml:",omitempty"`
}

func (s *Service) getCallerIdentity(ctx context.Context, _ *struct{}) (*CallerIdentity, error) {
	info := awsproto.Info(ctx)
	if info == nil || info.Caller == nil {
		return nil, awsproto.Errorf(awsproto.TypeMissingAuthToken, "Request is missing Authentication Token")
	}
	return s.CallerIdentity(info.Caller), nil
}

// CallerIdentity describes a verified caller: the root credentials as the
// account's root user, vended credentials as their assumed-role session.
func (s *Service) CallerIdentity(c *awsproto.Caller) *CallerIdentity {
	sess, ok := c.Session.(*Session)
	if !ok {
		return &CallerIdentity{UserId: s.account, Account: s.account, Arn: "arn:aws:iam::" + s.account + ":root"}
	}
	return &CallerIdentity{
		UserId:         sess.UserID(),
		Account:        sess.Account(),
		Arn:            sess.AssumedRoleARN(),
		IdentityId:     sess.IdentityID,
		IdentityPoolId: sess.IdentityPoolID,
		UserPoolId:     sess.UserPoolID,
		Username:       sess.Username,
		UserSub:        sess.UserSub,
	}
}

// durationOr returns *d, or 0 for nil.
func durationOr(d *int) int {
	if d == nil {
		return 0
	}
	return *d
}
