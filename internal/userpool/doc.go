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
//	  -> password verified; status decides: NEW_PASSWORD_REQUIRED, an error, or on
//	  -> device authentication, MFA, tokens (signin_flow.go)
//	  -> tokens: RS256 access and ID tokens, an opaque refresh token stored hashed
//
// USER_SRP_AUTH (srp_auth.go) proves the password with SRP instead, against
// a verifier that every password set stores sealed (srp_verifier.go); its
// PASSWORD_VERIFIER leads to the same steps. After the first factor come,
// in Cognito's order, DEVICE_SRP_AUTH for a known device (device_auth.go),
// the MFA challenges (mfa_challenges.go, with TOTP enrollment in
// totp_setup.go and preferences in mfa_prefs.go), then tokens, with a new
// device key when the pool tracks devices. The state between these steps
// rides in sealed Sessions (flow_session.go) whose answers and one
// success are counted in the Nonces store, so any node can continue a
// sign-in and none can be replayed. USER_AUTH (user_auth.go) lets the user
// pick the first factor, a passkey among them (passkey_signin.go, with
// registration in passkeys.go and the relying party in passkey_rp.go);
// GetTokensFromRefreshToken (refresh_rotation.go) rotates refresh tokens
// when the client asks for it.
//
// Every password check (sign-in, ChangePassword's previous password, and
// the SRP proof) goes through guardPassword, the per-user lockout of
// lockout.go. Codes (codes.go) are 6 random digits stored hashed, bound
// to their purpose and, for attribute verification, to the value they were
// sent to; single use, expiring, and limited in entries per code and in
// requests per hour (ratelimit.go). Every attempt at a code is counted,
// atomically and committed, before the code is compared, so concurrent
// guesses never get more comparisons than the limit; wrong MFA codes also
// count per user across Sessions (mfa_codes.go). With
// PreventUserExistenceErrors an unknown user meets the same answers,
// lockouts and hash work as a real one.
//
// Each change of a user is one transaction (user_tx.go): the user is read,
// the change decided and written with the code it uses up, the counters it
// clears and the records it touches, and redone whole when a concurrent
// request wrote the user first; messages and auth events follow the
// commit.
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
//
// A pool's federation settings live in its stored settings, next to the
// rest: external identity providers (identity_providers.go, their secrets
// sealed), resource servers and their custom scopes (resource_servers.go),
// which app clients' SupportedIdentityProviders and AllowedOAuthScopes are
// checked against, and domains (domains.go), unique across pools through a
// "domain:<name>" server setting. They are configuration only: federated
// sign-in and the hosted UI are not served.
package userpool
