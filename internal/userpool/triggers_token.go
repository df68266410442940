package userpool

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// preTokenVersion is the event version of the pool's pre token generation
// function (LambdaVersion V1_0, V2_0 or V3_0).
func (p *pool) preTokenVersion() string {
	if c := p.cfg.LambdaConfig.PreTokenGenerationConfig; c != nil {
		switch c.LambdaVersion {
		case "V2_0":
			return triggers.PreTokenV2
		case "V3_0":
			return triggers.PreTokenV3
		}
	}
	return triggers.PreTokenV1
}

// preTokenGeneration lets the pool's pre token generation function change
// the claims of tokens about to be issued to u: c holds the ID and access
// token claims and the access token's scopes, gc the user's groups, source
// the trigger source (TokenGeneration_Authentication, _RefreshTokens, ...).
// It runs before anything of the issuance is stored; its error refuses
// the tokens.
func (s *Service) preTokenGeneration(ctx context.Context, p *pool, cl *client, u *storage.User, source string, gc groupClaims, c *triggers.Claims) error {
	fn := s.function(p, triggers.PreTokenGeneration)
	if fn == "" {
		return nil
	}
	version := p.preTokenVersion()
	h := header(p, cl, source, u.Username)
	h.Version = version
	req := triggers.PreTokenRequest{UserAttributes: eventAttributes(u), ClientMetadata: clientMetadata(ctx),
		GroupConfiguration: triggers.GroupConfiguration{GroupsToOverride: orEmpty(gc.groups), IAMRolesToOverride: orEmpty(gc.roles)}}
	if gc.preferred != "" {
		req.GroupConfiguration.PreferredRole = ptr(gc.preferred)
	}
	if version == triggers.PreTokenV1 {
		var resp triggers.PreTokenV1Response
		if err := call(ctx, s, triggers.PreTokenGeneration, fn, h, req, &resp, false); err != nil {
			return err
		}
		triggers.ApplyV1(resp, c)
		return nil
	}
	req.Scopes = c.Scopes
	var resp triggers.PreTokenV2Response
	if err := call(ctx, s, triggers.PreTokenGeneration, fn, h, req, &resp, false); err != nil {
		return err
	}
	triggers.ApplyV2(resp, c)
	return nil
}

// claimsMap is v (a claims struct) as a claims map, which a trigger can
// change.
func claimsMap(v any) map[string]any {
	raw, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// ClientCredentialsToken runs the pool's pre token generation trigger for
// an access token issued to an app client by the client_credentials grant
// (trigger source TokenGeneration_ClientCredentials). As in Cognito, only
// an event version 3 (V3_0) function is invoked for machine-to-machine
// tokens. claims are the access token's claims and scopes its scopes; the
// answer's changes are applied to claims, and the scopes returned (also
// written to claims["scope"]). The OAuth token endpoint calls it before
// signing.
func (s *Service) ClientCredentialsToken(ctx context.Context, poolID, clientID string, claims map[string]any, scopes []string) ([]string, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	fn := s.function(p, triggers.PreTokenGeneration)
	if fn == "" || p.preTokenVersion() != triggers.PreTokenV3 {
		return scopes, nil
	}
	h := header(p, nil, triggers.TokenClientCredentials, clientID)
	h.Version, h.CallerContext.ClientID = triggers.PreTokenV3, clientID
	req := triggers.PreTokenRequest{UserAttributes: triggers.Attributes{}, ClientMetadata: clientMetadata(ctx), Scopes: scopes,
		GroupConfiguration: triggers.GroupConfiguration{GroupsToOverride: []string{}, IAMRolesToOverride: []string{}}}
	var resp triggers.PreTokenV2Response
	if err := call(ctx, s, triggers.PreTokenGeneration, fn, h, req, &resp, false); err != nil {
		return nil, err
	}
	c := triggers.Claims{Access: claims, Scopes: append([]string(nil), scopes...)}
	triggers.ApplyV2(resp, &c)
	claims["scope"] = strings.Join(c.Scopes, " ")
	return c.Scopes, nil
}
