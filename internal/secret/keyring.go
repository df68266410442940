package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// KeySize is the length in bytes of a master key (AES-256).
const KeySize = 32

// sealedFormat is the first byte of every sealed value; it lets the layout
// change later without guessing.
const sealedFormat = 0x01

// headerLen is format byte + big-endian uint32 key version.
const headerLen = 1 + 4

// ErrSealed reports that a sealed value cannot be opened: it was tampered
// with, truncated, sealed for another context (aad) or under a key version
// the ring does not hold.
var ErrSealed = errors.New("secret: sealed value is invalid")

// KeyRing seals and opens small secrets with AES-256-GCM under versioned
// master keys. The sealed form is
//
//	0x01 | version (uint32, big-endian) | nonce (12 bytes) | ciphertext+tag
//
// and the GCM additional data is the 5-byte header followed by the caller's
// aad, so neither the version nor the context can be swapped. A KeyRing is
// safe for concurrent use.
type KeyRing struct {
	aeads   map[uint32]cipher.AEAD
	current uint32
}

// NewKeyRing returns a ring holding keys (each KeySize bytes) that seals
// with keys[current]. The map is copied.
func NewKeyRing(keys map[uint32][]byte, current uint32) (*KeyRing, error) {
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("secret: current key version %d is not in the ring", current)
	}
	k := &KeyRing{aeads: make(map[uint32]cipher.AEAD, len(keys)), current: current}
	for v, key := range keys {
		if len(key) != KeySize {
			return nil, fmt.Errorf("secret: key version %d is %d bytes, want %d", v, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("secret: key version %d: %w", v, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret: key version %d: %w", v, err)
		}
		k.aeads[v] = aead
	}
	return k, nil
}

// Current returns the version of the key that Seal uses.
func (k *KeyRing) Current() uint32 { return k.current }

// Versions returns the key versions in the ring, ascending.
func (k *KeyRing) Versions() []uint32 {
	vs := make([]uint32, 0, len(k.aeads))
	for v := range k.aeads {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	return vs
}

// Seal encrypts plaintext under the current key with a random nonce. aad
// binds the sealed value to its context (for example
// "client-secret:<client id>"): Open must be given the same aad.
func (k *KeyRing) Seal(plaintext, aad []byte) []byte {
	aead := k.aeads[k.current]
	ns := aead.NonceSize()
	out := make([]byte, headerLen+ns, headerLen+ns+len(plaintext)+aead.Overhead())
	out[0] = sealedFormat
	binary.BigEndian.PutUint32(out[1:headerLen], k.current)
	copy(out[headerLen:], RandomBytes(ns))
	ad := additionalData(out[:headerLen], aad)
	return aead.Seal(out, out[headerLen:headerLen+ns], plaintext, ad)
}

// Open decrypts a value made by Seal (under any key version in the ring)
// with the same aad. Every failure wraps ErrSealed.
func (k *KeyRing) Open(sealed, aad []byte) ([]byte, error) {
	v, err := k.Version(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := k.aeads[v]
	if !ok {
		return nil, fmt.Errorf("%w: unknown key version %d", ErrSealed, v)
	}
	ns := aead.NonceSize()
	if len(sealed) < headerLen+ns+aead.Overhead() {
		return nil, fmt.Errorf("%w: too short", ErrSealed)
	}
	ad := additionalData(sealed[:headerLen], aad)
	plain, err := aead.Open(nil, sealed[headerLen:headerLen+ns], sealed[headerLen+ns:], ad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrSealed)
	}
	return plain, nil
}

// Version returns the key version a sealed value names, without opening it.
// A re-sealing job uses it to find values sealed under old versions.
func (k *KeyRing) Version(sealed []byte) (uint32, error) {
	if len(sealed) < headerLen || sealed[0] != sealedFormat {
		return 0, fmt.Errorf("%w: unknown format", ErrSealed)
	}
	return binary.BigEndian.Uint32(sealed[1:headerLen]), nil
}

func additionalData(header, aad []byte) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	ad = append(ad, header...)
	return append(ad, aad...)
}
