package sts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/storage"
)

// AuthorizeInput is a request that a resource server received, signed with
// credentials this server vended, and what it would do.
type AuthorizeInput struct {
	// Request is the signed request as the resource server received it.
	Request awsproto.SignedRequest
	// Service, when not "", is the service the credential scope must name
	// (e.g. "execute-api").
	Service string
	// Action and Resource are what the request does, in IAM's terms
	// (e.g. "s3:GetObject", "arn:aws:s3:::bucket/key"), as the resource
	// server maps it.
	Action   string
	Resource string
	// SourceIP is the client's address (aws:SourceIp), if known.
	SourceIP string
	// Context adds condition keys the resource server knows (e.g.
	// "s3:prefix"). Keys starting with "aws:" and keys of the session's
	// provider (compared ignoring ASCII case only, as policy.KeyHasPrefix
	// does) are ignored: this server sets those.
	Context map[string][]string
}

// Decisions of AuthorizeRequest beyond policy's Allow, ExplicitDeny and
// ImplicitDeny.
const (
	// DecisionUnauthenticated is a request whose signature or credentials
	// did not verify; ErrorCode says why.
	DecisionUnauthenticated = "Unauthenticated"
)

// AuthorizeResult is AuthorizeRequest's answer.
type AuthorizeResult struct {
	Allowed bool
	// Decision is policy.Allow, policy.ExplicitDeny, policy.ImplicitDeny or
	// DecisionUnauthenticated.
	Decision string
	// ErrorCode and ErrorMessage say why a request is Unauthenticated, in
	// STS's words: MissingAuthenticationToken, IncompleteSignature,
	// SignatureDoesNotMatch, InvalidClientTokenId, ExpiredToken.
	ErrorCode    string
	ErrorMessage string
	// Reason explains an ImplicitDeny that no policy decided (e.g. the
	// role no longer exists).
	Reason string
	// The caller, once the signature verified.
	AccessKeyID    string
	AssumedRoleARN string
	UserID         string
	RoleARN        string
	RoleID         string
	SessionName    string
	Expiration     time.Time
	Provider       string
	AMR            []string
	IdentityID     string
	IdentityPoolID string
	// User is the user pool user linked to the identity, with the
	// attributes it has now; nil when the identity has none.
	User          *User
	PrincipalTags map[string]string
}

// User is a user pool user as AuthorizeRequest reports it.
type User struct {
	UserPoolID string
	Username   string
	Sub        string
	// Attributes are the user's attributes now (sub included); nil when
	// the user no longer exists.
	Attributes map[string]string
}

