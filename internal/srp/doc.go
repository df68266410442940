// Package srp is the server side of the SRP-6a variant that Amazon Cognito
// user pools speak in the USER_SRP_AUTH / PASSWORD_VERIFIER and
// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER challenges, computed exactly as
// amazon-cognito-identity-js (AuthenticationHelper.js, DateHelper.js) and
// Amplify v6 (@aws-amplify/auth utils/srp) compute the client side.
//
// # Parameters
//
// N is the 3072-bit MODP prime of RFC 3526 section 4 (RFC 5054 appendix A),
// g = 2 and H = SHA-256. Cognito's clients hash integers in their
// "padded hex" form (PAD below; padHex / getPaddedHex in the clients): the
// minimal big-endian two's complement bytes, that is the shortest big-endian
// encoding with a leading 0x00 added when the top bit is set. PAD is not the
// fixed-length padding of RFC 5054: PAD(g) is the single byte 0x02.
//
//	k = H(PAD(N) | PAD(g))
//	x = H(PAD(salt) | H(poolName | userID | ":" | password))
//	v = g^x mod N                       (the verifier the server stores)
//	B = (k*v + g^b) mod N               (b: 256 random bits)
//	u = H(PAD(A) | PAD(B))
//	S = (A * v^u)^b mod N               (the client computes (B - k*g^x)^(a + u*x))
//	K = HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key")[:16]
//	PASSWORD_CLAIM_SIGNATURE = Base64(HMAC-SHA256(K, poolName | userID | SECRET_BLOCK | TIMESTAMP))
//
// For a user pool, poolName is the part of the pool id after "_" (see
// PoolName) and userID is USER_ID_FOR_SRP, the user's internal username. For a
// remembered device, poolName is the DeviceGroupKey, userID the DeviceKey and
// the password the random string the client generated; the client computes
// salt and verifier itself and sends them in ConfirmDevice (see
// DeviceVerifier). SECRET_BLOCK enters the signature as the bytes it decodes
// to, TIMESTAMP as the string the client sent.
//
// # Flow
//
// When a password is set, NewVerifier gives the salt and verifier to store.
// On InitiateAuth (SRP_A), NewServerSession checks A and draws b; the server
// answers with SALT (hex of the stored salt), SRP_B (ServerSession.SRPB) and a
// SECRET_BLOCK that seals the ServerSession, whose exported fields are the
// whole server state, so any node can finish the exchange. On
// RespondToAuthChallenge, the server opens the block and calls
// ServerSession.Verify with the verifier and the client's claim. Sealing,
// expiry and replay protection of the block belong to the caller.
//
// The secret exponentiations (g^x, g^b, v^u and the power b) and the
// products with v run in constant time with filippo.io/bigmod; g^x and g^b
// use a table of powers of g computed once (fixedbase.go). Hashing the
// padded form of S and B leaks, as in every Cognito client, how many leading
// zero bytes they have.
package srp
