package userpool

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// CreateUserPool creates a pool with the given settings and Cognito's
// defaults for the rest, and its signing keys.
func (s *Service) CreateUserPool(ctx context.Context, in *cip.CreateUserPoolRequest) (*describeUserPoolOutput, error) {
	region := regionFrom(ctx)
	if region == "" {
		return nil, errorf(InvalidParameter, "A region is required: sign the request with a credential scope.")
	}
	return s.createUserPool(ctx, region, region+"_"+secret.RandomString(9, secret.Alnum), in)
}

// createUserPool is CreateUserPool with the pool's region and id given.
func (s *Service) createUserPool(ctx context.Context, region, id string, in *cip.CreateUserPoolRequest) (*describeUserPoolOutput, error) {
	cfg := &poolConfig{UserPoolType: cip.UserPoolType{
		AliasAttributes:       in.AliasAttributes,
		UsernameAttributes:    in.UsernameAttributes,
		UsernameConfiguration: in.UsernameConfiguration,
		UserPoolTags:          in.UserPoolTags,
	}}
	if len(in.AliasAttributes) > 0 && len(in.UsernameAttributes) > 0 {
		return nil, errorf(InvalidParameter, "Only one of AliasAttributes and UsernameAttributes can be set in a User Pool.")
	}
	if err := checkTags(in.UserPoolTags); err != nil {
		return nil, err
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	cfg.SchemaAttributes = schema
	applySettings(&cfg.UserPoolType, settings{
		Policies: in.Policies, DeletionProtection: in.DeletionProtection, LambdaConfig: in.LambdaConfig,
		AutoVerifiedAttributes: in.AutoVerifiedAttributes, SmsVerificationMessage: in.SmsVerificationMessage,
		EmailVerificationMessage: in.EmailVerificationMessage, EmailVerificationSubject: in.EmailVerificationSubject,
		VerificationMessageTemplate: in.VerificationMessageTemplate, SmsAuthenticationMessage: in.SmsAuthenticationMessage,
		UserAttributeUpdateSettings: in.UserAttributeUpdateSettings, MfaConfiguration: in.MfaConfiguration,
		DeviceConfiguration: in.DeviceConfiguration, EmailConfiguration: in.EmailConfiguration,
		SmsConfiguration: in.SmsConfiguration, AdminCreateUserConfig: in.AdminCreateUserConfig,
		UserPoolAddOns: in.UserPoolAddOns, AccountRecoverySetting: in.AccountRecoverySetting, UserPoolTier: in.UserPoolTier,
	})
	// MFA turned on at creation uses SMS, the one factor CreateUserPool
	// can configure.
	if cfg.MfaConfiguration != "OFF" && cfg.SmsConfiguration != nil {
		cfg.MFA = &mfaSettings{SMS: true}
	}
	if err := validateSettings(&cfg.UserPoolType); err != nil {
		return nil, err
	}
	if err := s.checkLambdaConfig(cfg.LambdaConfig); err != nil {
		return nil, err
	}
	if err := validateMFA(cfg); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec := storage.Pool{
		ID:        id,
		Region:    region,
		Name:      in.PoolName,
		Config:    doc,
		CreatedAt: now,
		UpdatedAt: now,
	}
	if err := s.tokens.EnsureKeys(ctx, rec.ID); err != nil {
		return nil, fmt.Errorf("userpool: signing keys: %w", err)
	}
	if err := s.store.Pools().Create(ctx, rec); err != nil {
		return nil, err
	}
	out, err := s.describePool(ctx, &pool{rec: rec, cfg: cfg})
	if err != nil {
		return nil, err
	}
	return &describeUserPoolOutput{UserPool: out}, nil
}

// describeUserPoolOutput is the answer of CreateUserPool and
// DescribeUserPool.
type describeUserPoolOutput struct {
	UserPool *userPoolOutput `json:"UserPool"`
}

// DescribeUserPool returns the pool's settings.
func (s *Service) DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolRequest) (*describeUserPoolOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	out, err := s.describePool(ctx, p)
	if err != nil {
		return nil, err
	}
	return &describeUserPoolOutput{UserPool: out}, nil
}

