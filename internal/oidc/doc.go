// Package oidc verifies ID tokens of external OpenID Connect providers, the
// web identity tokens STS's AssumeRoleWithWebIdentity and identity pools'
// OpenIdConnectProviderARNs accept.
//
// A Verifier discovers an issuer's keys the standard way
// (https://openid.net/specs/openid-connect-discovery-1_0.html): it fetches
// <issuer>/.well-known/openid-configuration, checks that the document names
// the same issuer, and fetches the JWKS at its jwks_uri, over HTTPS (or
// HTTP to a loopback host, for local development), with timeouts and a size
// limit. Key sets are cached (an hour by default) and refetched, at most
// once per MinRefresh, when a token names a key the cached set lacks (the
// issuer rotated its keys); if a refetch fails, the keys already held keep
// serving for up to a day.
//
// Verify then checks a token as STS does: a compact JWS signed with RS256,
// RS384, RS512, ES256, ES384, ES512 or PS256/384/512 by one of the issuer's
// keys; iss equal to the issuer; an aud (or azp) among the provider's
// client ids; exp in the future; nbf and iat not in the future (a minute of
// skew). Failures are *Error values whose Kind tells STS's error code
// (InvalidIdentityToken, ExpiredTokenException, IDPCommunicationError).
package oidc
