// Package oauth serves each user pool domain: the OAuth 2.0 and OpenID
// Connect endpoints (/oauth2/authorize, /oauth2/token, /oauth2/userInfo,
// /oauth2/revoke, /logout) and the managed login pages that sit between
// authorize and the callback (/login, /signup, /confirm, /forgotPassword,
// /confirmForgotPassword), drawn by internal/loginui.
//
// The flow of a code grant:
//
//  1. /oauth2/authorize checks client_id, redirect_uri (exactly one of the
//     client's CallbackURLs: anything else gets an error page, never a
//     redirect), response_type, scope and PKCE (S256 only). A live
//     managed-login session cookie signs the user in silently; prompt=none
//     without one redirects with error=login_required; otherwise the
//     browser goes to /login with the same query.
//  2. /login seals the checked request into the form (flow), and each POST
//     runs the user pool's own sign-in (userpool.HostedSignIn and
//     HostedRespond: password, lockouts, triggers, MFA, new password), or,
//     for a client with ALLOW_USER_AUTH in a pool with passwordless first
//     factors, choice-based sign-in (choice.go: HostedUserAuth, a page per
//     factor, passkeys, and "Add a passkey?" after the sign-in).
//  3. Signed in, the user gets the session cookie (sealed, HttpOnly,
//     SameSite=Lax, Secure over https) and the client an authorization
//     code: the grant sealed with the server key for five minutes, bound to
//     client, redirect_uri and code_challenge. It is stored nowhere; its
//     hash is spent once in storage.Nonces, and a second redemption revokes
//     the tokens of the first (RFC 9700 4.4).
//  4. /oauth2/token redeems it (userpool.HostedTokens: scope, nonce,
//     at_hash, trigger source TokenGeneration_HostedAuth), refreshes, and
//     issues client_credentials tokens (userpool.MachineToken).
//
// Every endpoint is served under <public-url>/domains/<domain>/ and, by
// Host header, at a custom domain or <prefix>.auth.<region>.<base>.
package oauth
