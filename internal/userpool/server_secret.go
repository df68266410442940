package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cognate-dev/cognate/internal/secret"
)

// serverSecret is a random key shared by every node (stored sealed in the
// settings store), for values that must be stable without being guessable:
// the fake SRP salt and user id given for unknown users.
type serverSecret struct {
	mu  sync.Mutex // held while the key is first loaded
	key atomic.Pointer[[]byte]
}

const (
	serverSecretName = "userpool.server-secret"
	serverSecretAAD  = "userpool-server-secret"
)

// serverKey returns the server secret, creating it on first use.
func (s *Service) serverKey(ctx context.Context) ([]byte, error) {
	ss := &s.secret
	if k := ss.key.Load(); k != nil {
		return *k, nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if k := ss.key.Load(); k != nil {
		return *k, nil
	}
	fresh := s.ring.Seal(secret.RandomBytes(32), []byte(serverSecretAAD))
	stored, err := s.store.Settings().PutIfAbsent(ctx, serverSecretName, fresh)
	if err != nil {
		return nil, err
	}
	key, err := s.ring.Open(stored, []byte(serverSecretAAD))
	if err != nil {
		return nil, fmt.Errorf("userpool: server secret: %w", err)
	}
	ss.key.Store(&key)
	return key, nil
}

// derive returns HMAC-SHA256(server secret, parts joined by NUL).
func (s *Service) derive(ctx context.Context, parts ...string) ([]byte, error) {
	key, err := s.serverKey(ctx)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	for i, p := range parts {
		if i > 0 {
			m.Write([]byte{0})
		}
		m.Write([]byte(p))
	}
	return m.Sum(nil), nil
}
