package iam

import (
	"context"
	"strconv"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TagRoleInput is TagRole's input.
type TagRoleInput struct {
	RoleName string
	Tags     []Tag
}

// TagRole adds or replaces tags on a role.
func (s *Service) TagRole(ctx context.Context, in *TagRoleInput) (*struct{}, error) {
	return nil, s.updateRole(ctx, in.RoleName, func(r *storage.Role) error {
		if err := checkTags(in.Tags, r.Tags); err != nil {
			return err
		}
		r.Tags = mergeTags(r.Tags, in.Tags)
		return nil
	})
}

// UntagRoleInput is UntagRole's input.
type UntagRoleInput struct {
	RoleName string
	TagKeys  []string
}

// UntagRole removes tags from a role; absent keys are ignored.
func (s *Service) UntagRole(ctx context.Context, in *UntagRoleInput) (*struct{}, error) {
	return nil, s.updateRole(ctx, in.RoleName, func(r *storage.Role) error {
		r.Tags = removeTags(r.Tags, in.TagKeys)
		return nil
	})
}

// ListRoleTagsInput is ListRoleTags' input.
type ListRoleTagsInput struct {
	RoleName string
	Marker   string
	MaxItems *int
}

// TagsOutput is the result of ListRoleTags and ListOpenIDConnectProviderTags.
type TagsOutput struct {
	Tags        []Tag `xml:"Tags>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// ListRoleTags lists a role's tags.
func (s *Service) ListRoleTags(ctx context.Context, in *ListRoleTagsInput) (*TagsOutput, error) {
	r, err := s.role(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	return pageTags(r.Tags, in.Marker, in.MaxItems)
}

// pageTags returns one page of tags; the marker is the next index.
func pageTags(tags []storage.Tag, marker string, maxItems *int) (*TagsOutput, error) {
	start := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(tags) {
			return nil, awsproto.Errorf(codeValidation, "Invalid Marker.")
		}
		start = n
	}
	n := 100
	if maxItems != nil {
		n = *maxItems
	}
	end := min(len(tags), start+n)
	out := &TagsOutput{Tags: toTags(tags[start:end])}
	if out.Tags == nil {
		out.Tags = []Tag{}
	}
	if end < len(tags) {
		out.IsTruncated, out.Marker = true, strconv.Itoa(end)
	}
	return out, nil
}
