// Package password hashes and verifies user passwords and checks them
// against a user pool's password policy.
//
// Hashes are argon2id (RFC 9106) in the PHC string format with OWASP's
// recommended minimum parameters: 19 MiB of memory, 2 passes, 1 lane, a
// 16-byte random salt and a 32-byte key. One hash costs tens of milliseconds
// and 19 MiB, so a Hasher bounds how many run at once; VerifyDummy spends the
// same for unknown users so that response times do not reveal who exists.
package password
