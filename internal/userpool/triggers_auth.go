package userpool

import (
	"context"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// preAuthentication invokes the pool's PreAuthentication function when a
// sign-in starts, before the first factor is checked. u is nil for a name
// no user holds when the client hides user existence (userNotFound); name
// is what the caller typed. Its error refuses the sign-in.
func (s *Service) preAuthentication(ctx context.Context, p *pool, cl *client, u *storage.User, name string) error {
	fn := s.function(p, triggers.PreAuthentication)
	if fn == "" {
		return nil
	}
	req := triggers.PreAuthenticationRequest{UserAttributes: triggers.Attributes{}, ValidationData: clientMetadata(ctx)}
	if u != nil {
		req.UserAttributes, name = eventAttributes(u), u.Username
	} else {
		req.UserNotFound = true
	}
	var resp triggers.Empty
	return call(ctx, s, triggers.PreAuthentication, fn, header(p, cl, "PreAuthentication_Authentication", name), req, &resp, false)
}

// postAuthentication invokes the pool's PostAuthentication function when
// a sign-in has passed every challenge, before its tokens are issued;
// newDevice says whether the sign-in registers a new device. Its error
// refuses the tokens, as in Cognito.
func (s *Service) postAuthentication(ctx context.Context, p *pool, cl *client, u *storage.User, newDevice bool) error {
	fn := s.function(p, triggers.PostAuthentication)
	if fn == "" {
		return nil
	}
	req := triggers.PostAuthenticationRequest{NewDeviceUsed: newDevice, UserAttributes: eventAttributes(u),
		ClientMetadata: clientMetadata(ctx)}
	var resp triggers.Empty
	return call(ctx, s, triggers.PostAuthentication, fn, header(p, cl, "PostAuthentication_Authentication", u.Username), req, &resp, false)
}
