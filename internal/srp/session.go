package srp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"time"

	"filippo.io/bigmod"
)

// secretSize is the length of the server's secret exponent b in bytes:
// 256 bits, what RFC 5054 section 2.5.3 asks as a minimum.
const secretSize = 32

// keyInfo is the HKDF info string of Cognito's SRP.
const keyInfo = "Caldera Derived Key"

// Errors returned by NewServerSession and Verify. A caller reports all of
// them to the client as a failed sign-in; they are distinct for logs and
// tests.
var (
	// ErrInvalidPublicValue reports an SRP_A that is not a hexadecimal
	// number in [1, N), or a stored session whose values are out of range.
	ErrInvalidPublicValue = errors.New("srp: invalid public value")
	// ErrTimestamp reports a TIMESTAMP that is not in the clients' format.
	ErrTimestamp = errors.New("srp: malformed timestamp")
	// ErrStaleTimestamp reports a TIMESTAMP farther than TimestampTolerance
	// from the server's clock.
	ErrStaleTimestamp = errors.New("srp: timestamp outside the accepted window")
	// ErrSignature reports a PASSWORD_CLAIM_SIGNATURE that is not valid
	// base64 or does not match: a wrong password, verifier or secret block.
	ErrSignature = errors.New("srp: signature mismatch")
)

// ServerSession is the server's state for one SRP exchange, between
// InitiateAuth (or DEVICE_SRP_AUTH) and the PASSWORD_VERIFIER (or
// DEVICE_PASSWORD_VERIFIER) response. Its exported fields are the whole state:
// seal it (for instance as JSON) into SECRET_BLOCK so that any node can finish
// the exchange. Secret must never leave the server unsealed. The verifier is
// not part of the state: Verify takes it again, so a password changed in
// between makes the pending exchange fail.
type ServerSession struct {
	// A is the client's public value, big-endian, 0 < A < N.
	A []byte `json:"A"`
	// B is the server's public value k*v + g^b mod N, big-endian.
	B []byte `json:"B"`
	// Secret is the server's secret exponent b.
	Secret []byte `json:"secret"`
}

// NewServerSession starts an exchange for the client's public value srpA
// (SRP_A as sent: hexadecimal, any case, odd length allowed) and the stored
// verifier. It refuses an A that is not a number in [1, N), in particular
// A mod N == 0, with ErrInvalidPublicValue, and a verifier that is zero or not
// below N with ErrInvalidVerifier. It draws b and computes B; SRPB gives the
// value to send.
func NewServerSession(srpA string, verifier []byte) (*ServerSession, error) {
	return newServerSession(srpA, verifier, rand.Reader)
}

// newServerSession is NewServerSession with the source of b.
func newServerSession(srpA string, verifier []byte, random io.Reader) (*ServerSession, error) {
	a, err := parseA(srpA)
	if err != nil {
		return nil, err
	}
	v, err := nat(verifier)
	if err != nil || v.IsZero() == 1 {
		return nil, ErrInvalidVerifier
	}
	kv := mustNat(kBytes).Mul(v, modulus)
	for {
		secret := make([]byte, secretSize)
		if _, err := io.ReadFull(random, secret); err != nil {
			return nil, err
		}
		pub := expG(secret).Add(kv, modulus)
		s := &ServerSession{A: a, B: trim(pub.Bytes(modulus)), Secret: secret}
		// B = 0 or u = 0 would make the exchange fail on the client; both
		// happen with negligible probability, and a new b avoids them.
		if pub.IsZero() == 1 || isZero(s.u()) {
			continue
		}
		return s, nil
	}
}

// parseA decodes SRP_A and checks 0 < A < N.
func parseA(srpA string) ([]byte, error) {
	a, err := DecodeHex(srpA)
	if err != nil {
		return nil, ErrInvalidPublicValue
	}
	n, err := nat(a)
	if err != nil || n.IsZero() == 1 {
		return nil, ErrInvalidPublicValue
	}
	return trim(a), nil
}

// SRPB returns B as the SRP_B challenge parameter: lowercase hexadecimal
// without leading zeros.
func (s *ServerSession) SRPB() string {
	return EncodeHex(s.B)
}

// u returns u = H(PAD(A) | PAD(B)).
func (s *ServerSession) u() []byte {
	return hashOf(pad(s.A), pad(s.B))
}

// Claim is what the client sends to prove it knows the password.
type Claim struct {
	// PoolName is PoolName(userPoolID), or the DeviceGroupKey for a device.
	PoolName string
	// UserID is USER_ID_FOR_SRP, or the DeviceKey for a device.
	UserID string
	// SecretBlock is PASSWORD_CLAIM_SECRET_BLOCK decoded from base64: the
	// bytes the signature covers.
	SecretBlock []byte
	// Timestamp is TIMESTAMP as sent.
	Timestamp string
	// Signature is PASSWORD_CLAIM_SIGNATURE as sent (standard base64).
	Signature string
}

// Verify checks the client's claim against this session and the verifier
// the session was started with, at the server time now. It returns nil only
// if the timestamp is well formed and within TimestampTolerance of now, and
// the signature is HMAC-SHA256(K, PoolName | UserID | SecretBlock | Timestamp)
// for the key K derived from S = (A * v^u)^b mod N. Replay protection of the
// session (one use, expiry) is the caller's.
func (s *ServerSession) Verify(verifier []byte, c Claim, now time.Time) error {
	sent, err := ParseTimestamp(c.Timestamp)
	if err != nil {
		return err
	}
	if d := now.Sub(sent); d > TimestampTolerance || d < -TimestampTolerance {
		return ErrStaleTimestamp
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != sha256.Size {
		return ErrSignature
	}
	key, err := s.key(verifier)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(c.PoolName))
	mac.Write([]byte(c.UserID))
	mac.Write(c.SecretBlock)
	mac.Write([]byte(c.Timestamp))
	if !hmac.Equal(mac.Sum(nil), sig) {
		return ErrSignature
	}
	return nil
}

// key derives the 16-byte key K of the exchange from S and u (see
// sharedSecret): K = HKDF-SHA256(PAD(S), salt PAD(u), "Caldera Derived Key").
func (s *ServerSession) key(verifier []byte) ([]byte, error) {
	S, u, err := s.sharedSecret(verifier)
	if err != nil {
		return nil, err
	}
	return hkdf.Key(sha256.New, pad(S), pad(u), keyInfo, 16)
}

// sharedSecret returns S = (A * v^u)^b mod N (384 bytes) and u.
func (s *ServerSession) sharedSecret(verifier []byte) (S, u []byte, err error) {
	a, err := nat(s.A)
	if err != nil || a.IsZero() == 1 || len(s.Secret) != secretSize {
		return nil, nil, ErrInvalidPublicValue
	}
	v, err := nat(verifier)
	if err != nil || v.IsZero() == 1 {
		return nil, nil, ErrInvalidVerifier
	}
	u = s.u()
	if isZero(u) {
		return nil, nil, ErrInvalidPublicValue
	}
	base := bigmod.NewNat().Exp(v, u, modulus).Mul(a, modulus)
	return bigmod.NewNat().Exp(base, s.Secret, modulus).Bytes(modulus), u, nil
}
