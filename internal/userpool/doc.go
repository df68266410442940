// Package userpool is Cognate's user-pool service: pools, app clients, users,
// sign-up, confirmation and sign-in, with the behaviour the Amazon Cognito
// User Pools API reference documents.
//
// Its methods take and return the Cognito wire shapes generated from the AWS
// model (internal/awsmodel/cognitoidp), so the protocol layer
// (internal/cognitoidp) only routes and maps errors. Failures are *Error
// values whose Kind names the Cognito exception; anything else is an
// internal error.
//
// The flow of a password sign-in:
//
//	InitiateAuth(USER_PASSWORD_AUTH)
//	  -> client from ClientId (cached), flow allowed?, SECRET_HASH checked
//	  -> user by username or alias; unknown users cost the same argon2id work
//	  -> password verified; status decides: tokens, NEW_PASSWORD_REQUIRED, or an error
//	  -> tokens: RS256 access and ID tokens, an opaque refresh token stored hashed
//
// Every password check (sign-in, ChangePassword's previous password, and
// the SRP proof to come) goes through guardPassword, the per-user lockout
// of lockout.go. Codes (codes.go) are 6 random digits stored hashed, bound
// to their purpose and, for attribute verification, to the value they were
// sent to; single use, expiring, and limited in wrong entries per code and
// in requests per hour (ratelimit.go). With PreventUserExistenceErrors an
// unknown user meets the same answers, lockouts and hash work as a real one.
//
// Attribute changes (attributes_update.go) unverify a changed email or phone
// number and send a code, or, with AttributesRequireVerificationBeforeUpdate,
// keep the old value until the new one (held in a reserved attribute that
// is never shown) is verified (verify.go). Aliases (aliases.go) are unique
// among confirmed users; ForceAliasCreation moves one.
//
// Access tokens are checked on the self-service operations (GetUser, ...)
// against the pool's keys and against revocation: each token carries the
// origin_jti of the refresh token it came from, and a revoked refresh token
// revokes its access tokens too.
package userpool