// userPoolOutput is a pool as CreateUserPool and DescribeUserPool return
// it: UserPoolTags is always present, {} when the pool has none, and so is
// UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate,
// [] when empty, as Cognito sends them.
type userPoolOutput struct {
	cip.UserPoolType
	UserPoolTags                map[string]string             `json:"UserPoolTags"`
	UserAttributeUpdateSettings attributeUpdateSettingsOutput `json:"UserAttributeUpdateSettings"`
}

// attributeUpdateSettingsOutput is UserAttributeUpdateSettingsType with its
// list always sent.
type attributeUpdateSettingsOutput struct {
	AttributesRequireVerificationBeforeUpdate []string `json:"AttributesRequireVerificationBeforeUpdate"`
}

func (s *Service) describePool(ctx context.Context, p *pool) (*userPoolOutput, error) {
	n, err := s.store.Users().Count(ctx, p.rec.ID)
	if err != nil {
		return nil, err
	}
	out := s.poolSettings(p)
	out.EstimatedNumberOfUsers = ptr(int32(n))
	return out, nil
}

// poolSettings is the pool as DescribeUserPool returns it, but for its
// number of users.
func (s *Service) poolSettings(p *pool) *userPoolOutput {
	out := &userPoolOutput{UserPoolType: p.cfg.UserPoolType, UserPoolTags: p.cfg.UserPoolTags}
	if out.UserPoolTags == nil {
		out.UserPoolTags = map[string]string{}
	}
	out.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate = []string{}
	if us := p.cfg.UserAttributeUpdateSettings; us != nil && us.AttributesRequireVerificationBeforeUpdate != nil {
		out.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate = us.AttributesRequireVerificationBeforeUpdate
	}
	out.Id = p.rec.ID
	out.Name = p.rec.Name
	out.Arn = s.poolARN(p.rec)
	out.CreationDate = awstime.New(p.rec.CreatedAt)
	out.LastModifiedDate = awstime.New(p.rec.UpdatedAt)
	return out
}

