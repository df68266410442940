package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Defaults of Options.
const (
	DefaultTimeout    = 5 * time.Second
	DefaultTTL        = time.Hour
	DefaultMinRefresh = 30 * time.Second
	// staleFor is how long keys keep serving when refetching them fails.
	staleFor = 24 * time.Hour
	// maxDocument bounds a discovery document or key set.
	maxDocument = 1 << 20
)

// Options configure a Verifier.
type Options struct {
	// Client makes the HTTP requests; nil means a client with Timeout.
	Client *http.Client
	// Timeout bounds each fetch; 0 means DefaultTimeout.
	Timeout time.Duration
	// TTL is how long a fetched key set is used before it is fetched
	// again; 0 means DefaultTTL.
	TTL time.Duration
	// MinRefresh is the least time between two fetches for one issuer
	// when tokens name unknown keys; 0 means DefaultMinRefresh.
	MinRefresh time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verifier verifies tokens of external OIDC issuers. It is safe for
// concurrent use.
type Verifier struct {
	client                   *http.Client
	timeout, ttl, minRefetch time.Duration
	now                      func() time.Time

	mu      sync.Mutex
	issuers map[string]*issuerKeys
}

// NewVerifier returns a Verifier.
func NewVerifier(o Options) *Verifier {
	v := &Verifier{client: o.Client, timeout: o.Timeout, ttl: o.TTL, minRefetch: o.MinRefresh, now: o.Now,
		issuers: make(map[string]*issuerKeys)}
	if v.timeout <= 0 {
		v.timeout = DefaultTimeout
	}
	if v.client == nil {
		v.client = &http.Client{Timeout: v.timeout}
	}
	if v.ttl <= 0 {
		v.ttl = DefaultTTL
	}
	if v.minRefetch <= 0 {
		v.minRefetch = DefaultMinRefresh
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v
}

// issuerKeys is the cached key set of one issuer. mu serialises fetches,
// so concurrent misses make one request.
type issuerKeys struct {
	mu      sync.Mutex
	keys    *jose.JSONWebKeySet
	fetched time.Time // zero until a fetch succeeded
	tried   time.Time // last fetch attempt
}

func (v *Verifier) entry(issuer string) *issuerKeys {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.issuers[issuer]
	if e == nil {
		e = &issuerKeys{}
		v.issuers[issuer] = e
	}
	return e
}

// keys returns the issuer's keys with kid (all keys when kid is ""),
// fetching the key set when the cache is empty or old, or (rate-limited)
// when it lacks kid.
func (v *Verifier) keys(ctx context.Context, issuer, kid string) ([]jose.JSONWebKey, error) {
	e := v.entry(issuer)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := v.now()
	fresh := e.keys != nil && now.Sub(e.fetched) < v.ttl
	if fresh {
		if found := lookup(e.keys, kid); len(found) > 0 || now.Sub(e.tried) < v.minRefetch {
			return found, nil
		}
	} else if e.keys != nil && now.Sub(e.tried) < v.minRefetch {
		return lookup(e.keys, kid), nil // a refetch just failed: keep the old keys
	}
	e.tried = now
	set, err := v.fetch(ctx, issuer)
	if err != nil {
		if e.keys != nil && now.Sub(e.fetched) < staleFor {
			return lookup(e.keys, kid), nil
		}
		return nil, err
	}
	e.keys, e.fetched = set, now
	return lookup(set, kid), nil
}

func lookup(set *jose.JSONWebKeySet, kid string) []jose.JSONWebKey {
	if kid == "" {
		return set.Keys
	}
	return set.Key(kid)
}

// fetch reads the issuer's discovery document and then its key set.
func (v *Verifier) fetch(ctx context.Context, issuer string) (*jose.JSONWebKeySet, error) {
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	discovery := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	if err := v.getJSON(ctx, discovery, &doc); err != nil {
		return nil, err
	}
	if doc.Issuer != issuer {
		return nil, &Error{Kind: ErrInvalidToken, Message: msgNoKey,
			Detail: fmt.Sprintf("discovery document names issuer %q, not %q", doc.Issuer, issuer)}
	}
	if !allowedURL(doc.JWKSURI) || (isHTTP(doc.JWKSURI) && !isHTTP(issuer)) {
		return nil, &Error{Kind: ErrInvalidToken, Message: msgNoKey, Detail: fmt.Sprintf("jwks_uri %q is not https", doc.JWKSURI)}
	}
	var set jose.JSONWebKeySet
	if err := v.getJSON(ctx, doc.JWKSURI, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// getJSON fetches url and decodes its JSON body into dst.
func (v *Verifier) getJSON(ctx context.Context, rawURL string, dst any) error {
	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return &Error{Kind: ErrUnreachable, Message: msgUnreachable, Detail: err.Error()}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return &Error{Kind: ErrUnreachable, Message: msgUnreachable, Detail: err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &Error{Kind: ErrUnreachable, Message: msgUnreachable, Detail: fmt.Sprintf("GET %s: %s", rawURL, resp.Status)}
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "" && !strings.Contains(mt, "json") {
		return &Error{Kind: ErrInvalidToken, Message: msgNoKey, Detail: fmt.Sprintf("GET %s: content type %s", rawURL, mt)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return &Error{Kind: ErrUnreachable, Message: msgUnreachable, Detail: err.Error()}
	}
	if len(body) > maxDocument {
		return &Error{Kind: ErrInvalidToken, Message: msgNoKey, Detail: fmt.Sprintf("GET %s: document too large", rawURL)}
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return &Error{Kind: ErrInvalidToken, Message: msgNoKey, Detail: fmt.Sprintf("GET %s: %v", rawURL, err)}
	}
	return nil
}

// isHTTP reports whether raw is a plain-HTTP URL.
func isHTTP(raw string) bool { return strings.HasPrefix(strings.ToLower(raw), "http:") }

// allowedURL reports whether keys may be fetched from raw: https, or http
// to a loopback host (only for an issuer that is itself such a host).
func allowedURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		host := u.Hostname()
		ip := net.ParseIP(host)
		return strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback())
	}
	return false
}
