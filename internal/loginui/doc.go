// Package loginui renders the managed login pages: server-side HTML forms
// that work without JavaScript (sign-in, sign-up, confirm sign-up,
// forgot/reset password, new password required, MFA code, MFA choice and
// TOTP set-up with a QR code), localised by the lang parameter, styled by
// the client's UI customization, and served with a strict Content Security
// Policy (no script, styles by nonce, frame-ancestors 'none').
//
// The package knows nothing of OAuth or user pools: internal/oauth decides
// which page to show and what its form carries, and loginui draws it.
package loginui
