package userpool

import (
	"net"
	"net/url"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// Passkeys (WebAuthn) are on in a pool whose SignInPolicy allows the
// WEB_AUTHN first factor, in the Essentials or Plus feature plan. The
// pool's relying party is, in this order:
//
//  1. WebAuthnConfiguration.RelyingPartyId (SetUserPoolMfaConfig);
//  2. the pool's custom domain, as Cognito requires when there is one;
//  3. with a prefix domain, the host of the server's public URL, since
//     Cognate serves a prefix domain's pages under
//     <public-url>/domains/<prefix>;
//
// and without any of them passkeys cannot be registered
// (WebAuthnConfigurationMissingException). A ceremony's origin must be
// https on the relying party's host or one of its subdomains (any port),
// or, when the relying party is "localhost", http or https on localhost:
// browsers treat http://localhost as a secure context, so local
// development needs no certificate.

// relyingParty is a pool's WebAuthn relying party.
type relyingParty struct {
	id string
	// uv is the user verification the pool asks for: "required" or
	// "preferred".
	uv string
}

// passkeysOn reports whether the pool offers passkeys: its sign-in policy
// allows WEB_AUTHN and its feature plan has them.
func (p *pool) passkeysOn() bool {
	pol := p.cfg.Policies
	return p.cfg.UserPoolTier != "LITE" && pol != nil && pol.SignInPolicy != nil &&
		contains(pol.SignInPolicy.AllowedFirstAuthFactors, ffWebAuthn)
}

// relyingParty returns the pool's relying party, or nil when the pool has
// neither a relying party id nor a domain.
func (s *Service) relyingParty(p *pool) *relyingParty {
	rp := &relyingParty{uv: "preferred"}
	if w := p.cfg.mfa().WebAuthn; w != nil {
		rp.id = strings.ToLower(w.RelyingPartyId)
		rp.uv = orDefault(w.UserVerification, rp.uv)
	}
	if d := p.cfg.Domains; rp.id == "" && d != nil {
		switch {
		case d.Custom != nil:
			rp.id = d.Custom.Name
		case d.Prefix != nil:
			if u, err := url.Parse(s.publicURL); err == nil {
				rp.id = strings.ToLower(u.Hostname())
			}
		}
	}
	if rp.id == "" {
		return nil
	}
	return rp
}

// allowsOrigin reports whether a ceremony at origin may use the relying
// party (see the rules above). origin is the client data's, such as
// "https://app.example.com" or "http://localhost:5173".
func (rp *relyingParty) allowsOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && (strings.TrimLeft(port, "0123456789") != "" || len(port) > 5) {
		return false
	}
	switch u.Scheme {
	case "https":
		return host == rp.id || strings.HasSuffix(host, "."+rp.id)
	case "http":
		return rp.id == "localhost" && host == "localhost"
	}
	return false
}

// validRelyingPartyID reports whether id can be a relying party id: a host
// name (lower case, no scheme, port or path), not an IP address, which
// browsers refuse.
func validRelyingPartyID(id string) bool {
	if id == "" || len(id) > 127 || net.ParseIP(id) != nil || strings.ToLower(id) != id {
		return false
	}
	for _, l := range strings.Split(id, ".") {
		if !domainLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// verifier returns the go-webauthn relying party that checks one ceremony
// at origin, which allowsOrigin accepted: the library then checks the
// client data's origin, the authenticator data's relying party hash, the
// challenge, the flags and the signatures.
func (rp *relyingParty) verifier(origin string) (*webauthn.WebAuthn, error) {
	return webauthn.New(&webauthn.Config{
		RPID:          rp.id,
		RPDisplayName: rp.id,
		RPOrigins:     []string{origin},
	})
}

// requirement is the pool's user verification as the library names it.
func (rp *relyingParty) requirement() protocol.UserVerificationRequirement {
	if rp.uv == "required" {
		return protocol.VerificationRequired
	}
	return protocol.VerificationPreferred
}
