package userpool

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Passkey sign-in, USER_AUTH's WEB_AUTHN first factor:
//
//	InitiateAuth(USER_AUTH: USERNAME, PREFERRED_CHALLENGE=WEB_AUTHN), or
//	RespondToAuthChallenge(SELECT_CHALLENGE: ANSWER=WEB_AUTHN)
//	  -> WEB_AUTHN {CREDENTIAL_REQUEST_OPTIONS: PublicKeyCredentialRequestOptionsJSON
//	     listing the user's passkeys}, with a Session that seals a random
//	     challenge
//	RespondToAuthChallenge(WEB_AUTHN: USERNAME, CREDENTIAL: AuthenticationResponseJSON)
//	  -> the Session is spent (one answer each), go-webauthn verifies the
//	     assertion against the stored public key (challenge, origin,
//	     relying party, flags, signature), the signature counter must
//	     advance, and the user gets tokens: a passkey is a passwordless
//	     factor, so no MFA follows.
//
// A name no user holds (with PreventUserExistenceErrors) gets the same
// challenge over credential ids derived from the name, and fails at the
// answer.

// credentialRequestOptions is PublicKeyCredentialRequestOptionsJSON.
type credentialRequestOptions struct {
	Challenge        string                `json:"challenge"`
	Timeout          int64                 `json:"timeout"`
	RPID             string                `json:"rpId"`
	AllowCredentials []credentialReference `json:"allowCredentials"`
	UserVerification string                `json:"userVerification"`
}

// firstFactors lists the first factors USER_AUTH offers u (nil for a name
// no user holds): those of availableFirstFactors, and WEB_AUTHN when the
// pool offers passkeys and the user has one.
func (s *Service) firstFactors(ctx context.Context, p *pool, u *storage.User) ([]string, error) {
	out := p.availableFirstFactors(u)
	if !p.passkeysOn() || s.relyingParty(p) == nil {
		return out, nil
	}
	if u != nil {
		n, err := s.store.Passkeys().Count(ctx, p.rec.ID, u.Sub)
		if err != nil || n == 0 {
			return out, err
		}
	}
	return append(out, ffWebAuthn), nil
}

// webAuthnChallenge asks for a passkey assertion.
func (s *Service) webAuthnChallenge(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState) (*authResult, error) {
	rp := s.relyingParty(p)
	if rp == nil {
		return nil, errorf(InvalidParameter, "The challenge %s is not available for the user.", ffWebAuthn)
	}
	var allow []credentialReference
	if u == nil {
		d, err := s.derive(ctx, "webauthn-fake-credential", p.rec.ID, p.key(st.Name))
		if err != nil {
			return nil, err
		}
		allow = []credentialReference{{Type: "public-key", ID: base64.RawURLEncoding.EncodeToString(d), Transports: []string{"internal"}}}
	} else {
		switch {
		case !u.Enabled:
			return nil, errorf(NotAuthorized, msgUserDisabled)
		case u.Status == "UNCONFIRMED":
			return nil, errorf(UserNotConfirmed, msgNotConfirmed)
		case u.Status != "CONFIRMED":
			return nil, errorf(NotAuthorized, "The user cannot sign in without a password until it is changed.")
		}
		owned, err := s.userPasskeys(ctx, p, u)
		if err != nil {
			return nil, err
		}
		for _, k := range owned {
			allow = append(allow, credentialReference{Type: "public-key", ID: k.ID, Transports: k.Transports})
		}
	}
	challenge := make([]byte, 32)
	if _, err := rand.Read(challenge); err != nil {
		return nil, err
	}
	st.Challenge, st.Passkey, st.NoMFA = ffWebAuthn, base64.RawURLEncoding.EncodeToString(challenge), true
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(credentialRequestOptions{Challenge: st.Passkey, Timeout: cl.sessionTTL().Milliseconds(),
		RPID: rp.id, AllowCredentials: allow, UserVerification: rp.uv})
	if err != nil {
		return nil, err
	}
	return &authResult{ChallengeName: ffWebAuthn, Session: sess,
		ChallengeParameters: map[string]string{"CREDENTIAL_REQUEST_OPTIONS": string(opts)}}, nil
}

