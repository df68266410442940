package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
	"github.com/google/uuid"
)

// Token uses, as recorded in token_use and as the signing key's use.
const (
	useAccess = "access"
	useID     = "id"
)

// accessClaims are an access token's claims (cognito-wire.md 3.3).
type accessClaims struct {
	Sub       string   `json:"sub"`
	Groups    []string `json:"cognito:groups,omitempty"`
	Iss       string   `json:"iss"`
	ClientID  string   `json:"client_id"`
	OriginJTI string   `json:"origin_jti"`
	EventID   string   `json:"event_id"`
	TokenUse  string   `json:"token_use"`
	Scope     string   `json:"scope"`
	AuthTime  int64    `json:"auth_time"`
	Exp       int64    `json:"exp"`
	Iat       int64    `json:"iat"`
	JTI       string   `json:"jti"`
	Username  string   `json:"username"`
	DeviceKey string   `json:"device_key,omitempty"`
}

// session is one sign-in: what every token issued from it shares. A
// session without an originJTI asks issueTokens to start one.
type session struct {
	originJTI string
	familyID  string
	authTime  time.Time
	eventID   string
	deviceKey string
	// source is the pre token generation trigger source of the issuance;
	// "" means TokenGeneration_Authentication.
	source string
	// scope and nonce are those of an OAuth grant ("" for the API's
	// sign-ins: scope aws.cognito.signin.user.admin, no nonce); origin, when
	// set, is the origin_jti a fresh session takes (an authorization code
	// names it in advance, so a replayed code can revoke its tokens).
	scope, nonce, origin string
}

// adminScope is the scope of the API's tokens, which the self-service
// operations require.
const adminScope = "aws.cognito.signin.user.admin"

// atHash is the OpenID at_hash of an access token signed with RS256: the
// left half of its SHA-256, base64url (OpenID Connect Core 3.1.3.6).
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// issueTokens signs access and ID tokens for a user and, when withRefresh,
// creates and stores a refresh token that starts a new session.
func (s *Service) issueTokens(ctx context.Context, p *pool, cl *client, u *storage.User, sess *session) (*cip.AuthenticationResultType, error) {
	now := s.now()
	out := &cip.AuthenticationResultType{TokenType: "Bearer", ExpiresIn: ptr(int32(cl.accessTTL() / time.Second))}
	fresh := sess == nil || sess.originJTI == ""
	if fresh {
		start := &session{originJTI: uuid.NewString(), authTime: now, eventID: uuid.NewString()}
		if sess != nil {
			start.deviceKey, start.source = sess.deviceKey, sess.source
			start.scope, start.nonce = sess.scope, sess.nonce
			if !sess.authTime.IsZero() && sess.authTime.Before(now) {
				start.authTime = sess.authTime
			}
			if sess.origin != "" {
				start.originJTI = sess.origin
			}
		}
		sess = start
		sess.familyID = sess.originJTI
	}
	gs, err := s.store.Groups().OfUser(ctx, p.rec.ID, u.Sub)
	if err != nil {
		return nil, err
	}
	gc := claimsOfGroups(gs)
	scope := orDefault(sess.scope, adminScope)
	var access, id any = accessClaims{
		Sub: u.Sub, Groups: gc.groups, Iss: s.issuer(p.rec.ID), ClientID: cl.rec.ID, OriginJTI: sess.originJTI,
		EventID: sess.eventID, TokenUse: useAccess, Scope: scope,
		AuthTime: sess.authTime.Unix(), Iat: now.Unix(), Exp: now.Add(cl.accessTTL()).Unix(),
		JTI: uuid.NewString(), Username: u.Username, DeviceKey: sess.deviceKey,
	}, s.idClaims(p, cl, u, sess, gc, now)
	if sess.nonce != "" {
		id.(map[string]any)["nonce"] = sess.nonce
	}
	if s.function(p, triggers.PreTokenGeneration) != "" {
		c := triggers.Claims{ID: id.(map[string]any), Access: claimsMap(access), Scopes: strings.Fields(scope)}
		if err := s.preTokenGeneration(ctx, p, cl, u, orDefault(sess.source, triggers.TokenAuthentication), gc, &c); err != nil {
			return nil, err
		}
		access, id = c.Access, c.ID
	}
	if fresh {
		refresh := newRefreshToken()
		err := s.store.Tokens().Create(ctx, storage.RefreshToken{
			ID: hashRefresh(refresh), PoolID: p.rec.ID, ClientID: cl.rec.ID, Sub: u.Sub,
			OriginJTI: sess.originJTI, FamilyID: sess.familyID, DeviceKey: sess.deviceKey, AuthTime: sess.authTime,
			CreatedAt: now, ExpiresAt: now.Add(cl.refreshTTL()), Scope: sess.scope, Nonce: sess.nonce,
		})
		if err != nil {
			return nil, err
		}
		out.RefreshToken = refresh
	}
	accessToken, err := s.tokens.Sign(ctx, p.rec.ID, useAccess, access)
	if err != nil {
		return nil, err
	}
	if m, ok := id.(map[string]any); ok && sess.scope != "" {
		m["at_hash"] = atHash(accessToken)
	}
	idToken, err := s.tokens.Sign(ctx, p.rec.ID, useID, id)
	if err != nil {
		return nil, err
	}
	out.AccessToken, out.IdToken = accessToken, idToken
	return out, nil
}

// idClaims builds an ID token's claims: the standard ones, the user's
// groups and roles, and every attribute the client may read, typed as the
// schema says.
func (s *Service) idClaims(p *pool, cl *client, u *storage.User, sess *session, gc groupClaims, now time.Time) map[string]any {
	c := map[string]any{
		"sub":              u.Sub,
		"iss":              s.issuer(p.rec.ID),
		"aud":              cl.rec.ID,
		"cognito:username": u.Username,
		"origin_jti":       sess.originJTI,
		"event_id":         sess.eventID,
		"token_use":        useID,
		"auth_time":        sess.authTime.Unix(),
		"iat":              now.Unix(),
		"exp":              now.Add(cl.idTTL()).Unix(),
		"jti":              uuid.NewString(),
	}
	if gc.groups != nil {
		c["cognito:groups"] = gc.groups
	}
	if gc.roles != nil {
		c["cognito:roles"] = gc.roles
	}
	if gc.preferred != "" {
		c["cognito:preferred_role"] = gc.preferred
	}
	for name, v := range u.Attributes {
		if !cl.clientReadable(name) || slices.Contains(p.cfg.RemovedAttributes, name) {
			continue
		}
		if name == "identities" {
			// A JSON array in the attribute, an array in the token, as
			// Cognito issues it.
			var ids []any
			if json.Unmarshal([]byte(v), &ids) == nil {
				c[name] = ids
				continue
			}
		}
		def, _ := p.schemaAttribute(name)
		switch def.AttributeDataType {
		case "Boolean":
			c[name] = v == "true"
		case "Number":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && name == "updated_at" {
				c[name] = n
			} else {
				c[name] = v
			}
		default:
			c[name] = v
		}
	}
	return c
}

// newRefreshToken returns an opaque refresh token: 48 random bytes,
// base64url. Only its hash is stored.
func newRefreshToken() string {
	return base64.RawURLEncoding.EncodeToString(secret.RandomBytes(48))
}

func hashRefresh(tok string) []byte { return secret.HashToken(tok) }
