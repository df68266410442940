package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Default argon2id parameters (OWASP Password Storage Cheat Sheet).
const (
	DefaultMemory  = 19 * 1024 // KiB
	DefaultTime    = 2
	DefaultThreads = 1
	SaltLen        = 16
	KeyLen         = 32
)

// Bounds on parameters read from stored hashes, so a corrupt or hostile
// hash cannot make Verify allocate or spin without limit.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// ErrInvalidHash reports a stored hash that is not an argon2id PHC string
// this package can verify.
var ErrInvalidHash = errors.New("password: invalid hash")

// b64 is the PHC string encoding: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// dummyPHC has the default parameters; VerifyDummy verifies against it. Its
// key is not the hash of any known password.
const dummyPHC = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

// Hasher hashes and verifies passwords, running at most a fixed number of
// argon2 computations at once; callers beyond that wait their turn. A Hasher
// is safe for concurrent use.
type Hasher struct {
	sem chan struct{}
	// waited, when set, is told how long each caller waited for a slot.
	waited func(time.Duration)
}

// ObserveWait makes the Hasher report how long each hash waited for a
// free slot (the queue that forms when more passwords arrive than cores).
// Call it before use.
func (h *Hasher) ObserveWait(f func(time.Duration)) { h.waited = f }

// NewHasher returns a Hasher that runs at most concurrency hashes at once
// (at least 1). Each running hash holds 19 MiB.
func NewHasher(concurrency int) *Hasher {
	return &Hasher{sem: make(chan struct{}, max(concurrency, 1))}
}

// Hash returns "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" for pw, with a
// fresh 16-byte random salt and a 32-byte key. It gives up with an error
// wrapping ctx's error if ctx ends before a hashing slot is free.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, DefaultTime, DefaultMemory, DefaultThreads, KeyLen)
	h.release()
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, DefaultMemory, DefaultTime, DefaultThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC string phc, computing argon2id
// with the parameters and salt the string holds and comparing in constant
// time. phc may also be a foreign hash (see Scheme), imported with its
// user; NeedsRehash is true for those. A malformed or unsupported phc gives an error wrapping
// ErrInvalidHash; it gives up with an error wrapping ctx's error if ctx ends
// before a hashing slot is free.
func (h *Hasher) Verify(ctx context.Context, pw, phc string) (bool, error) {
	p, err := parsePHC(phc)
	if err != nil {
		f, ferr := parseForeign(phc)
		if ferr != nil {
			return false, err
		}
		if err := h.acquire(ctx); err != nil {
			return false, err
		}
		ok := f.verify(pw)
		h.release()
		return ok, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	h.release()
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// VerifyDummy does the work of verifying pw against a hash with the default
// parameters and throws the result away. Call it when the user is unknown so
// that the failure takes as long as a wrong password. Like Verify, it stops
// waiting for a slot when ctx ends.
func (h *Hasher) VerifyDummy(ctx context.Context, pw string) {
	_, _ = h.Verify(ctx, pw, dummyPHC)
}

// NeedsRehash reports whether phc was made with other parameters than the
// current defaults (or cannot be read), so the password should be hashed
// again after the next successful sign-in.
func NeedsRehash(phc string) bool {
	p, err := parsePHC(phc)
	if err != nil {
		return true
	}
	return p.memory != DefaultMemory || p.time != DefaultTime || p.threads != DefaultThreads ||
		len(p.salt) < SaltLen || len(p.key) != KeyLen
}

// acquire takes a hashing slot, or fails once ctx has ended (at once if it
// already has: a cancelled request does not start a hash).
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("password: waiting for a hashing slot: %w", err)
	}
	select {
	case h.sem <- struct{}{}:
		if h.waited != nil {
			h.waited(0)
		}
		return nil
	default:
	}
	start := time.Now()
	select {
	case h.sem <- struct{}{}:
		if h.waited != nil {
			h.waited(time.Since(start))
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.sem }

type params struct {
	memory    uint32
	time      uint32
	threads   uint8
	salt, key []byte
}

// parsePHC reads "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<key>".
func parsePHC(phc string) (params, error) {
	var p params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, fmt.Errorf("%w: not an argon2id PHC string", ErrInvalidHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, fmt.Errorf("%w: unsupported version %q", ErrInvalidHash, parts[2])
	}
	var m, t, threads uint64
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, fmt.Errorf("%w: parameters %q", ErrInvalidHash, parts[3])
	}
	for i, f := range fields {
		name, val, _ := strings.Cut(f, "=")
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil || name != "mtp"[i:i+1] {
			return p, fmt.Errorf("%w: parameters %q", ErrInvalidHash, parts[3])
		}
		switch i {
		case 0:
			m = n
		case 1:
			t = n
		case 2:
			threads = n
		}
	}
	if threads < 1 || threads > maxThreads || t < 1 || t > maxTime || m < 8*threads || m > maxMemory {
		return p, fmt.Errorf("%w: parameters out of range %q", ErrInvalidHash, parts[3])
	}
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return p, fmt.Errorf("%w: salt", ErrInvalidHash)
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, fmt.Errorf("%w: key", ErrInvalidHash)
	}
	return params{memory: uint32(m), time: uint32(t), threads: uint8(threads), salt: salt, key: key}, nil
}
