package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cognate-dev/cognate/internal/apigateway"
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/lambdainvoke"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/sts"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// newAPIGateway builds the API gateway the configuration asks for (nil
// when it is off).
func (a *App) newAPIGateway(creds awsproto.CredentialSource) (*apigateway.Gateway, error) {
	gc := a.cfg.APIGateway
	if !gc.Enabled() {
		return nil, nil
	}
	cfg := apigateway.Config{
		Upstream: gc.Upstream, Mode: gc.Mode, Function: gc.Function, PayloadVersion: gc.PayloadVersion,
		Authorizer: gc.Authorizer, UserPoolID: gc.UserPoolID, RequiredScopes: gc.Scopes(),
		IdentityPoolID: gc.IdentityPoolID, APIID: gc.APIID, Stage: gc.Stage, AccountID: a.cfg.AccountID,
		Tokens:      poolTokens{users: a.users, poolID: gc.UserPoolID},
		Credentials: creds,
		Policies:    invokePolicies{sts: a.sts, account: a.cfg.AccountID},
		Identities:  linkedIdentities{a},
		Logger:      a.log.With("listener", "api"),
		Observe:     func(decision string) { a.metrics.Gateway("api", decision) },
		Now:         a.now,
	}
	if gc.Mode == apigateway.ModeLambdaProxy {
		lcfg := lambdainvoke.Config{
			Endpoint: gc.Upstream, AccessKeyID: a.cfg.Lambda.AccessKeyID, SecretAccessKey: a.cfg.Lambda.SecretAccessKey,
			Region: a.cfg.Lambda.Region, Timeout: a.cfg.Lambda.Timeout, Observe: a.metrics.Invocation,
		}
		if a.tracer != nil {
			lcfg.Trace = a.tracer.Start
		}
		lc, err := lambdainvoke.New(lcfg)
		if err != nil {
			return nil, err
		}
		cfg.Lambda = lc
	}
	return apigateway.New(cfg)
}

// APIGateway is the API gateway's handler, nil when none is configured.
func (a *App) APIGateway() http.Handler {
	if a.api == nil {
		return nil
	}
	return a.api
}

// poolTokens verifies the tokens of the API's user pool.
type poolTokens struct {
	users  *userpool.Service
	poolID string
}

func (p poolTokens) Verify(ctx context.Context, raw string) (*apigateway.Token, error) {
	v, err := p.users.VerifyToken(ctx, p.poolID, raw)
	if userpool.AsError(err) != nil {
		return nil, fmt.Errorf("%w: %v", apigateway.ErrInvalidToken, err)
	}
	if err != nil {
		return nil, err
	}
	return &apigateway.Token{Use: v.Use, ClientID: v.ClientID, Sub: v.Sub, Username: v.Username, Scopes: v.Scopes, Claims: v.Claims}, nil
}

// invokePolicies decides execute-api:Invoke with the session's role.
type invokePolicies struct {
	sts     *sts.Service
	account string
}

func (p invokePolicies) Describe(c *awsproto.Caller) apigateway.Principal {
	out := apigateway.Principal{AccessKeyID: c.AccessKeyID, AccountID: p.account}
	if c.Session == nil && c.Principal == rootPrincipal {
		out.Root = true
		return out
	}
	if s, ok := c.Session.(*sts.Session); ok {
		out.AssumedRoleARN, out.UserID, out.AccountID = s.AssumedRoleARN(), s.UserID(), s.Account()
		out.IdentityID, out.IdentityPoolID = s.IdentityID, s.IdentityPoolID
		out.UserPoolID, out.Username, out.UserSub = s.UserPoolID, s.Username, s.UserSub
		out.AMR = s.AMR
	}
	return out
}

func (p invokePolicies) Invoke(ctx context.Context, c *awsproto.Caller, resource, sourceIP string, secure bool) (bool, error) {
	if _, ok := c.Session.(*sts.Session); !ok {
		return false, nil
	}
	ds, err := p.sts.Decide(ctx, c, sts.Env{SourceIP: sourceIP, SecureTransport: secure},
		[]sts.Permission{{Action: "execute-api:Invoke", Resource: resource}})
	if err != nil {
		return false, err
	}
	return len(ds) == 1 && ds[0] == policy.Allow, nil
}

// linkedIdentities reads the link: a user's identity in an identity pool.
type linkedIdentities struct{ a *App }

func (l linkedIdentities) IdentityOf(ctx context.Context, identityPoolID, userPoolID, sub string) (string, error) {
	logins, err := l.a.store.Identities().LoginsOfUser(ctx, userPoolID, sub)
	if err != nil {
		return "", err
	}
	for _, lg := range logins {
		if lg.IdentityPoolID == identityPoolID {
			return lg.IdentityID, nil
		}
	}
	return "", nil
}
