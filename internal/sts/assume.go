package sts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/iam"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/sessiontags"
)

// Session duration bounds, in seconds.
const (
	DefaultDuration = 3600
	MinDuration     = 900
)

// roleSessionName is STS's RoleSessionName constraint.
var roleSessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// WebIdentity is a verified web identity token, as the trust policy sees
// it.
type WebIdentity struct {
	// Provider is the federated principal: CognitoProvider for identity
	// pool tokens, or the ARN of the IAM OIDC provider that issued the
	// token (arn:aws:iam::<account>:oidc-provider/<host/path>).
	Provider string
	// Issuer is the token's iss claim (returned as the Provider of
	// AssumeRoleWithWebIdentity's result); "" means Provider.
	Issuer string
	// Subject is the sub claim; for identity pool tokens, the identity id.
	Subject string
	// Audience is the aud claim; for identity pool tokens, the identity
	// pool id.
	Audience []string
	// AuthorizedParty is the azp claim, if any. As AWS documents, the
	// <provider>:aud condition key then takes the azp and <provider>:oaud
	// the aud.
	AuthorizedParty string
	// AMR is the amr claim (identity pools: "authenticated" or
	// "unauthenticated" and the login providers).
	AMR []string
	// Email is the email claim, if any (<provider>:email).
	Email string
	// Claims are all of the token's claims, for callers that map claims
	// to roles or tags; they are not sealed into the session.
	Claims map[string]any
}

// WebIdentityRequest asks for credentials for a role on the strength of a
// web identity token that the caller has already verified.
type WebIdentityRequest struct {
	RoleARN         string
	RoleSessionName string
	// DurationSeconds is the session's lifetime: 0 means 3600; at least
	// 900 and at most the role's MaxSessionDuration.
	DurationSeconds int
	Token           WebIdentity
	// The link, recorded in the session token and the audit log: the
	// identity pool identity and, when the login was a user of one of this
	// server's user pools, the user.
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
	// PrincipalTags become session tags (aws:PrincipalTag/<key>). As in
	// AWS, the trust policy must then also allow sts:TagSession, and they
	// must keep STS's session-tag rules (internal/sessiontags).
	PrincipalTags map[string]string
	// TransitiveTagKeys are the keys of the tags marked transitive (the
	// trust policy's sts:TransitiveTagKeys). Cognate has no role chaining,
	// so they have no other effect.
	TransitiveTagKeys []string
	// Policy is an optional session policy (JSON) that further limits the
	// role's permissions.
	Policy string
	// SourceIP is the caller's address (aws:SourceIp), if known.
	SourceIP string
	// Operation names what the credentials are for in the audit log; ""
	// means "AssumeRoleWithWebIdentity".
	Operation string
	// Recorded means the caller records the issuance itself (identity
	// pools' GetCredentialsForIdentity does): the recorder is not called.
	Recorded bool
}

