package userpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/cognate-dev/cognate/internal/secret"
)

// secretHash computes SECRET_HASH: Base64(HMAC-SHA256(secret, username + clientId)).
func secretHash(clientSecret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// checkSecretHash enforces SECRET_HASH for clients that have a secret.
// Any of names may be the one the hash was computed over (the username a
// caller typed, or the user's internal username).
func (c *client) checkSecretHash(given string, names ...string) error {
	if c.secret == "" {
		return nil
	}
	if given == "" {
		return errorf(NotAuthorized, "Client %s is configured for secret but secret was not received", c.rec.ID)
	}
	ok := false
	for _, cs := range c.secrets {
		for _, n := range names {
			// Evaluate every candidate so timing doesn't tell which matched.
			if secret.Equal(given, secretHash(cs.Value, n, c.rec.ID)) {
				ok = true
			}
		}
	}
	if !ok {
		return errorf(NotAuthorized, "Unable to verify secret hash for client %s", c.rec.ID)
	}
	return nil
}
