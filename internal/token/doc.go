// Package token issues and verifies the JSON Web Tokens of user pools: ID
// and access tokens signed with RS256 (RFC 7515, RFC 7518 section 3.3) under
// per-pool RSA keys, the pool's JWKS (RFC 7517), and key rotation.
//
// Keys. Each pool has one current signing key per use ("id", "access"), as
// AWS signs ID and access tokens with different keys. The private key is
// stored as PKCS#8 DER sealed with the server key ring (aad
// "signing-key:<kid>"); the kid is the key's RFC 7638 thumbprint. Rotate
// makes a new key current and keeps the old one published until every
// token it signed has expired.
//
// Caching. Signing and verifying are hot paths, so an Issuer keeps each
// pool's parsed keys in memory and reloads them from storage when they are
// older than 30 seconds (so a rotation done by another node is picked up),
// and at most five times a second when tokens name a kid it does not
// know.
//
// Verification is strict: the compact serialisation only, alg must be a
// supported RSA algorithm and equal to the algorithm of the key named by
// kid, which must be one of the pool's published keys; the signature is
// checked before any claim is read; exp is required, and exp, nbf and iat
// are checked against the Issuer's clock.
package token
