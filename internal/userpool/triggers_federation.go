package userpool

import (
	"context"
	"maps"

	"github.com/cognate-dev/cognate/internal/triggers"
)

// Hooks for federated sign-in (issue 12), which calls them when it signs
// in a user through an external identity provider:
//
//   - InboundFederation, before the provider's attributes are mapped onto
//     the user: the pool's inbound federation function may change them;
//   - preSignUp with source PreSignUp_ExternalProvider, before a federated
//     user is first created (its answer's autoConfirmUser and
//     autoVerifyEmail apply as at SignUp);
//   - preTokenGeneration through issueTokens with session source
//     triggers.TokenHostedAuth, for tokens of the managed login pages.

// InboundFederation runs pool poolID's inbound federation function
// (InboundFederation_ExternalProvider) for a sign-in through app client
// clientID with provider providerName of type providerType ("OIDC",
// "SAML", "Google", ...), about userName (the user's name in the pool,
// "<provider>_<id>"), with what the provider said in attrs. It returns
// the attributes to map onto the user: the function's userAttributesToMap,
// or, when the pool has no such function, the ID token's (OIDC), userinfo
// or SAML attributes as given.
func (s *Service) InboundFederation(ctx context.Context, poolID, clientID, userName, providerName, providerType string, attrs triggers.InboundFederationAttributes) (map[string]string, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	given := map[string]string{}
	for _, m := range []map[string]string{attrs.SAMLResponse, attrs.UserInfo, attrs.IDToken} {
		maps.Copy(given, m)
	}
	fn := s.function(p, triggers.InboundFederation)
	if fn == "" {
		return given, nil
	}
	h := header(p, nil, "InboundFederation_ExternalProvider", userName)
	h.CallerContext.ClientID = clientID
	req := triggers.InboundFederationRequest{ProviderName: providerName, ProviderType: providerType, Attributes: attrs}
	resp := triggers.InboundFederationResponse{UserAttributesToMap: given}
	if err := call(ctx, s, triggers.InboundFederation, fn, h, req, &resp, false); err != nil {
		return nil, err
	}
	if resp.UserAttributesToMap == nil {
		return map[string]string{}, nil
	}
	return resp.UserAttributesToMap, nil
}
