package sts

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/iam"
	"github.com/cognate-dev/cognate/internal/secret"
)

// Session is what a session token seals: everything needed to verify a
// signature made with the credentials and to authorize what they ask, so
// that any node holding the server key can do both without storage.
//
// The token is secret.KeyRing.SealJSON of the session (AES-256-GCM under
// the current server key, which rotates with the key ring) with the access
// key id as additional data, so a token works only with its own access key
// id, and with the expiry sealed alongside.
type Session struct {
	// AccessKeyID is not sealed inside the token; it is bound to it as
	// the seal's additional data.
	AccessKeyID     string `json:"-"`
	SecretAccessKey string `json:"k"`
	RoleARN         string `json:"r"`
	RoleID          string `json:"ri"`
	SessionName     string `json:"s"`
	IssuedAt        int64  `json:"i"` // unix seconds
	Expiration      int64  `json:"e"` // unix seconds
	// Provider is the federated principal that vouched for the caller:
	// CognitoProvider for identity pools, or an IAM OIDC provider's ARN.
	Provider string   `json:"p,omitempty"`
	Subject  string   `json:"sub,omitempty"`
	Audience []string `json:"aud,omitempty"`
	AMR      []string `json:"amr,omitempty"`
	// The identity pool identity and the user pool user behind it, when
	// known.
	IdentityID     string `json:"id,omitempty"`
	IdentityPoolID string `json:"ip,omitempty"`
	UserPoolID     string `json:"up,omitempty"`
	Username       string `json:"un,omitempty"`
	UserSub        string `json:"us,omitempty"`
	// PrincipalTags are the session tags (aws:PrincipalTag/<key>).
	PrincipalTags map[string]string `json:"t,omitempty"`
	// Policy is the session policy passed to AssumeRoleWithWebIdentity,
	// which further limits what the role's policies allow.
	Policy string `json:"pol,omitempty"`
}

// RoleName is the name in RoleARN.
func (s *Session) RoleName() string {
	_, _, name, _ := iam.ParseRoleARN(s.RoleARN)
	return name
}

// Account is the account in RoleARN.
func (s *Session) Account() string {
	account, _, _, _ := iam.ParseRoleARN(s.RoleARN)
	return account
}

// AssumedRoleARN is the session's principal:
// arn:aws:sts::<account>:assumed-role/<role name>/<session name>.
func (s *Session) AssumedRoleARN() string {
	return "arn:aws:sts::" + s.Account() + ":assumed-role/" + s.RoleName() + "/" + s.SessionName
}

// UserID is the session's aws:userid: "<role id>:<session name>".
func (s *Session) UserID() string { return s.RoleID + ":" + s.SessionName }

// ExpiresAt is Expiration as a time.
func (s *Session) ExpiresAt() time.Time { return time.Unix(s.Expiration, 0).UTC() }

// KeyPrefix is the prefix of the provider's condition keys:
// "cognito-identity.amazonaws.com", or an OIDC provider's URL without its
// scheme ("issuer.example/tenant" for
// arn:aws:iam::<account>:oidc-provider/issuer.example/tenant).
func (s *Session) KeyPrefix() string { return keyPrefix(s.Provider) }

func keyPrefix(provider string) string {
	if _, rest, ok := strings.Cut(provider, ":oidc-provider/"); ok && strings.HasPrefix(provider, "arn:") {
		return rest
	}
	return provider
}

// sessionAAD binds a token to its access key id.
func sessionAAD(accessKeyID string) string { return "sts-session:" + accessKeyID }

// Credentials are vended temporary credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	// AssumedRoleARN (arn:aws:sts::<account>:assumed-role/<role>/<session>)
	// and AssumedRoleID ("<role id>:<session>") name the session.
	AssumedRoleARN string
	AssumedRoleID  string
	// SubjectFromWebIdentityToken, Provider and Audience echo the web
	// identity, as AssumeRoleWithWebIdentity returns them.
	SubjectFromWebIdentityToken string
	Provider                    string
	Audience                    string
	// PackedPolicySize is how full the session policy and session tags
	// make STS's packed-size limit, in percent.
	PackedPolicySize int
	// Session is what SessionToken seals.
	Session *Session
}

