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
// Access tokens are checked on the self-service operations (GetUser, ...)
// against the pool's keys and against revocation: each token carries the
// origin_jti of the refresh token it came from, and a revoked refresh token
// revokes its access tokens too.
package userpool
