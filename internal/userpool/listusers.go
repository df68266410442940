package userpool

import (
	"context"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// listUsersOutput is ListUsers' answer: Users is always present, [] when
// empty, as Cognito sends it.
type listUsersOutput struct {
	Users           []cip.UserType `json:"Users"`
	PaginationToken string         `json:"PaginationToken,omitempty"`
}

// ListUsers lists a pool's users, all of them or those a filter selects,
// a page at a time. Every filter reads an index (see storage.Users.Search);
// without one, users come in username order.
func (s *Service) ListUsers(ctx context.Context, in *cip.ListUsersRequest) (*listUsersOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	f, err := parseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	page := storage.Page{Token: in.PaginationToken, Limit: pageLimit(in.Limit)}
	var users []storage.User
	var next string
	switch {
	case f == nil:
		users, next, err = s.store.Users().List(ctx, p.rec.ID, page)
	default:
		sf, all, none, ferr := p.storageFilter(f)
		switch {
		case ferr != nil:
			return nil, ferr
		case none:
		case all:
			users, next, err = s.store.Users().List(ctx, p.rec.ID, page)
		default:
			users, next, err = s.store.Users().Search(ctx, p.rec.ID, sf, page)
		}
	}
	if err != nil {
		return nil, pageError(err)
	}
	out := &listUsersOutput{Users: make([]cip.UserType, 0, len(users)), PaginationToken: next}
	for i := range users {
		u := &users[i]
		p.hideRemoved(u)
		ut := cip.UserType{
			Username:             u.Username,
			UserCreateDate:       awstime.New(u.CreatedAt),
			UserLastModifiedDate: awstime.New(u.UpdatedAt),
			Enabled:              ptr(u.Enabled),
			UserStatus:           u.Status,
		}
		if in.AttributesToGet == nil {
			ut.Attributes = attributeList(u.Sub, u.Attributes, nil)
		} else {
			ut.Attributes = selectAttributes(u, in.AttributesToGet)
		}
		out.Users = append(out.Users, ut)
	}
	return out, nil
}

// selectAttributes returns the named attributes the user has, in the order
// asked for.
func selectAttributes(u *storage.User, names []string) []cip.AttributeType {
	out := make([]cip.AttributeType, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if n == "sub" {
			out = append(out, cip.AttributeType{Name: "sub", Value: u.Sub})
		} else if v, ok := u.Attributes[n]; ok {
			out = append(out, cip.AttributeType{Name: n, Value: v})
		}
	}
	return out
}
