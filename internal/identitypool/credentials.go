package identitypool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	ci "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidentity"
)

// credentialTTL is how long GetCredentialsForIdentity's credentials last.
const credentialTTL = 3600

// GetCredentialsForIdentity returns credentials for an identity (the
// enhanced flow): the identity is opened with the request's logins (see
// resolve), the role is chosen (roles.go), and the credential issuer
// checks the role's trust policy against the claims Cognito's OpenID
// token would carry and mints credentials naming the identity and user.
func (s *Service) GetCredentialsForIdentity(ctx context.Context, in *ci.GetCredentialsForIdentityInput) (*ci.GetCredentialsForIdentityResponse, error) {
	res, err := s.open(ctx, in.IdentityId, in.Logins)
	if err != nil {
		return nil, err
	}
	role, err := res.chooseRole(in.CustomRoleArn)
	if err != nil {
		return nil, err
	}
	if s.creds == nil {
		return nil, errorf(InvalidIdentityPoolConfiguration, msgBadRoleConfig)
	}
	tags, err := res.sessionTags(nil)
	if err != nil {
		return nil, err
	}
	req := CredentialRequest{
		RoleARN: role, RoleSessionName: "CognitoIdentityCredentials", DurationSeconds: credentialTTL,
		Provider: cognitoProvider, Subject: res.identity.ID, Audience: res.identity.PoolID, AMR: res.amr(),
		IdentityID: res.identity.ID, IdentityPoolID: res.identity.PoolID,
		UserPoolID: res.userPoolID, Username: res.username, UserSub: res.userSub,
		PrincipalTags: tags.Tags, TransitiveTagKeys: tags.Transitive,
	}
	c, err := s.creds.IssueCredentials(ctx, req)
	if errors.Is(err, ErrRoleRefused) {
		s.log.Info("identitypool: role refused", "identity", res.identity.ID, "role", role, "err", err)
		return nil, errorf(InvalidIdentityPoolConfiguration, msgBadRoleConfig)
	}
	if err != nil {
		return nil, err
	}
	s.record(ctx, res.event(EventCredentialsIssued, role, map[string]string{
		"Source": "GetCredentialsForIdentity", "AccessKeyId": c.AccessKeyID,
	}))
	s.writeBack(ctx, res)
	return &ci.GetCredentialsForIdentityResponse{
		IdentityId: res.identity.ID,
		Credentials: &ci.Credentials{
			AccessKeyId: c.AccessKeyID, SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken,
			Expiration: awstime.New(c.Expiration),
		},
	}, nil
}