// respondWebAuthn checks the passkey assertion answering WEB_AUTHN.
func (s *Service) respondWebAuthn(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	st, err := s.openFlow(ctx, cl, sess, ffWebAuthn)
	if err != nil {
		return nil, err
	}
	var u *storage.User
	if st.Sub != "" {
		if u, err = s.flowUser(ctx, p, st); err != nil {
			return nil, err
		}
	}
	names := []string{resp["USERNAME"], st.Name}
	if u != nil {
		names = append(names, u.Username)
	}
	if err := cl.checkSecretHash(resp["SECRET_HASH"], names...); err != nil {
		return nil, err
	}
	if resp["CREDENTIAL"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter CREDENTIAL")
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(resp["CREDENTIAL"]))
	if err != nil {
		return nil, errorf(InvalidParameter, "CREDENTIAL is not a valid AuthenticationResponseJSON.")
	}
	if u == nil {
		return nil, errorf(NotAuthorized, msgBadCredentials)
	}
	if err := s.verifyAssertion(ctx, p, u, st, parsed); err != nil {
		return nil, err
	}
	if u.Status != "CONFIRMED" {
		return nil, errorf(NotAuthorized, msgBadCredentials)
	}
	next := flowState{Device: st.Device, NoMFA: true}
	if d := resp["DEVICE_KEY"]; d != "" {
		next.Device = d
	}
	return s.continueSignIn(ctx, p, cl, u, next)
}

// signer is the user signing in, as go-webauthn sees it.
type signer struct {
	u    *storage.User
	keys []webauthn.Credential
}

func (v signer) WebAuthnID() []byte                         { return userHandle(v.u) }
func (v signer) WebAuthnName() string                       { return v.u.Username }
func (v signer) WebAuthnDisplayName() string                { return "" }
func (v signer) WebAuthnCredentials() []webauthn.Credential { return v.keys }

// verifyAssertion verifies a passkey assertion of u against the challenge
// st carries, and records the use; any failure is NotAuthorizedException.
func (s *Service) verifyAssertion(ctx context.Context, p *pool, u *storage.User, st *flowState, parsed *protocol.ParsedCredentialAssertionData) error {
	rp := s.relyingParty(p)
	origin := parsed.Response.CollectedClientData.Origin
	if rp == nil || !rp.allowsOrigin(origin) {
		return errorf(NotAuthorized, "The passkey's origin %q is not allowed for this user pool.", origin)
	}
	k, err := s.store.Passkeys().Get(ctx, p.rec.ID, base64.RawURLEncoding.EncodeToString(parsed.RawID))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (k.Sub != u.Sub || k.RelyingPartyID != rp.id)) {
		return errorf(NotAuthorized, "The passkey is not registered for the user.")
	}
	if err != nil {
		return err
	}
	wa, err := rp.verifier(origin)
	if err != nil {
		return err
	}
	rawID, _ := base64.RawURLEncoding.DecodeString(k.ID)
	cred := webauthn.Credential{ID: rawID, PublicKey: k.PublicKey, AttestationFormat: k.AttestationFormat,
		Flags:         webauthn.CredentialFlags{UserVerified: k.UserVerified, BackupEligible: k.BackupEligible, BackupState: k.BackupState},
		Authenticator: webauthn.Authenticator{AAGUID: k.AAGUID, SignCount: k.SignCount}}
	session := webauthn.SessionData{Challenge: st.Passkey, RelyingPartyID: rp.id, UserID: userHandle(u),
		AllowedCredentialIDs: [][]byte{rawID}, UserVerification: rp.requirement()}
	used, err := wa.ValidateLogin(signer{u: u, keys: []webauthn.Credential{cred}}, session, parsed)
	if err != nil {
		s.log.Debug("passkey assertion refused", "pool", p.rec.ID, "error", err)
		return errorf(NotAuthorized, "The passkey assertion could not be verified.")
	}
	ok, err := s.store.Passkeys().RecordUse(ctx, p.rec.ID, k.ID, used.Authenticator.SignCount, used.Flags.BackupState, s.now())
	if err != nil {
		return err
	}
	if !ok {
		s.log.Warn("passkey signature counter did not advance: a cloned authenticator?", "pool", p.rec.ID, "sub", u.Sub,
			"stored", k.SignCount, "presented", used.Authenticator.SignCount)
		return errorf(NotAuthorized, "The passkey's signature counter did not advance; the authenticator may have been cloned.")
	}
	return nil
}
