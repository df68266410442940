// Package loginui renders the managed login pages: server-side HTML forms
// that work without JavaScript (sign-in, sign-up, confirm sign-up,
// forgot/reset password, new password required, MFA code, MFA choice,
// TOTP set-up with a QR code, and choice-based sign-in's factor choice),
// localised by the lang parameter, styled by the client's UI
// customization or branding style, and served with a strict Content
// Security Policy (styles by nonce, frame-ancestors 'none', and no script
// but passkey.js, by nonce, on the passkey pages, which need it).
//
// The package knows nothing of OAuth or user pools: internal/oauth decides
// which page to show and what its form carries, and loginui draws it.
package loginui
