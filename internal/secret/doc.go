// Package secret holds Cognate's small cryptographic helpers: the server key
// ring that seals secrets at rest (AES-256-GCM under versioned master keys),
// sealed self-expiring blobs for stateless protocol state, random values,
// constant-time comparison and token hashing.
//
// Sealed values carry the version of the key that sealed them, so the master
// key can rotate: a new version becomes current and seals from then on, while
// older versions stay in the ring to open what they sealed.
//
// This package imports only the standard library.
package secret