// AuthorizeRequest verifies a request signed with vended credentials (the
// SigV4 signature, the session token, expiry) and evaluates the session's
// role's inline policies (and the session policy, if any) for the action
// and resource, with the request context IAM gives assumed-role sessions:
//
//	aws:userid, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
//	aws:PrincipalTag/<key>, aws:FederatedProvider, aws:TokenIssueTime,
//	aws:CurrentTime, aws:EpochTime, aws:RequestedRegion, aws:SourceIp,
//	<provider>:sub, <provider>:aud, <provider>:amr
//
// (for identity pool credentials <provider> is
// cognito-identity.amazonaws.com, whose sub is the identity id and aud the
// identity pool id), plus in.Context. A request whose signature does not
// verify is answered, not failed: Decision Unauthenticated with the STS
// error code. Only errors the caller must fix (no Action) or internal
// failures are returned as errors.
func (s *Service) AuthorizeRequest(ctx context.Context, in AuthorizeInput) (*AuthorizeResult, error) {
	if in.Action == "" {
		return nil, validation("1 validation error detected: Value null at 'action' failed to satisfy constraint: Member must not be null")
	}
	now := s.now()
	caller, err := awsproto.VerifyRequest(ctx, in.Request, in.Service, s, now)
	if err != nil {
		var ae *awsproto.Error
		if !errors.As(err, &ae) {
			return nil, err
		}
		code, msg := awsproto.QueryErrorCode(ae)
		return &AuthorizeResult{Decision: DecisionUnauthenticated, ErrorCode: code, ErrorMessage: msg}, nil
	}
	sess := caller.Session.(*Session) // s is the only credential source
	res := &AuthorizeResult{
		Decision:       string(policy.ImplicitDeny),
		AccessKeyID:    sess.AccessKeyID,
		AssumedRoleARN: sess.AssumedRoleARN(),
		UserID:         sess.UserID(),
		RoleARN:        sess.RoleARN,
		RoleID:         sess.RoleID,
		SessionName:    sess.SessionName,
		Expiration:     sess.ExpiresAt(),
		Provider:       sess.Provider,
		AMR:            slices.Clone(sess.AMR),
		IdentityID:     sess.IdentityID,
		IdentityPoolID: sess.IdentityPoolID,
		PrincipalTags:  maps.Clone(sess.PrincipalTags),
	}
	if err := s.fillUser(ctx, sess, res); err != nil {
		return nil, err
	}

	role, err := s.iam.Role(ctx, sess.RoleName())
	if errors.Is(err, storage.ErrNotFound) || (err == nil && role.ID != sess.RoleID) {
		res.Reason = "The role " + sess.RoleARN + " no longer exists."
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	docs, err := s.iam.PolicyDocuments(ctx, role.ID)
	if err != nil {
		return nil, fmt.Errorf("sts: policies of %s: %w", role.Name, err)
	}
	req := policy.Request{
		Principal: &policy.Principal{Type: policy.PrincipalAWS, ID: res.AssumedRoleARN},
		Action:    in.Action,
		Resource:  in.Resource,
		Context:   requestContext(sess, in, caller.Region, now),
	}
	decision := policy.Evaluate(req, docs...)
	if decision == policy.Allow && sess.Policy != "" {
		sp, err := policy.ParseIdentityPolicy(sess.Policy)
		if err != nil {
			return nil, fmt.Errorf("sts: session policy: %w", err) // validated when issued
		}
		decision = policy.Evaluate(req, sp)
	}
	res.Decision = string(decision)
	res.Allowed = decision == policy.Allow
	return res, nil
}

// fillUser adds the linked user and their current attributes.
func (s *Service) fillUser(ctx context.Context, sess *Session, res *AuthorizeResult) error {
	if sess.UserPoolID == "" || sess.UserSub == "" {
		return nil
	}
	res.User = &User{UserPoolID: sess.UserPoolID, Username: sess.Username, Sub: sess.UserSub}
	u, err := s.store.Users().GetBySub(ctx, sess.UserPoolID, sess.UserSub)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	res.User.Username = u.Username
	res.User.Attributes = make(map[string]string, len(u.Attributes)+1)
	maps.Copy(res.User.Attributes, u.Attributes)
	res.User.Attributes["sub"] = u.Sub
	return nil
}

// requestContext is the context an assumed-role session's request is
// evaluated with; see AuthorizeRequest.
func requestContext(sess *Session, in AuthorizeInput, region string, now time.Time) map[string][]string {
	prefix := sess.KeyPrefix()
	c := make(map[string][]string, len(in.Context)+16)
	for k, v := range in.Context {
		if policy.KeyHasPrefix(k, "aws:") || (prefix != "" && policy.KeyHasPrefix(k, prefix+":")) {
			continue // the engine would read these as the keys set below
		}
		c[k] = v
	}
	c["aws:userid"] = []string{sess.UserID()}
	c["aws:PrincipalArn"] = []string{sess.RoleARN}
	c["aws:PrincipalAccount"] = []string{sess.Account()}
	c["aws:PrincipalType"] = []string{"AssumedRole"}
	c["aws:TokenIssueTime"] = []string{time.Unix(sess.IssuedAt, 0).UTC().Format(time.RFC3339)}
	c["aws:CurrentTime"] = []string{now.UTC().Format(time.RFC3339)}
	c["aws:EpochTime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	if region != "" {
		c["aws:RequestedRegion"] = []string{region}
	}
	if in.SourceIP != "" {
		c["aws:SourceIp"] = []string{in.SourceIP}
	}
	if sess.Provider != "" {
		c["aws:FederatedProvider"] = []string{sess.Provider}
	}
	for k, v := range sess.PrincipalTags {
		c["aws:PrincipalTag/"+k] = []string{v}
	}
	if prefix != "" {
		if sess.Subject != "" {
			c[prefix+":sub"] = []string{sess.Subject}
		}
		if len(sess.Audience) > 0 {
			c[prefix+":aud"] = sess.Audience
		}
		if len(sess.AMR) > 0 {
			c[prefix+":amr"] = sess.AMR
		}
	}
	return c
}
