// Package srpclient is a client for Cognito's SRP, written after
// amazon-cognito-identity-js's AuthenticationHelper and CognitoUser. Tests
// sign in with it through the real API (USER_SRP_AUTH, DEVICE_SRP_AUTH),
// and the lazy migration from Cognito checks a password with it against an
// old pool whose app client allows only SRP. It shares no code with package
// srp (the server side), so a round trip between them checks both.
//
// It uses math/big, which is not constant time. Where the server runs it,
// once per user's first sign-in, the password-derived exponent x enters
// only g^x and the exponent a+u*x, which the fresh random a (1,024 bits)
// masks; nothing it computes is kept.
package srpclient

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// nHex is AuthenticationHelper.js's initN.
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

var (
	bigN, _ = new(big.Int).SetString(nHex, 16)
	bigG    = big.NewInt(2)
	bigK    = new(big.Int).SetBytes(hexHash(padHex(bigN) + padHex(bigG)))
)

// Client is one sign-in attempt's client half: the secret a and A = g^a.
type Client struct {
	poolName string
	a, bigA  *big.Int
}

// NewClient returns a client for poolName (PoolName of the pool id, or the
// DeviceGroupKey for DEVICE_SRP_AUTH) with a random 1024-bit a, as
// AuthenticationHelper draws it.
func NewClient(poolName string) *Client {
	b := make([]byte, 128)
	_, _ = rand.Read(b)
	return NewClientWithSecret(poolName, b)
}

// NewClientWithSecret returns a client with the given a (big-endian).
func NewClientWithSecret(poolName string, a []byte) *Client {
	x := new(big.Int).SetBytes(a)
	return &Client{poolName: poolName, a: x, bigA: new(big.Int).Exp(bigG, x, bigN)}
}

// SRPA returns A as the SRP_A auth parameter (BigInteger.toString(16)).
func (c *Client) SRPA() string {
	return c.bigA.Text(16)
}

// Challenge holds the PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER)
// challenge parameters the client uses.
type Challenge struct {
	UserIDForSRP string // USER_ID_FOR_SRP, or the DeviceKey
	Salt         string // SALT (hex)
	SRPB         string // SRP_B (hex)
	SecretBlock  string // SECRET_BLOCK (base64)
}

// Sign returns PASSWORD_CLAIM_SIGNATURE for the challenge, password and
// timestamp (see Timestamp), as CognitoUser.authenticateUserDefaultAuth
// computes it.
func (c *Client) Sign(ch Challenge, password, timestamp string) (string, error) {
	key, err := c.Key(ch.UserIDForSRP, password, ch.Salt, ch.SRPB)
	if err != nil {
		return "", err
	}
	block, err := base64.StdEncoding.DecodeString(ch.SecretBlock)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(c.poolName))
	mac.Write([]byte(ch.UserIDForSRP))
	mac.Write(block)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Key returns the 16-byte key of getPasswordAuthenticationKey.
func (c *Client) Key(userID, password, saltHex, srpB string) ([]byte, error) {
	bigB, ok := new(big.Int).SetString(srpB, 16)
	if !ok || new(big.Int).Mod(bigB, bigN).Sign() == 0 {
		return nil, errors.New("srpclient: B cannot be zero")
	}
	salt, ok := new(big.Int).SetString(saltHex, 16)
	if !ok {
		return nil, errors.New("srpclient: bad salt")
	}
	u := new(big.Int).SetBytes(hexHash(padHex(c.bigA) + padHex(bigB)))
	if u.Sign() == 0 {
		return nil, errors.New("srpclient: U cannot be zero")
	}
	x := new(big.Int).SetBytes(hexHash(padHex(salt) + hashHex(c.poolName+userID+":"+password)))
	// S = (B - k*g^x)^(a + u*x) mod N
	base := new(big.Int).Sub(bigB, new(big.Int).Mul(bigK, new(big.Int).Exp(bigG, x, bigN)))
	base.Mod(base, bigN)
	exp := new(big.Int).Add(c.a, new(big.Int).Mul(u, x))
	S := new(big.Int).Exp(base, exp, bigN)
	prk := hmacSum(mustDecode(padHex(u)), mustDecode(padHex(S)))
	return hmacSum(prk, []byte("Caldera Derived Key\x01"))[:16], nil
}

// Timestamp formats t as DateHelper.getNowString does.
func Timestamp(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s %s %d %02d:%02d:%02d UTC %d", t.Weekday().String()[:3],
		t.Month().String()[:3], t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
}

// DeviceSecret is what a client keeps and sends after NewDeviceMetadata, as
// generateHashDevice computes it.
type DeviceSecret struct {
	Password         string // the random device password the client keeps
	Salt             string // DeviceSecretVerifierConfig.Salt (base64)
	PasswordVerifier string // DeviceSecretVerifierConfig.PasswordVerifier (base64)
}

// NewDeviceSecret generates a device password, salt and verifier for
// deviceGroupKey and deviceKey.
func NewDeviceSecret(deviceGroupKey, deviceKey string) DeviceSecret {
	pw := make([]byte, 40)
	_, _ = rand.Read(pw)
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	password := base64.StdEncoding.EncodeToString(pw)
	saltHex := padHex(new(big.Int).SetBytes(salt))
	x := new(big.Int).SetBytes(hexHash(saltHex + hashHex(deviceGroupKey+deviceKey+":"+password)))
	v := new(big.Int).Exp(bigG, x, bigN)
	return DeviceSecret{
		Password:         password,
		Salt:             base64.StdEncoding.EncodeToString(mustDecode(saltHex)),
		PasswordVerifier: base64.StdEncoding.EncodeToString(mustDecode(padHex(v))),
	}
}

// padHex is AuthenticationHelper.padHex for non-negative values.
func padHex(x *big.Int) string {
	s := x.Text(16)
	if len(s)%2 == 1 {
		s = "0" + s
	}
	if strings.ContainsRune("89abcdef", rune(s[0])) {
		s = "00" + s
	}
	return s
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hexHash(s string) []byte {
	h := sha256.Sum256(mustDecode(s))
	return h[:]
}

func hmacSum(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

func mustDecode(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
