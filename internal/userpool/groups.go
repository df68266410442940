package userpool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

const msgGroupNotFound = "Group not found."

// groupOutput is the answer of the operations that return one group.
type groupOutput struct {
	Group *cip.GroupType `json:"Group"`
}

// groupsOutput is the answer of the operations that list groups: Groups is
// always present, [] when empty, as Cognito sends it.
type groupsOutput struct {
	Groups    []cip.GroupType `json:"Groups"`
	NextToken string          `json:"NextToken,omitempty"`
}

// usersOutput is the answer of ListUsersInGroup.
type usersOutput struct {
	Users     []cip.UserType `json:"Users"`
	NextToken string         `json:"NextToken,omitempty"`
}

// groupType renders a group for the API.
func groupType(g storage.Group) cip.GroupType {
	out := cip.GroupType{
		GroupName:        g.Name,
		UserPoolId:       g.PoolID,
		Description:      g.Description,
		RoleArn:          g.RoleARN,
		CreationDate:     awstime.New(g.CreatedAt),
		LastModifiedDate: awstime.New(g.UpdatedAt),
	}
	if g.Precedence >= 0 {
		out.Precedence = ptr(int32(g.Precedence))
	}
	return out
}

// CreateGroup creates a group in a pool.
func (s *Service) CreateGroup(ctx context.Context, in *cip.CreateGroupRequest) (*groupOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	g := storage.Group{PoolID: p.rec.ID, Name: in.GroupName, Description: in.Description, RoleARN: in.RoleArn,
		Precedence: storage.NoPrecedence, CreatedAt: now, UpdatedAt: now}
	if in.Precedence != nil {
		g.Precedence = int(*in.Precedence)
	}
	err = s.store.Groups().Create(ctx, g)
	switch {
	case errors.Is(err, storage.ErrConflict):
		return nil, errorf(GroupExists, "A group with the name %s already exists.", in.GroupName)
	case errors.Is(err, storage.ErrNotFound):
		return nil, poolNotFound(in.UserPoolId)
	case err != nil:
		return nil, err
	}
	gt := groupType(g)
	return &groupOutput{Group: &gt}, nil
}

// loadGroup returns a group of the pool, or ResourceNotFoundException.
func (s *Service) loadGroup(ctx context.Context, p *pool, name string) (storage.Group, error) {
	g, err := s.store.Groups().Get(ctx, p.rec.ID, name)
	if errors.Is(err, storage.ErrNotFound) {
		return g, errorf(ResourceNotFound, msgGroupNotFound)
	}
	return g, err
}

// GetGroup returns a group.
func (s *Service) GetGroup(ctx context.Context, in *cip.GetGroupRequest) (*groupOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, p, in.GroupName)
	if err != nil {
		return nil, err
	}
	gt := groupType(g)
	return &groupOutput{Group: &gt}, nil
}

// UpdateGroup changes the description, role or precedence of a group;
// what the request leaves out stays as it was.
func (s *Service) UpdateGroup(ctx context.Context, in *cip.UpdateGroupRequest) (*groupOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, p, in.GroupName)
	if err != nil {
		return nil, err
	}
	if in.Description != "" {
		g.Description = in.Description
	}
	if in.RoleArn != "" {
		g.RoleARN = in.RoleArn
	}
	if in.Precedence != nil {
		g.Precedence = int(*in.Precedence)
	}
	g.UpdatedAt = s.now()
	err = s.store.Groups().Update(ctx, g)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(ResourceNotFound, msgGroupNotFound)
	}
	if err != nil {
		return nil, err
	}
	gt := groupType(g)
	return &groupOutput{Group: &gt}, nil
}

// DeleteGroup deletes a group and its memberships.
func (s *Service) DeleteGroup(ctx context.Context, in *cip.DeleteGroupRequest) (*Empty, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	err = s.store.Groups().Delete(ctx, p.rec.ID, in.GroupName)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(ResourceNotFound, msgGroupNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListGroups lists a pool's groups by name.
func (s *Service) ListGroups(ctx context.Context, in *cip.ListGroupsRequest) (*groupsOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	gs, next, err := s.store.Groups().List(ctx, p.rec.ID, storage.Page{Token: in.NextToken, Limit: pageLimit(in.Limit)})
	if err != nil {
		return nil, pageError(err)
	}
	out := &groupsOutput{Groups: make([]cip.GroupType, 0, len(gs)), NextToken: next}
	for _, g := range gs {
		out.Groups = append(out.Groups, groupType(g))
	}
	return out, nil
}

// groupAndUser loads the group and the user a membership operation names,
// the group first.
func (s *Service) groupAndUser(ctx context.Context, poolID, group, username string) (*pool, *storage.User, error) {
	p, err := s.adminPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.loadGroup(ctx, p, group); err != nil {
		return nil, nil, err
	}
	u, err := s.mustFindUser(ctx, p, username)
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}

// AdminAddUserToGroup adds a user to a group; adding a member again is not
// an error.
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *cip.AdminAddUserToGroupRequest) (*Empty, error) {
	p, u, err := s.groupAndUser(ctx, in.UserPoolId, in.GroupName, in.Username)
	if err != nil {
		return nil, err
	}
	err = s.store.Groups().AddMember(ctx, p.rec.ID, in.GroupName, u.Sub)
	if errors.Is(err, storage.ErrNotFound) { // deleted meanwhile
		return nil, errorf(ResourceNotFound, msgGroupNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// AdminRemoveUserFromGroup removes a user from a group; removing a user who
// is not a member is not an error.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *cip.AdminRemoveUserFromGroupRequest) (*Empty, error) {
	p, u, err := s.groupAndUser(ctx, in.UserPoolId, in.GroupName, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.store.Groups().RemoveMember(ctx, p.rec.ID, in.GroupName, u.Sub); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// AdminListGroupsForUser lists the groups a user belongs to, by name.
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *cip.AdminListGroupsForUserRequest) (*groupsOutput, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	gs, err := s.store.Groups().OfUser(ctx, p.rec.ID, u.Sub)
	if err != nil {
		return nil, err
	}
	// A user belongs to few groups: they are read at once (as for tokens)
	// and paged here.
	gs, next, err := pageByName(gs, in.NextToken, pageLimit(in.Limit))
	if err != nil {
		return nil, err
	}
	out := &groupsOutput{Groups: make([]cip.GroupType, 0, len(gs)), NextToken: next}
	for _, g := range gs {
		out.Groups = append(out.Groups, groupType(g))
	}
	return out, nil
}

// ListUsersInGroup lists the members of a group.
func (s *Service) ListUsersInGroup(ctx context.Context, in *cip.ListUsersInGroupRequest) (*usersOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, err := s.loadGroup(ctx, p, in.GroupName); err != nil {
		return nil, err
	}
	us, next, err := s.store.Groups().Members(ctx, p.rec.ID, in.GroupName, storage.Page{Token: in.NextToken, Limit: pageLimit(in.Limit)})
	if err != nil {
		return nil, pageError(err)
	}
	out := &usersOutput{Users: make([]cip.UserType, 0, len(us)), NextToken: next}
	for i := range us {
		p.hideRemoved(&us[i])
		out.Users = append(out.Users, *userType(&us[i]))
	}
	return out, nil
}
