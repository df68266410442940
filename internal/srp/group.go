package srp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"filippo.io/bigmod"
)

// nHex is the 3072-bit MODP prime of RFC 3526 section 4, the initN constant of
// amazon-cognito-identity-js's AuthenticationHelper.js.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// size is the length of N in bytes.
const size = 384

// The group. They are read-only after package initialisation, so concurrent
// use is safe; every operation works on fresh Nats.
var (
	nBytes  = mustHex(nHex)
	modulus = mustModulus(nBytes)
	gBytes  = []byte{2}
	// kBytes is k = H(PAD(N) | PAD(g)), as AuthenticationHelper computes it.
	kBytes = hashOf(pad(nBytes), pad(gBytes))
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func mustModulus(b []byte) *bigmod.Modulus {
	m, err := bigmod.NewModulus(b)
	if err != nil {
		panic(err)
	}
	return m
}

// nat returns b (big-endian, any length) as a Nat modulo N. It fails if b is
// not below N.
func nat(b []byte) (*bigmod.Nat, error) {
	b = trim(b)
	if len(b) > size {
		return nil, errors.New("srp: value exceeds the group size")
	}
	return bigmod.NewNat().SetBytes(b, modulus)
}

// mustNat is nat for values known to be below N.
func mustNat(b []byte) *bigmod.Nat {
	n, err := nat(b)
	if err != nil {
		panic(err)
	}
	return n
}

// trim returns b without its leading zero bytes.
func trim(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// pad returns the non-negative integer b (big-endian) in the form Cognito's
// clients hash (padHex in AuthenticationHelper.js): the shortest big-endian
// bytes, with a leading zero byte when the top bit is set. Zero is one zero
// byte.
func pad(b []byte) []byte {
	b = trim(b)
	if len(b) == 0 || b[0]&0x80 != 0 {
		out := make([]byte, len(b)+1)
		copy(out[1:], b)
		return out
	}
	return b
}

// hashOf returns SHA-256 of the concatenation of parts.
func hashOf(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// isZero reports whether every byte of b is zero.
func isZero(b []byte) bool {
	var acc byte
	for _, c := range b {
		acc |= c
	}
	return acc == 0
}

// EncodeHex returns the non-negative integer b (big-endian) as the clients'
// BigInteger.toString(16) writes it: lowercase, without leading zeros ("0" for
// zero). It is the form of SRP_B.
func EncodeHex(b []byte) string {
	s := hex.EncodeToString(trim(b))
	s = strings.TrimPrefix(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

// DecodeHex parses an unsigned hexadecimal integer as the clients write it
// (SRP_A is BigInteger.toString(16): any case, odd length allowed) into
// big-endian bytes without leading zeros.
func DecodeHex(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("srp: empty hexadecimal number")
	}
	s = strings.TrimLeft(s, "0")
	if len(s)%2 == 1 {
		s = "0" + s
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("srp: not a hexadecimal number")
	}
	return b, nil
}
