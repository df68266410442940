package sts

import (
	"context"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Permission is one action on one resource that a resource server (the S3
// gateway, the API gateway) asks about, with the condition keys it knows.
// Keys starting with "aws:" and keys of the session's provider are
// ignored, as in AuthorizeInput.Context.
type Permission struct {
	Action   string
	Resource string
	Context  map[string][]string
}

// Env is what a resource server in this process knows of the request and
// vouches for: the client's address (aws:SourceIp) and whether it came
// over TLS (aws:SecureTransport).
type Env struct {
	SourceIP        string
	SecureTransport bool
}

// Decide evaluates each permission for a caller that awsproto verified
// with credentials this service vended, loading the session's role and
// its policies once. A role that no longer exists (or was recreated)
// denies everything.
func (s *Service) Decide(ctx context.Context, caller *awsproto.Caller, env Env, perms []Permission) ([]policy.Decision, error) {
	sess, ok := caller.Session.(*Session)
	if !ok {
		return nil, errors.New("sts: Decide needs a caller with vended credentials")
	}
	out := make([]policy.Decision, len(perms))
	for i := range out {
		out[i] = policy.ImplicitDeny
	}
	role, err := s.iam.Role(ctx, sess.RoleName())
	if errors.Is(err, storage.ErrNotFound) || (err == nil && role.ID != sess.RoleID) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	docs, err := s.iam.PolicyDocuments(ctx, role.ID)
	if err != nil {
		return nil, fmt.Errorf("sts: policies of %s: %w", role.Name, err)
	}
	var sessionPolicy *policy.Document
	if sess.Policy != "" {
		if sessionPolicy, err = policy.ParseIdentityPolicy(sess.Policy); err != nil {
			return nil, fmt.Errorf("sts: session policy: %w", err) // validated when issued
		}
	}
	now := s.now()
	principal := &policy.Principal{Type: policy.PrincipalAWS, ID: sess.AssumedRoleARN()}
	secure := "false"
	if env.SecureTransport {
		secure = "true"
	}
	for i, p := range perms {
		c := requestContext(sess, AuthorizeInput{SourceIP: env.SourceIP, Context: p.Context}, caller.Region, now)
		c["aws:SecureTransport"] = []string{secure}
		req := policy.Request{Principal: principal, Action: p.Action, Resource: p.Resource, Context: c}
		d := policy.Evaluate(req, docs...)
		if d == policy.Allow && sessionPolicy != nil {
			d = policy.Evaluate(req, sessionPolicy)
		}
		out[i] = d
	}
	return out, nil
}