// mint fills in the session's keys and times and seals it.
func (s *Service) mint(sess *Session, now time.Time, d time.Duration) (*Credentials, error) {
	issued := now.Truncate(time.Second)
	exp := issued.Add(d)
	sess.AccessKeyID = "ASIA" + secret.RandomString(16, secret.UpperAlnum)
	sess.SecretAccessKey = secret.RandomString(40, secret.Alnum)
	sess.IssuedAt, sess.Expiration = issued.Unix(), exp.Unix()
	tok, err := s.ring.SealJSON(sess, sessionAAD(sess.AccessKeyID), exp.Sub(now), now)
	if err != nil {
		return nil, err
	}
	return &Credentials{
		AccessKeyID:     sess.AccessKeyID,
		SecretAccessKey: sess.SecretAccessKey,
		SessionToken:    tok,
		Expiration:      exp.UTC(),
		AssumedRoleARN:  sess.AssumedRoleARN(),
		AssumedRoleID:   sess.UserID(),
		Session:         sess,
	}, nil
}

// OpenSession returns the session a token seals for accessKeyID. It fails
// with awsproto.ErrUnknownAccessKey when the token is not one of this
// server's or belongs to another access key id, and with
// awsproto.ErrExpiredToken when the credentials have expired.
//
// Opened sessions are cached (by access key id and token), so a client
// making many calls costs one decryption; a cached session still expires
// on time. The returned Session is shared: callers must not modify it.
func (s *Service) OpenSession(accessKeyID, sessionToken string) (*Session, error) {
	if !strings.HasPrefix(accessKeyID, "ASIA") || sessionToken == "" {
		return nil, awsproto.ErrUnknownAccessKey
	}
	now := s.now()
	key := accessKeyID + "\x00" + sessionToken
	if sess := s.sessions.get(key); sess != nil {
		if now.Unix() >= sess.Expiration {
			return nil, awsproto.ErrExpiredToken
		}
		return sess, nil
	}
	var sess Session
	err := s.ring.OpenJSON(sessionToken, sessionAAD(accessKeyID), now, &sess)
	switch {
	case errors.Is(err, secret.ErrExpired):
		return nil, awsproto.ErrExpiredToken
	case err != nil:
		return nil, awsproto.ErrUnknownAccessKey
	}
	sess.AccessKeyID = accessKeyID
	s.sessions.put(key, &sess)
	return &sess, nil
}

// sessionCache keeps opened sessions. When it holds max of them it starts
// afresh: a crude bound, enough to keep active clients' sessions warm.
type sessionCache struct {
	mu  sync.RWMutex
	max int
	m   map[string]*Session
}

func newSessionCache(max int) *sessionCache {
	return &sessionCache{max: max, m: make(map[string]*Session)}
}

func (c *sessionCache) get(key string) *Session {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[key]
}

func (c *sessionCache) put(key string, sess *Session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.m = make(map[string]*Session)
	}
	c.m[key] = sess
}

// LookupCredential implements awsproto.CredentialSource for vended
// credentials: the secret comes out of the session token, so verifying a
// signature needs no storage. Callers see the session as Caller.Session
// (a *Session).
func (s *Service) LookupCredential(_ context.Context, accessKeyID, sessionToken string) (awsproto.Credential, error) {
	sess, err := s.OpenSession(accessKeyID, sessionToken)
	if err != nil {
		return awsproto.Credential{}, err
	}
	return awsproto.Credential{SecretAccessKey: sess.SecretAccessKey, Principal: sess.AssumedRoleARN(), Session: sess}, nil
}

var _ awsproto.CredentialSource = (*Service)(nil)
