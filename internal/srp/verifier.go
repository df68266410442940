package srp

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// saltSize is the number of random bytes in a salt drawn by NewVerifier, as
// many as amazon-cognito-identity-js draws for a device salt
// (generateHashDevice).
const saltSize = 16

// maxDeviceSalt bounds the salt a client may send in ConfirmDevice. The
// clients send 16 random bytes in padded form (15 to 17 bytes).
const maxDeviceSalt = 256

// ErrInvalidVerifier reports a verifier or salt that cannot be used: not
// base64, zero, not below N, or a salt that is empty or too long.
var ErrInvalidVerifier = errors.New("srp: invalid verifier")

// PoolName returns the name that Cognito's SRP mixes into x and the
// signature for a user pool: the part of the pool id after its first "_" and
// before any second one, as the clients' userPoolId.split('_')[1]. For
// "us-east-1_AbCdEfGhI" it is "AbCdEfGhI".
func PoolName(userPoolID string) string {
	parts := strings.Split(userPoolID, "_")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// NewVerifier draws a random salt and returns it with the verifier
// v = g^x mod N for password, to store when a user pool password is set.
// poolName is PoolName of the pool id and userID the user's internal username
// (what InitiateAuth returns as USER_ID_FOR_SRP); a verifier is only valid for
// that pair. The salt is 16 random bytes in padded form (15 to 17 bytes), so
// that hex.EncodeToString(salt), sent as SALT, reads back to the same bytes in
// every client. The verifier is 384 bytes.
func NewVerifier(poolName, userID, password string) (salt, verifier []byte) {
	salt = NewSalt()
	return salt, computeVerifier(poolName, userID, password, salt)
}

// NewSalt draws a salt as NewVerifier does, for VerifierWithSalt.
func NewSalt() []byte {
	return pad(randomBytes(saltSize))
}

// VerifierWithSalt returns the verifier of password for another userID
// under a salt NewVerifier drew: one password, one salt, a verifier for each
// name the user may be shown by.
func VerifierWithSalt(poolName, userID, password string, salt []byte) []byte {
	return computeVerifier(poolName, userID, password, salt)
}

// computeVerifier returns g^x mod N as 384 big-endian bytes.
func computeVerifier(poolName, userID, password string, salt []byte) []byte {
	return expG(computeX(poolName, userID, password, salt)).Bytes(modulus)
}

// computeX returns x = H(PAD(salt) | H(poolName | userID | ":" | password)).
func computeX(poolName, userID, password string, salt []byte) []byte {
	inner := hashOf([]byte(poolName), []byte(userID), []byte(":"), []byte(password))
	return hashOf(pad(salt), inner)
}

// DeviceVerifier checks the DeviceSecretVerifierConfig a client sends to
// ConfirmDevice (Salt and PasswordVerifier, both base64) and returns the
// salt and the verifier to store for the device. The client derived them with
// poolName = DeviceGroupKey and userID = DeviceKey, so DEVICE_SRP_AUTH runs
// NewServerSession with this verifier, sends SALT as hex.EncodeToString(salt),
// and verifies with Claim{PoolName: DeviceGroupKey, UserID: DeviceKey}. The
// salt is returned byte for byte as sent; the verifier is normalised to 384
// bytes. Errors wrap ErrInvalidVerifier.
func DeviceVerifier(saltBase64, verifierBase64 string) (salt, verifier []byte, err error) {
	salt, err = base64.StdEncoding.DecodeString(saltBase64)
	if err != nil || len(salt) == 0 || len(salt) > maxDeviceSalt {
		return nil, nil, ErrInvalidVerifier
	}
	raw, err := base64.StdEncoding.DecodeString(verifierBase64)
	if err != nil {
		return nil, nil, ErrInvalidVerifier
	}
	v, err := nat(raw)
	if err != nil || v.IsZero() == 1 {
		return nil, nil, ErrInvalidVerifier
	}
	return salt, v.Bytes(modulus), nil
}

// randomBytes returns n bytes from crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never fails since Go 1.24; it crashes the program if
	// the system source does.
	_, _ = rand.Read(b)
	return b
}