// UpdateUserPool replaces the pool's mutable settings. As the API
// reference documents, a setting left out of the request returns to its
// default, except UserPoolTier, which stays. The schema, alias and
// username attributes and UsernameConfiguration cannot change here; tags
// left out stay too (TagResource and UntagResource manage them), and so do
// the MFA factors only SetUserPoolMfaConfig sets (TOTP, email, WebAuthn).
func (s *Service) UpdateUserPool(ctx context.Context, in *cip.UpdateUserPoolRequest) (*cip.UpdateUserPoolResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := checkTags(in.UserPoolTags); err != nil {
		return nil, err
	}
	err := s.updatePool(ctx, in.UserPoolId, func(rec *storage.Pool, old *poolConfig) error {
		cfg := &poolConfig{UserPoolType: cip.UserPoolType{
			SchemaAttributes:      old.SchemaAttributes,
			AliasAttributes:       old.AliasAttributes,
			UsernameAttributes:    old.UsernameAttributes,
			UsernameConfiguration: old.UsernameConfiguration,
			UserPoolTags:          old.UserPoolTags,
		}, MFA: old.MFA, poolExtras: old.poolExtras}
		cfg.keepFederation(old)
		if in.UserPoolTags != nil {
			cfg.UserPoolTags = in.UserPoolTags
		}
		applySettings(&cfg.UserPoolType, settings{
			Policies: in.Policies, DeletionProtection: in.DeletionProtection, LambdaConfig: in.LambdaConfig,
			AutoVerifiedAttributes: in.AutoVerifiedAttributes, SmsVerificationMessage: in.SmsVerificationMessage,
			EmailVerificationMessage: in.EmailVerificationMessage, EmailVerificationSubject: in.EmailVerificationSubject,
			VerificationMessageTemplate: in.VerificationMessageTemplate, SmsAuthenticationMessage: in.SmsAuthenticationMessage,
			UserAttributeUpdateSettings: in.UserAttributeUpdateSettings, MfaConfiguration: in.MfaConfiguration,
			DeviceConfiguration: in.DeviceConfiguration, EmailConfiguration: in.EmailConfiguration,
			SmsConfiguration: in.SmsConfiguration, AdminCreateUserConfig: in.AdminCreateUserConfig,
			UserPoolAddOns: in.UserPoolAddOns, AccountRecoverySetting: in.AccountRecoverySetting,
			UserPoolTier: orDefault(in.UserPoolTier, old.UserPoolTier),
		})
		m := old.mfa()
		switch {
		case cfg.SmsConfiguration == nil:
			m.SMS = false // SMS MFA cannot send without it
		case cfg.MfaConfiguration != "OFF" && !m.anyFactor():
			m.SMS = true // MFA turned on here uses SMS, as at creation
		}
		cfg.MFA = &m
		if err := validateSettings(&cfg.UserPoolType); err != nil {
			return err
		}
		if err := s.checkLambdaConfig(cfg.LambdaConfig); err != nil {
			return err
		}
		if err := validateMFA(cfg); err != nil {
			return err
		}
		*old = *cfg
		if in.PoolName != "" {
			rec.Name = in.PoolName
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserPoolResponse{}, nil
}

// ListUserPools lists the pools of the caller's region, leaving out pools
// of other regions and pools being deleted. It reads on until the page
// holds MaxResults pools or the list ends, asking the store each time for
// only as many as are missing, so that every record read is on this page
// or skipped and NextToken resumes right after the last one. It asks at
// most listPoolsRounds times: where most pools are left out (a sparse
// region, many deletions) a page may hold fewer, as Cognito's pages may,
// rather than cost a query for every pool left out.
func (s *Service) ListUserPools(ctx context.Context, in *cip.ListUserPoolsRequest) (*listUserPoolsOutput, error) {
	region := regionFrom(ctx)
	want := int(int32v(in.MaxResults, 60))
	out := &listUserPoolsOutput{UserPools: []cip.UserPoolDescriptionType{}, NextToken: in.NextToken}
	for round := 1; ; round++ {
		recs, next, err := s.store.Pools().List(ctx, storage.Page{Token: out.NextToken, Limit: want - len(out.UserPools)})
		if err != nil {
			return nil, pageError(err)
		}
		out.NextToken = next
		for _, rec := range recs {
			if region != "" && rec.Region != region {
				continue
			}
			p, err := parsePool(rec)
			if err != nil {
				return nil, err
			}
			if p.cfg.Deleting != nil {
				continue
			}
			out.UserPools = append(out.UserPools, cip.UserPoolDescriptionType{
				Id: rec.ID, Name: rec.Name, LambdaConfig: p.cfg.LambdaConfig, Status: "Enabled",
				CreationDate: awstime.New(rec.CreatedAt), LastModifiedDate: awstime.New(rec.UpdatedAt),
			})
		}
		if next == "" || len(out.UserPools) >= want || round == listPoolsRounds {
			return out, nil
		}
	}
}

// listPoolsRounds bounds the store queries of one ListUserPools.
const listPoolsRounds = 8

// listUserPoolsOutput is ListUserPools' answer: UserPools is always
// present, [] when empty, as Cognito sends it.
type listUserPoolsOutput struct {
	UserPools []cip.UserPoolDescriptionType `json:"UserPools"`
	NextToken string                        `json:"NextToken,omitempty"`
}

// adminPool loads a pool for an admin operation: the pool must be in the
// region the request was signed for.
func (s *Service) adminPool(ctx context.Context, id string) (*pool, error) {
	p, err := s.loadPool(ctx, id)
	if err != nil {
		return nil, err
	}
	if r := regionFrom(ctx); r != "" && r != p.rec.Region {
		return nil, poolNotFound(id)
	}
	return p, nil
}