// AssumeRoleWithWebIdentity vends credentials for in.RoleARN. It checks
// the principal tags against STS's session-tag rules, loads the role,
// evaluates its trust policy for the federated principal in.Token.Provider
// and the action sts:AssumeRoleWithWebIdentity (and sts:TagSession when
// there are principal tags) with the request context AWS documents for web
// identity federation (see trustContext), checks the duration against the
// role's MaxSessionDuration, mints the credentials and records the
// issuance.
//
// Errors are *awsproto.Error with an STS code: AccessDenied (no such role,
// or the trust policy does not allow it), ValidationError (session name,
// duration, tags), MalformedPolicyDocument (session policy),
// PackedPolicyTooLarge (session policy and tags together); anything else
// is internal.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in WebIdentityRequest) (*Credentials, error) {
	const action = "sts:AssumeRoleWithWebIdentity"
	if !roleSessionName.MatchString(in.RoleSessionName) {
		return nil, validation("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", in.RoleSessionName)
	}
	duration := in.DurationSeconds
	if duration == 0 {
		duration = DefaultDuration
	}
	if duration < MinDuration {
		return nil, validation("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", duration, MinDuration)
	}
	tags := sessiontags.Set{Tags: in.PrincipalTags, Transitive: in.TransitiveTagKeys}
	if err := tags.Check(); err != nil {
		return nil, tagsError(err)
	}
	packed := packedPercent(in.Policy, in.PrincipalTags)
	if packed > 100 {
		return nil, awsproto.Errorf(CodePackedPolicyTooLarge, "Packed size of session policies and session tags consumes %d%% of allotted space.", packed)
	}
	if in.Policy != "" { // evaluated with the role's policies (authorize.go)
		if _, err := policy.ParseIdentityPolicy(in.Policy); err != nil {
			var pe *policy.Error
			if errors.As(err, &pe) {
				return nil, awsproto.Errorf(CodeMalformedPolicy, "%s", pe.Message)
			}
			return nil, err
		}
	}

	role, err := s.iam.RoleByARN(ctx, in.RoleARN)
	if errors.Is(err, iam.ErrNoSuchRole) {
		return nil, accessDenied(action)
	}
	if err != nil {
		return nil, err
	}
	trust, err := s.iam.TrustPolicy(role)
	if err != nil {
		return nil, fmt.Errorf("sts: trust policy of %s: %w", role.Name, err)
	}
	now := s.now()
	req := policy.Request{
		Principal: &policy.Principal{Type: policy.PrincipalFederated, ID: in.Token.Provider},
		Action:    action,
		Context:   trustContext(in, now),
	}
	if policy.Evaluate(req, trust) != policy.Allow {
		return nil, accessDenied(action)
	}
	if len(in.PrincipalTags) > 0 {
		req.Action = "sts:TagSession"
		if policy.Evaluate(req, trust) != policy.Allow {
			return nil, accessDenied("sts:TagSession")
		}
	}
	if duration > role.MaxSessionDuration {
		return nil, validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	sess := &Session{
		RoleARN:        iam.RoleARN(s.account, role.Path, role.Name),
		RoleID:         role.ID,
		SessionName:    in.RoleSessionName,
		Provider:       in.Token.Provider,
		Subject:        in.Token.Subject,
		Audience:       sessionAudience(in.Token),
		AMR:            in.Token.AMR,
		IdentityID:     in.IdentityID,
		IdentityPoolID: in.IdentityPoolID,
		UserPoolID:     in.UserPoolID,
		Username:       in.Username,
		UserSub:        in.UserSub,
		PrincipalTags:  maps.Clone(in.PrincipalTags),
		Policy:         in.Policy,
	}
	creds, err := s.mint(sess, now, time.Duration(duration)*time.Second)
	if err != nil {
		return nil, err
	}
	creds.SubjectFromWebIdentityToken = in.Token.Subject
	creds.Provider = in.Token.Issuer
	if creds.Provider == "" {
		creds.Provider = in.Token.Provider
	}
	creds.Audience = audienceOf(in.Token)
	creds.PackedPolicySize = packed
	if err := s.record(ctx, in, creds); err != nil {
		return nil, err
	}
	return creds, nil
}

// record hands the issuance to the recorder, if any.
func (s *Service) record(ctx context.Context, in WebIdentityRequest, c *Credentials) error {
	if s.recorder == nil || in.Recorded {
		return nil
	}
	op := in.Operation
	if op == "" {
		op = "AssumeRoleWithWebIdentity"
	}
	sess := c.Session
	err := s.recorder.CredentialsIssued(ctx, Issuance{
		Operation:      op,
		AccessKeyID:    c.AccessKeyID,
		RoleARN:        sess.RoleARN,
		RoleID:         sess.RoleID,
		SessionName:    sess.SessionName,
		AssumedRoleARN: c.AssumedRoleARN,
		Provider:       sess.Provider,
		Subject:        sess.Subject,
		IdentityID:     sess.IdentityID,
		IdentityPoolID: sess.IdentityPoolID,
		UserPoolID:     sess.UserPoolID,
		Username:       sess.Username,
		UserSub:        sess.UserSub,
		PrincipalTags:  maps.Clone(sess.PrincipalTags),
		SourceIP:       in.SourceIP,
		IssuedAt:       time.Unix(sess.IssuedAt, 0).UTC(),
		Expiration:     c.Expiration,
	})
	if err != nil {
		return fmt.Errorf("sts: record issuance: %w", err)
	}
	return nil
}

