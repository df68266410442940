package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Errors. Callers test with errors.Is.
var (
	// ErrInvalid reports a token that is malformed, signed with an
	// algorithm or key the pool does not publish, badly signed, or not yet
	// valid.
	ErrInvalid = errors.New("token: invalid token")
	// ErrExpired reports a correctly signed token whose exp has passed.
	ErrExpired = errors.New("token: token expired")
	// ErrNoKey reports that a pool has no usable signing key for a use.
	ErrNoKey = errors.New("token: no signing key")
)

// Issuer signs and verifies a server's user-pool tokens. It is safe for
// concurrent use; see the package comment for its caching.
type Issuer struct {
	keys storage.Keys
	ring *secret.KeyRing
	now  func() time.Time

	mu    sync.RWMutex
	pools map[string]*poolEntry
	// signed, when set, is told of every token signed, by its use.
	signed func(use string)
}

// ObserveSigned makes the Issuer report each token it signs by its use
// ("id", "access", or an identity pool's "openid"). Call it before use.
func (i *Issuer) ObserveSigned(f func(use string)) { i.signed = f }

// NewIssuer returns an Issuer keeping keys in keys, sealed with ring, and
// reading the time from now (time.Now outside tests).
func NewIssuer(keys storage.Keys, ring *secret.KeyRing, now func() time.Time) *Issuer {
	return &Issuer{keys: keys, ring: ring, now: now, pools: make(map[string]*poolEntry)}
}

// EnsureKeys gives the pool an RS256 signing key for each of "id" and
// "access" unless it has one in use already. It is called when a pool is
// created and is harmless to call again.
func (i *Issuer) EnsureKeys(ctx context.Context, poolID string) error {
	return i.ensure(ctx, poolID, RS256, UseID, UseAccess)
}

// EnsureKey gives the pool a signing key for use with algorithm alg (RS256
// or RS512) unless it has one in use already.
func (i *Issuer) EnsureKey(ctx context.Context, poolID, use, alg string) error {
	return i.ensure(ctx, poolID, alg, use)
}

func (i *Issuer) ensure(ctx context.Context, poolID, alg string, uses ...string) error {
	existing, err := i.keys.List(ctx, poolID)
	if err != nil {
		return fmt.Errorf("token: list keys of pool %s: %w", poolID, err)
	}
	var missing []string
	for _, use := range uses {
		if !hasCurrent(existing, use) {
			missing = append(missing, use)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	// RSA key generation takes a while; make the keys side by side.
	now := i.now()
	made := make([]storage.SigningKey, len(missing))
	errs := make([]error, len(missing))
	var wg sync.WaitGroup
	for n, use := range missing {
		wg.Add(1)
		go func() {
			defer wg.Done()
			made[n], errs[n] = generateKey(i.ring, poolID, use, alg, now)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	defer i.invalidate(poolID)
	for _, k := range made {
		if err := i.keys.Create(ctx, k); err != nil {
			return fmt.Errorf("token: store key of pool %s: %w", poolID, err)
		}
	}
	return nil
}

func hasCurrent(keys []storage.SigningKey, use string) bool {
	for _, k := range keys {
		if k.Use == use && k.RetireAt.IsZero() {
			return true
		}
	}
	return false
}

// Rotate makes a new key current for (poolID, use), with the algorithm of
// the key it replaces (RS256 if there is none). The replaced keys stay
// published until now + keepFor + 30s, where keepFor is the longest
// lifetime of a token they signed and 30s covers nodes that keep signing
// with their cached key until they reload; then they stop verifying.
func (i *Issuer) Rotate(ctx context.Context, poolID, use string, keepFor time.Duration) error {
	existing, err := i.keys.List(ctx, poolID)
	if err != nil {
		return fmt.Errorf("token: list keys of pool %s: %w", poolID, err)
	}
	alg := RS256
	var newest time.Time
	for _, k := range existing {
		if k.Use == use && k.RetireAt.IsZero() && !k.CreatedAt.Before(newest) {
			alg, newest = k.Algorithm, k.CreatedAt
		}
	}
	now := i.now()
	k, err := generateKey(i.ring, poolID, use, alg, now)
	if err != nil {
		return err
	}
	defer i.invalidate(poolID)
	if err := i.keys.Create(ctx, k); err != nil {
		return fmt.Errorf("token: store key of pool %s: %w", poolID, err)
	}
	retireAt := now.Add(keepFor + cacheTTL)
	for _, old := range existing {
		if old.Use == use && old.RetireAt.IsZero() {
			if err := i.keys.Retire(ctx, old.ID, retireAt); err != nil {
				return fmt.Errorf("token: retire key %s: %w", old.ID, err)
			}
		}
	}
	return nil
}

// Prune deletes keys that stopped being published before now and returns
// how many it deleted. A background job calls it now and then.
func (i *Issuer) Prune(ctx context.Context) (int, error) {
	n, err := i.keys.DeleteRetired(ctx, i.now())
	if err != nil {
		return 0, fmt.Errorf("token: prune keys: %w", err)
	}
	return n, nil
}

// Sign returns a compact JWS of claims (any value encoding/json can
// marshal to an object) signed with the pool's current key for use, with
// the header {"kid":"<kid>","alg":"RS256"}. It fails with ErrNoKey if the
// pool has no usable key for use.
func (i *Issuer) Sign(ctx context.Context, poolID, use string, claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("token: marshal claims: %w", err)
	}
	if len(payload) == 0 || payload[0] != '{' {
		return "", fmt.Errorf("token: claims must be a JSON object")
	}
	s, err := i.snapshot(ctx, poolID, false)
	if err != nil {
		return "", err
	}
	sg := s.signers[use]
	if sg == nil && s.signErrs[use] == nil {
		// Keys may have been made by another node since the last load.
		if s, err = i.snapshot(ctx, poolID, true); err != nil {
			return "", err
		}
		sg = s.signers[use]
	}
	if sg == nil {
		if err := s.signErrs[use]; err != nil {
			return "", fmt.Errorf("%w for %q in pool %s: %w", ErrNoKey, use, poolID, err)
		}
		return "", fmt.Errorf("%w for %q in pool %s", ErrNoKey, use, poolID)
	}
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(sg.header)+1+enc.EncodedLen(len(payload))+1+enc.EncodedLen(sg.priv.Size()))
	buf = append(buf, sg.header...)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)
	h := sg.hash.New()
	h.Write(buf)
	sig, err := rsa.SignPKCS1v15(rand.Reader, sg.priv, sg.hash, h.Sum(nil))
	if err != nil {
		return "", fmt.Errorf("token: sign: %w", err)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	if i.signed != nil {
		i.signed(use)
	}
	return string(buf), nil
}
