package userpool

import (
	"context"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Resource servers are the OAuth 2.0 APIs of a pool: each has an
// identifier and custom scopes, which app clients may allow as
// "<identifier>/<scope>". They are kept in the pool's settings.

// ScopeDoesNotExist is the exception for an app client's OAuth scope that
// is neither standard nor a resource server's.
const ScopeDoesNotExist Kind = "ScopeDoesNotExistException"

// maxResourceServers is how many resource servers a pool can have (the
// "Resource servers per user pool" quota); the model limits a server to
// 100 scopes.
const (
	maxResourceServers = 25
	maxScopes          = 100
	maxServerPage      = 50
)

// standardScopes are the OAuth scopes every pool has.
var standardScopes = []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}

// CreateResourceServer adds a resource server to a pool.
func (s *Service) CreateResourceServer(ctx context.Context, in *cip.CreateResourceServerRequest) (*cip.CreateResourceServerResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := checkScopes(in.Scopes); err != nil {
		return nil, err
	}
	rs := cip.ResourceServerType{UserPoolId: in.UserPoolId, Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes}
	err := s.updatePool(ctx, in.UserPoolId, func(_ *storage.Pool, cfg *poolConfig) error {
		if findResourceServer(cfg, in.Identifier) >= 0 {
			return errorf(InvalidParameter, "%s already exists in user pool %s.", in.Identifier, in.UserPoolId)
		}
		if len(cfg.ResourceServers) >= maxResourceServers {
			return errorf(LimitExceeded, "A user pool can have as many as %d resource servers.", maxResourceServers)
		}
		cfg.ResourceServers = append(cfg.ResourceServers, rs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.CreateResourceServerResponse{ResourceServer: resourceServerOutput(rs)}, nil
}

// DescribeResourceServer returns a resource server of a pool.
func (s *Service) DescribeResourceServer(ctx context.Context, in *cip.DescribeResourceServerRequest) (*cip.DescribeResourceServerResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	i := findResourceServer(p.cfg, in.Identifier)
	if i < 0 {
		return nil, resourceServerNotFound(in.Identifier, in.UserPoolId)
	}
	return &cip.DescribeResourceServerResponse{ResourceServer: resourceServerOutput(p.cfg.ResourceServers[i])}, nil
}

// UpdateResourceServer replaces a resource server's name and scopes; as
// in Cognito, scopes left out are removed.
func (s *Service) UpdateResourceServer(ctx context.Context, in *cip.UpdateResourceServerRequest) (*cip.UpdateResourceServerResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := checkScopes(in.Scopes); err != nil {
		return nil, err
	}
	rs := cip.ResourceServerType{UserPoolId: in.UserPoolId, Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes}
	err := s.updatePool(ctx, in.UserPoolId, func(_ *storage.Pool, cfg *poolConfig) error {
		i := findResourceServer(cfg, in.Identifier)
		if i < 0 {
			return resourceServerNotFound(in.Identifier, in.UserPoolId)
		}
		cfg.ResourceServers[i] = rs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateResourceServerResponse{ResourceServer: resourceServerOutput(rs)}, nil
}

// DeleteResourceServer removes a resource server from a pool.
func (s *Service) DeleteResourceServer(ctx context.Context, in *cip.DeleteResourceServerRequest) (*Empty, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	err := s.updatePool(ctx, in.UserPoolId, func(_ *storage.Pool, cfg *poolConfig) error {
		i := findResourceServer(cfg, in.Identifier)
		if i < 0 {
			return resourceServerNotFound(in.Identifier, in.UserPoolId)
		}
		cfg.ResourceServers = append(cfg.ResourceServers[:i:i], cfg.ResourceServers[i+1:]...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListResourceServers lists a pool's resource servers by identifier, a
// page at a time.
func (s *Service) ListResourceServers(ctx context.Context, in *cip.ListResourceServersRequest) (*cip.ListResourceServersResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	page, next, err := pageAfter(p.cfg.ResourceServers, func(rs cip.ResourceServerType) string { return rs.Identifier },
		in.NextToken, listLimit(in.MaxResults, maxServerPage))
	if err != nil {
		return nil, err
	}
	out := &cip.ListResourceServersResponse{ResourceServers: []cip.ResourceServerType{}, NextToken: next}
	for _, rs := range page {
		out.ResourceServers = append(out.ResourceServers, *resourceServerOutput(rs))
	}
	return out, nil
}

// resourceServerOutput is a resource server as Cognito sends it, with
// Scopes always present.
func resourceServerOutput(rs cip.ResourceServerType) *cip.ResourceServerType {
	if rs.Scopes == nil {
		rs.Scopes = []cip.ResourceServerScopeType{}
	}
	return &rs
}

// checkScopes checks a resource server's scopes: at most maxScopes, names
// unique.
func checkScopes(scopes []cip.ResourceServerScopeType) error {
	if len(scopes) > maxScopes {
		return errorf(InvalidParameter, "A resource server can have as many as %d custom scopes.", maxScopes)
	}
	seen := map[string]bool{}
	for _, sc := range scopes {
		if seen[sc.ScopeName] {
			return errorf(InvalidParameter, "Duplicate scope name %s.", sc.ScopeName)
		}
		seen[sc.ScopeName] = true
	}
	return nil
}

// checkOAuthScopes checks an app client's AllowedOAuthScopes: each is a
// standard scope or "<identifier>/<scope>" of one of the pool's resource
// servers. Identifiers may contain "/" (URLs), so the scope name is what
// follows the last one.
func checkOAuthScopes(p *pool, scopes []string) error {
	for _, sc := range scopes {
		if contains(standardScopes, sc) || customScopeExists(p.cfg, sc) {
			continue
		}
		return errorf(ScopeDoesNotExist, "Invalid scope requested: %s", sc)
	}
	return nil
}

func customScopeExists(cfg *poolConfig, scope string) bool {
	cut := strings.LastIndex(scope, "/")
	if cut <= 0 {
		return false
	}
	i := findResourceServer(cfg, scope[:cut])
	if i < 0 {
		return false
	}
	for _, sc := range cfg.ResourceServers[i].Scopes {
		if sc.ScopeName == scope[cut+1:] {
			return true
		}
	}
	return false
}

// findResourceServer returns the index of the resource server with the
// identifier, or -1.
func findResourceServer(cfg *poolConfig, identifier string) int {
	for i := range cfg.ResourceServers {
		if cfg.ResourceServers[i].Identifier == identifier {
			return i
		}
	}
	return -1
}

func resourceServerNotFound(identifier, poolID string) *Error {
	return errorf(ResourceNotFound, "Resource server %s does not exist in user pool %s.", identifier, poolID)
}