// maxPackedPolicy is the session policy size, in characters, that is
// 100% of the packed-size limit (the plain-text limit of session
// policies).
const maxPackedPolicy = 2048

// packedPercent is how full a session policy and session tags make STS's
// packed-size limit, in percent: the policy's share of maxPackedPolicy
// plus the tags' share of sessiontags.PackedBudget.
func packedPercent(policy string, tags map[string]string) int {
	n := 0
	if len(tags) > 0 {
		n = sessiontags.PackedPercent(tags)
	}
	return n + len(policy)*100/maxPackedPolicy
}

// sessionAudience is what <provider>:aud holds: the azp when the token has
// one, else its aud values.
func sessionAudience(t WebIdentity) []string {
	if t.AuthorizedParty != "" {
		return []string{t.AuthorizedParty}
	}
	return t.Audience
}

// audienceOf is the audience AssumeRoleWithWebIdentity reports: the azp
// when there is one, else the first aud.
func audienceOf(t WebIdentity) string {
	if t.AuthorizedParty != "" {
		return t.AuthorizedParty
	}
	if len(t.Audience) > 0 {
		return t.Audience[0]
	}
	return ""
}

// trustContext is the request context a trust policy is evaluated with,
// after "Available keys for AWS web identity federation" and the global
// keys of https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html:
//
//	<prefix>:aud   the azp if the token has one, else the aud values
//	<prefix>:oaud  the aud values, when the token has an azp
//	<prefix>:sub   the subject (identity pools: the identity id)
//	<prefix>:amr   the amr values (identity pools: "authenticated" or
//	               "unauthenticated", and the login providers)
//	<prefix>:email the email claim, when present
//	aws:FederatedProvider, sts:RoleSessionName, aws:CurrentTime,
//	aws:EpochTime, aws:SourceIp (when known), aws:RequestTag/<key> and
//	aws:TagKeys (for the principal tags), sts:TransitiveTagKeys (the
//	transitive ones)
//
// where <prefix> is "cognito-identity.amazonaws.com", or an OIDC provider's
// URL without its scheme.
func trustContext(in WebIdentityRequest, now time.Time) map[string][]string {
	t := in.Token
	p := keyPrefix(t.Provider)
	c := map[string][]string{
		"aws:FederatedProvider": {t.Provider},
		"sts:RoleSessionName":   {in.RoleSessionName},
		"aws:CurrentTime":       {now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":         {strconv.FormatInt(now.Unix(), 10)},
	}
	if t.AuthorizedParty != "" {
		c[p+":aud"] = []string{t.AuthorizedParty}
		c[p+":oaud"] = slices.Clone(t.Audience)
	} else if len(t.Audience) > 0 {
		c[p+":aud"] = slices.Clone(t.Audience)
	}
	if t.Subject != "" {
		c[p+":sub"] = []string{t.Subject}
	}
	if len(t.AMR) > 0 {
		c[p+":amr"] = slices.Clone(t.AMR)
	}
	if t.Email != "" {
		c[p+":email"] = []string{t.Email}
	}
	if in.SourceIP != "" {
		c["aws:SourceIp"] = []string{in.SourceIP}
	}
	if len(in.PrincipalTags) > 0 {
		keys := make([]string, 0, len(in.PrincipalTags))
		for k, v := range in.PrincipalTags {
			c["aws:RequestTag/"+k] = []string{v}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		c["aws:TagKeys"] = keys
	}
	if len(in.TransitiveTagKeys) > 0 {
		c["sts:TransitiveTagKeys"] = slices.Clone(in.TransitiveTagKeys)
	}
	return c
}
