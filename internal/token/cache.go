package token

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Cache timing.
const (
	// cacheTTL is how long a pool's keys are used before being reloaded,
	// which bounds how late a node notices a rotation done elsewhere.
	cacheTTL = 30 * time.Second
	// minReload is the least time between two reloads of one pool caused by
	// unknown kids, so garbage tokens cannot hammer the database.
	minReload = 200 * time.Millisecond
	// maxPools bounds the number of pools cached at once (Verify may be
	// asked about pool ids taken from untrusted tokens).
	maxPools = 10000
)

// verifyKey is a published public key.
type verifyKey struct {
	kid       string
	use       string
	alg       string
	hash      crypto.Hash
	pub       *rsa.PublicKey
	jwk       jwk
	createdAt time.Time
	retireAt  time.Time // zero while current
}

// published reports whether the key is in the JWKS at t.
func (k *verifyKey) published(t time.Time) bool {
	return k.retireAt.IsZero() || t.Before(k.retireAt)
}

// signer is the current signing key of one use.
type signer struct {
	kid    string
	alg    string
	hash   crypto.Hash
	priv   *rsa.PrivateKey
	header string // base64url of {"kid":...,"alg":...}
}

// snapshot is one pool's keys as loaded at loadedAt. It is never changed
// after it is built, so readers need no lock.
type snapshot struct {
	loadedAt  time.Time
	keys      map[string]*verifyKey // kid -> key
	published []*verifyKey          // newest first
	signers   map[string]*signer    // use -> current key
	signErrs  map[string]error      // use -> why its current key is unusable
}

// poolEntry holds a pool's current snapshot; mu serialises reloads.
type poolEntry struct {
	mu   sync.Mutex
	snap atomic.Pointer[snapshot]
}

// entry returns the cache entry of poolID, making it if needed.
func (i *Issuer) entry(poolID string) *poolEntry {
	i.mu.RLock()
	e := i.pools[poolID]
	i.mu.RUnlock()
	if e != nil {
		return e
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if e = i.pools[poolID]; e != nil {
		return e
	}
	if len(i.pools) >= maxPools {
		for id := range i.pools { // evict an arbitrary pool
			delete(i.pools, id)
			break
		}
	}
	e = &poolEntry{}
	i.pools[poolID] = e
	return e
}

// invalidate drops poolID's cached keys so the next use reloads them.
// It waits for a reload in progress, which may have read the old keys.
func (i *Issuer) invalidate(poolID string) {
	e := i.entry(poolID)
	e.mu.Lock()
	e.snap.Store(nil)
	e.mu.Unlock()
}

// snapshot returns poolID's keys, reloading them when they are older than
// cacheTTL or, if force is set, older than minReload. If a reload fails and
// older keys are cached, those are returned.
func (i *Issuer) snapshot(ctx context.Context, poolID string, force bool) (*snapshot, error) {
	e := i.entry(poolID)
	s := e.snap.Load()
	if s != nil && !i.stale(s, force) {
		return s, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s = e.snap.Load(); s != nil && !i.stale(s, force) {
		return s, nil // reloaded by another caller while we waited
	}
	fresh, err := i.load(ctx, poolID, s)
	if err != nil {
		if s != nil {
			return s, nil
		}
		return nil, err
	}
	e.snap.Store(fresh)
	return fresh, nil
}

func (i *Issuer) stale(s *snapshot, force bool) bool {
	limit := cacheTTL
	if force {
		limit = minReload
	}
	age := i.now().Sub(s.loadedAt)
	return age < 0 || age >= limit
}

// load reads poolID's keys from storage. Parsed private keys of prev are
// reused, so a reload costs one query and no RSA work unless keys changed.
func (i *Issuer) load(ctx context.Context, poolID string, prev *snapshot) (*snapshot, error) {
	records, err := i.keys.List(ctx, poolID)
	if err != nil {
		return nil, fmt.Errorf("token: load keys of pool %s: %w", poolID, err)
	}
	now := i.now()
	sort.SliceStable(records, func(a, b int) bool {
		if !records[a].CreatedAt.Equal(records[b].CreatedAt) {
			return records[a].CreatedAt.After(records[b].CreatedAt)
		}
		return records[a].ID < records[b].ID
	})
	s := &snapshot{
		loadedAt: now,
		keys:     make(map[string]*verifyKey, len(records)),
		signers:  make(map[string]*signer, 2),
		signErrs: make(map[string]error),
	}
	for _, r := range records {
		hash, ok := algorithms[r.Algorithm]
		if !ok || r.PoolID != poolID {
			continue
		}
		k := &verifyKey{kid: r.ID, use: r.Use, alg: r.Algorithm, hash: hash, createdAt: r.CreatedAt, retireAt: r.RetireAt}
		if !k.published(now) {
			continue
		}
		pub, j, err := parseJWK(r.PublicJWK)
		if err != nil || j.Kid != r.ID {
			if r.RetireAt.IsZero() && s.signers[r.Use] == nil && s.signErrs[r.Use] == nil {
				s.signErrs[r.Use] = fmt.Errorf("token: key %s: bad public key: %v", r.ID, err)
			}
			continue
		}
		k.pub, k.jwk = pub, newJWK(pub, r.ID, r.Algorithm)
		s.keys[k.kid] = k
		s.published = append(s.published, k)

		// The newest key in use (not yet given a RetireAt) signs.
		if !r.RetireAt.IsZero() || s.signers[r.Use] != nil || s.signErrs[r.Use] != nil {
			continue
		}
		if old := prev.signer(r.Use); old != nil && old.kid == r.ID {
			s.signers[r.Use] = old
			continue
		}
		priv, err := openPrivate(i.ring, r, pub)
		if err != nil {
			s.signErrs[r.Use] = err
			continue
		}
		s.signers[r.Use] = newSigner(r.ID, r.Algorithm, hash, priv)
	}
	return s, nil
}

func (s *snapshot) signer(use string) *signer {
	if s == nil {
		return nil
	}
	return s.signers[use]
}

func newSigner(kid, alg string, hash crypto.Hash, priv *rsa.PrivateKey) *signer {
	// Cognito's header: {"kid":"...","alg":"RS256"}, no typ. kid is
	// base64url, so it needs no JSON escaping.
	header := `{"kid":"` + kid + `","alg":"` + alg + `"}`
	return &signer{kid: kid, alg: alg, hash: hash, priv: priv, header: base64.RawURLEncoding.EncodeToString([]byte(header))}
}
