// Package sts vends and verifies temporary credentials for IAM roles, and
// serves the AWS Security Token Service operations Cognate supports
// (AssumeRoleWithWebIdentity, GetCallerIdentity) over the query protocol.
//
// # Credentials
//
// Vended credentials are an access key id ("ASIA" + 16 uppercase
// alphanumerics), a random 40-character secret access key and a session
// token that seals (secret.KeyRing.SealJSON: AES-256-GCM under the server
// key, bound to the access key id) a Session: the secret, the role ARN and
// id, the session name, the issue and expiry times, the web identity
// (provider, subject, audience, amr), the identity pool identity, the
// linked user pool user and the principal tags. Any node holding the
// server key can therefore verify a SigV4 signature made with them
// without storage: Service implements awsproto.CredentialSource (opened
// sessions are cached, so a busy client costs one decryption). A token
// presented with another access key id, altered in any way, or sealed
// under a key the ring no longer holds is unknown (InvalidClientTokenId,
// UnrecognizedClientException); an expired one is ExpiredToken
// (ExpiredTokenException in the JSON protocol).
//
// # Vending
//
// AssumeRoleWithWebIdentity (the Go method) is the one path: the wire
// operation and identity pools' GetCredentialsForIdentity both use it. It
// evaluates the role's trust policy (internal/policy) for the federated
// provider with the condition keys AWS documents for web identity
// federation, bounds the duration by the role's MaxSessionDuration, mints
// the credentials and records the issuance through an IssuanceRecorder
// (the audit log).
//
// On the wire, the token is an identity pool OpenID token of this server
// (iss <public URL>/cognito-identity, provider
// cognito-identity.amazonaws.com) or an ID token of an OpenID Connect
// provider registered in IAM (verified by internal/oidc), another
// Cognate's OpenID issuer among them.
//
// # Session tags
//
// The session tags a token passes in its "https://aws.amazon.com/tags"
// claim (principal_tags, transitive_tag_keys) become the session's
// principal tags (aws:PrincipalTag/<key>), as AWS documents in "Passing
// session tags using AssumeRoleWithWebIdentity": only when the trust
// policy also allows sts:TagSession (AccessDenied otherwise), with
// aws:RequestTag/<key>, aws:TagKeys and sts:TransitiveTagKeys in its
// context, and within STS's rules (internal/sessiontags: ValidationError,
// or PackedPolicyTooLarge for the packed size, which PackedPolicySize
// reports).
//
// # Authorizing
//
// AuthorizeRequest lets a resource server ask whether a request signed
// with vended credentials may do an action on a resource: it verifies the
// signature (awsproto.VerifyRequest) and evaluates the role's inline
// policies, and answers with both ids: the identity and the user behind it.
package sts
