package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// cacheTTL bounds how long a node serves a pool or client setting after
// another node changed it. Local writes invalidate at once.
const cacheTTL = 5 * time.Second

// pool is a loaded user pool: the record and its parsed settings.
type pool struct {
	rec storage.Pool
	cfg *poolConfig
	// readOnly names attributes the server maintains, which no app client
	// may write (Deps.ReadOnlyAttributes); nil when there are none.
	readOnly map[string]bool
}

// client is a loaded app client: the record, its parsed settings and its
// secrets in the clear: secret is the oldest ("" when it has none), the one
// DescribeUserPoolClient shows; secrets are all it accepts, oldest first.
type client struct {
	rec     storage.Client
	cfg     *cip.UserPoolClientType
	secret  string
	secrets []clientSecret
}

type cacheEntry[T any] struct {
	val     T
	expires time.Time
}

// cache keeps parsed pools and clients for cacheTTL: every unsigned request
// needs its client and pool, and parsing JSON settings each time would cost
// more than the rest of a GetUser.
type cache struct {
	ttl     time.Duration
	now     func() time.Time
	mu      sync.RWMutex
	pools   map[string]cacheEntry[*pool]
	clients map[string]cacheEntry[*client]
	// brandings are app clients' managed login brandings by
	// "<pool>/<client>" (branding_doc.go).
	brandings map[string]cacheEntry[*Branding]
	// stored are pools as a write's transaction last read them when they
	// differed from the copy in pools (inForce), so that the settings are
	// parsed once per change, not once per write.
	stored map[string]*pool
}

func newCache(ttl time.Duration, now func() time.Time) *cache {
	return &cache{ttl: ttl, now: now, pools: map[string]cacheEntry[*pool]{}, clients: map[string]cacheEntry[*client]{},
		brandings: map[string]cacheEntry[*Branding]{}, stored: map[string]*pool{}}
}

func (c *cache) forgetPool(id string) {
	c.mu.Lock()
	delete(c.pools, id)
	delete(c.stored, id)
	c.mu.Unlock()
}

func (c *cache) forgetClient(id string) {
	c.mu.Lock()
	delete(c.clients, id)
	c.mu.Unlock()
}

// loadPool returns the pool with the given id, or ResourceNotFoundException,
// also for a pool being deleted (its mark is read past the cache only: a
// pool cached before its deletion stays visible here for up to the
// cache's TTL, and the deletion runner waits that long; see
// pool_delete.go).
func (s *Service) loadPool(ctx context.Context, id string) (*pool, error) {
	c := s.cache
	now := c.now()
	c.mu.RLock()
	e, ok := c.pools[id]
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.val, nil
	}
	return s.storedPool(ctx, id)
}

// storedPool reads the pool with the given id from the store, as loadPool
// does past the cache, and caches it.
func (s *Service) storedPool(ctx context.Context, id string) (*pool, error) {
	c := s.cache
	now := c.now()
	rec, err := s.store.Pools().Get(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, poolNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	p, err := parsePool(rec)
	if err != nil {
		return nil, err
	}
	if p.cfg.Deleting != nil {
		return nil, poolNotFound(id)
	}
	if s.readOnly != nil {
		names, err := s.readOnly(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("userpool: read-only attributes of %s: %w", id, err)
		}
		for _, n := range names {
			if p.readOnly == nil {
				p.readOnly = map[string]bool{}
			}
			p.readOnly[n] = true
		}
	}
	c.mu.Lock()
	c.pools[id] = cacheEntry[*pool]{val: p, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return p, nil
}

func parsePool(rec storage.Pool) (*pool, error) {
	cfg := &poolConfig{}
	if err := json.Unmarshal(rec.Config, cfg); err != nil {
		return nil, fmt.Errorf("userpool: pool %s settings: %w", rec.ID, err)
	}
	return &pool{rec: rec, cfg: cfg}, nil
}

// loadClient returns the client with the given id, or
// ResourceNotFoundException.
func (s *Service) loadClient(ctx context.Context, id string) (*client, error) {
	c := s.cache
	now := c.now()
	c.mu.RLock()
	e, ok := c.clients[id]
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.val, nil
	}
	rec, err := s.store.Clients().Get(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, clientNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	cl, err := s.parseClient(rec)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.clients[id] = cacheEntry[*client]{val: cl, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return cl, nil
}

func (s *Service) parseClient(rec storage.Client) (*client, error) {
	cfg := &cip.UserPoolClientType{}
	if err := json.Unmarshal(rec.Config, cfg); err != nil {
		return nil, fmt.Errorf("userpool: client %s settings: %w", rec.ID, err)
	}
	secrets, err := s.openClientSecrets(rec)
	if err != nil {
		return nil, err
	}
	cl := &client{rec: rec, cfg: cfg, secrets: secrets}
	if len(secrets) > 0 {
		cl.secret = secrets[0].Value
	}
	return cl, nil
}

func clientSecretAAD(clientID string) []byte { return []byte("client-secret:" + clientID) }

// clientAndPool loads the app client an unsigned end-user operation names
// by ClientId, and the pool it belongs to.
func (s *Service) clientAndPool(ctx context.Context, clientID string) (*client, *pool, error) {
	cl, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.loadPool(ctx, cl.rec.PoolID)
	if err != nil {
		return nil, nil, err
	}
	return cl, p, nil
}

// loadClientOfPool loads a client and checks it belongs to the pool.
func (s *Service) loadClientOfPool(ctx context.Context, poolID, clientID string) (*pool, *client, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	cl, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	if cl.rec.PoolID != poolID {
		return nil, nil, clientNotFound(clientID)
	}
	return p, cl, nil
}

// storedPool is the pool kept by keepStored if it is the one stored at
// updatedAt, else nil.
func (c *cache) storedPool(id string, updatedAt time.Time) *pool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if p := c.stored[id]; p != nil && p.rec.UpdatedAt.Equal(updatedAt) {
		return p
	}
	return nil
}

// maxStored bounds cache.stored: another node's changes and deletions
// leave entries that nothing here forgets, and a server with pools coming
// and going must not keep them all.
const maxStored = 1024

func (c *cache) keepStored(p *pool) {
	c.mu.Lock()
	if len(c.stored) >= maxStored {
		clear(c.stored)
	}
	c.stored[p.rec.ID] = p
	c.mu.Unlock()
}
