package federation

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"time"
)

// appleClientSecretLifetime is how long a Sign in with Apple client
// secret is valid: one sign-in's token request (Apple allows six months).
const appleClientSecretLifetime = 5 * time.Minute

// appleClientSecret makes the client secret Sign in with Apple asks for:
// an ES256 JWT signed with the developer's private key (private_key, a
// PKCS #8 PEM), with the key id (key_id) in its header, issued by the
// team (team_id) for the service id (client_id), audience Apple.
func appleClientSecret(d map[string]string, now time.Time) (string, error) {
	block, _ := pem.Decode([]byte(d["private_key"]))
	if block == nil {
		return "", errors.New("private_key is not a PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return "", err
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return "", errors.New("private_key is not an ECDSA key")
	}
	header, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": d["key_id"], "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": d["team_id"], "sub": d["client_id"], "aud": "https://appleid.apple.com",
		"iat": now.Unix(), "exp": now.Add(appleClientSecretLifetime).Unix(),
	})
	signed := b64.EncodeToString(header) + "." + b64.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signed + "." + b64.EncodeToString(sig), nil
}
