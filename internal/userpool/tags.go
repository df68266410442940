package userpool

import (
	"context"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// maxTags is how many tags a user pool can have.
const maxTags = 50

// TagRequirePKCE is the pool tag of Cognate's PKCE option: with the value
// "public" the OAuth endpoints refuse an authorization code request
// without a code_challenge from an app client that has no secret; with
// "all", from any app client.
const TagRequirePKCE = "cognate:require-pkce"

// checkTags applies the limit on a pool's tags, and checks the values of
// Cognate's option tags.
func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return errorf(InvalidParameter, "A user pool can have as many as %d tags.", maxTags)
	}
	if v, ok := tags[TagRequirePKCE]; ok && v != "public" && v != "all" {
		return errorf(InvalidParameter, "The tag %s must be public or all.", TagRequirePKCE)
	}
	return nil
}

// tagsOutput is ListTagsForResource's answer: Tags is always present, {}
// when the pool has none.
type tagsOutput struct {
	Tags map[string]string `json:"Tags"`
}

// taggedPool finds the user pool a resource ARN names:
// arn:<partition>:cognito-idp:<region>:<account>:userpool/<id>, in this
// server's account and the region the request was signed for.
func (s *Service) taggedPool(ctx context.Context, arn string) (*pool, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "cognito-idp" || !strings.HasPrefix(parts[5], "userpool/") {
		return nil, errorf(InvalidParameter, "Invalid resource ARN %s: only user pools can be tagged.", arn)
	}
	id := strings.TrimPrefix(parts[5], "userpool/")
	p, err := s.adminPool(ctx, id)
	if err != nil {
		return nil, err
	}
	if parts[3] != p.rec.Region || parts[4] != s.accountID {
		return nil, poolNotFound(id)
	}
	return p, nil
}

// TagResource adds tags to a user pool, replacing the values of keys it
// has already.
func (s *Service) TagResource(ctx context.Context, in *cip.TagResourceRequest) (*cip.TagResourceResponse, error) {
	p, err := s.taggedPool(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		tags := make(map[string]string, len(cfg.UserPoolTags)+len(in.Tags))
		for k, v := range cfg.UserPoolTags {
			tags[k] = v
		}
		for k, v := range in.Tags {
			tags[k] = v
		}
		if err := checkTags(tags); err != nil {
			return err
		}
		cfg.UserPoolTags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.TagResourceResponse{}, nil
}

// UntagResource removes tags from a user pool; keys it lacks are ignored.
func (s *Service) UntagResource(ctx context.Context, in *cip.UntagResourceRequest) (*cip.UntagResourceResponse, error) {
	p, err := s.taggedPool(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		tags := make(map[string]string, len(cfg.UserPoolTags))
		for k, v := range cfg.UserPoolTags {
			tags[k] = v
		}
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		cfg.UserPoolTags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a user pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *cip.ListTagsForResourceRequest) (*tagsOutput, error) {
	p, err := s.taggedPool(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := &tagsOutput{Tags: p.cfg.UserPoolTags}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out, nil
}
