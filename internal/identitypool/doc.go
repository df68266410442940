// Package identitypool implements Amazon Cognito identity pools
// (federated identities) and the link Cognate adds between identities and
// user-pool users.
//
// The flow. A client presents logins, a map from provider name to token,
// to GetId, GetCredentialsForIdentity, GetOpenIdToken or UnlinkIdentity.
// Every token is verified (providers.go): ID tokens of this server's user
// pools with internal/token (signature, exp, token_use, iss, aud against
// the pool's configured app clients, and with ServerSideTokenCheck the
// session's revocation), external OIDC tokens through an OIDCVerifier,
// and Cognate's own OpenID tokens (the developer flow's, and the basic
// flow's, which never outlive the login they were minted from:
// origin.go).
// The verified logins are then resolved to one identity inside a storage
// transaction (resolve.go): a login already linked names its identity; new
// logins are linked; logins of several identities merge them, as the AWS
// developer guide describes ("Identity pools authentication flow").
//
// The rules that keep identities private: an identity that has ever had a
// login is authenticated for good, and only a valid token for one of its
// logins (or Cognate's OpenID token naming it) opens it; a guest identity
// gets unauthenticated access only while the pool allows it; a login that
// belongs to another identity never opens this one.
//
// The link. Each login of a local user pool is stored with the user pool
// id and the user's sub (storage.IdentityLogin), so an identity names its
// users and a user names their identities (admin.go: DescribeIdentityOwner,
// ListUserIdentities). Every issuance and link change goes to the audit
// log (audit.go). An identity pool may also write the identity id back to
// the user as a read-only attribute (writeback.go).
//
// Credentials come from a CredentialIssuer (the STS service) after the
// role is chosen from the pool's roles and role mappings (roles.go); the
// OpenID tokens of the basic flow are signed by internal/token under the
// pseudo pool "cognito-identity" (openid.go).
package identitypool
