// Package app wires Cognate together and runs it: it opens storage (SQLite
// in the data directory, or PostgreSQL), loads the server key ring and the
// root credentials, builds the domain services, and mounts them on one HTTP
// listener:
//
//	POST /                                   AWS JSON 1.1 APIs, routed by X-Amz-Target
//	OPTIONS /                                CORS preflight for browser SDKs
//	GET  /healthz                            200 when ready
//	GET  /<poolId>/.well-known/jwks.json     the pool's signing keys
//	GET  /<poolId>/.well-known/openid-configuration
//
// Only this package imports the storage backends.
package app
