// Package console is the admin console served at <public-url>/console/:
// server-rendered pages (html/template, embedded with go:embed, no
// JavaScript) over the domain services, called directly rather than
// through the AWS APIs.
//
// The flow: an operator signs in with the root credentials or as a member
// of the group "admins" of the configured admin user pool (through the user
// pool's own sign-in flow, MFA included). The session is a cookie sealed
// with the server key (HttpOnly, SameSite=Strict, Secure over https) that
// carries a random session id, the admin's name, a CSRF token and the time
// of the last request; it ends after the idle timeout, and signing out
// records the session id as used (storage.Nonces), so a copied cookie dies
// with it. Every form carries the CSRF token; every change is recorded in
// the audit log with the admin's name (Details["Admin"]).
//
// Pages: user pools and their settings, users (ListUsers filters, or the
// owner of an identity id), a user's page with the identities it has in
// each identity pool and their audit history, app clients, groups,
// domains, identity providers, identity pools with their identities'
// owners, the "who owns this?" box, and the audit log with CSV export.
package console
