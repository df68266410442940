package userpool

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Passkey registration, for a signed-in user:
//
//	StartWebAuthnRegistration(AccessToken)
//	  -> CredentialCreationOptions: the options of navigator.credentials.create
//	     (PublicKeyCredentialCreationOptionsJSON), whose challenge is a sealed
//	     registration state
//	CompleteWebAuthnRegistration(AccessToken, Credential: RegistrationResponseJSON)
//	  -> the challenge the authenticator signed is opened and spent (once,
//	     before anything else is checked), the origin and relying party
//	     checked, the attestation verified by go-webauthn, and the passkey
//	     stored
//
// The challenge itself carries the state (pool, client, user, relying
// party, expiry), sealed like a sign-in Session, so any node finishes what
// another started; the Nonces store makes it single use.

const (
	registrationAAD = "webauthn-registration"
	// registrationTimeout is how long a registration may take: the options'
	// timeout, and the life of the challenge.
	registrationTimeout = 5 * time.Minute
	// maxPasskeys is how many passkeys a user may register.
	maxPasskeys = 20
)

// registrationState is what a registration challenge carries.
type registrationState struct {
	ID     string `json:"i"`
	Pool   string `json:"p"`
	Client string `json:"c"`
	Sub    string `json:"u"`
	RP     string `json:"r"`
	UV     string `json:"v"`
}

// credentialCreationOptions is PublicKeyCredentialCreationOptionsJSON as
// Cognito sends it (and Amplify reads it).
type credentialCreationOptions struct {
	RP                     rpEntity               `json:"rp"`
	User                   userEntity             `json:"user"`
	Challenge              string                 `json:"challenge"`
	PubKeyCredParams       []credParam            `json:"pubKeyCredParams"`
	Timeout                int64                  `json:"timeout"`
	ExcludeCredentials     []credentialReference  `json:"excludeCredentials"`
	AuthenticatorSelection authenticatorSelection `json:"authenticatorSelection"`
	Attestation            string                 `json:"attestation"`
}

type rpEntity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type userEntity struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type credParam struct {
	Type string `json:"type"`
	Alg  int64  `json:"alg"`
}

type credentialReference struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Transports []string `json:"transports,omitempty"`
}

type authenticatorSelection struct {
	RequireResidentKey bool   `json:"requireResidentKey"`
	ResidentKey        string `json:"residentKey"`
	UserVerification   string `json:"userVerification"`
}

// supportedAlgorithms are the public key algorithms offered: ES256 and
// RS256, as Cognito offers them.
var supportedAlgorithms = []credParam{{"public-key", -7}, {"public-key", -257}}

// passkeyCaller authenticates a passkey registration: the pool must offer
// passkeys and have a relying party.
func (s *Service) passkeyCaller(ctx context.Context, accessToken string) (*caller, *relyingParty, error) {
	c, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return nil, nil, err
	}
	if !c.pool.passkeysOn() {
		return nil, nil, errorf(WebAuthnNotEnabled, "Passkeys are not enabled for this user pool: its SignInPolicy must allow WEB_AUTHN.")
	}
	rp := s.relyingParty(c.pool)
	if rp == nil {
		return nil, nil, errorf(WebAuthnConfigurationMissing, "The user pool has no passkey relying party id and no domain.")
	}
	return c, rp, nil
}

// userHandle is the WebAuthn user handle of a user: its sub, as Cognito
// uses it.
func userHandle(u *storage.User) []byte { return []byte(u.Sub) }

// StartWebAuthnRegistration returns the options with which the signed-in
// user's browser creates a passkey.
func (s *Service) StartWebAuthnRegistration(ctx context.Context, in *cip.StartWebAuthnRegistrationRequest) (*cip.StartWebAuthnRegistrationResponse, error) {
	c, rp, err := s.passkeyCaller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	doc, err := s.startRegistration(ctx, c, rp)
	if err != nil {
		return nil, err
	}
	return &cip.StartWebAuthnRegistrationResponse{CredentialCreationOptions: doc}, nil
}

// startRegistration returns the creation options of a new passkey of the
// caller (PublicKeyCredentialCreationOptionsJSON).
func (s *Service) startRegistration(ctx context.Context, c *caller, rp *relyingParty) (json.RawMessage, error) {
	owned, err := s.userPasskeys(ctx, c.pool, c.user)
	if err != nil {
		return nil, err
	}
	if len(owned) >= maxPasskeys {
		return nil, errorf(LimitExceeded, "The user has registered the maximum number of passkeys (%d).", maxPasskeys)
	}
	st := registrationState{ID: uuid.NewString(), Pool: c.pool.rec.ID, Client: c.client.rec.ID, Sub: c.user.Sub,
		RP: rp.id, UV: rp.uv}
	challenge, err := s.ring.SealJSON(st, registrationAAD, registrationTimeout, s.now())
	if err != nil {
		return nil, err
	}
	opts := credentialCreationOptions{
		RP:               rpEntity{ID: rp.id, Name: rp.id},
		User:             userEntity{ID: base64.RawURLEncoding.EncodeToString(userHandle(c.user)), Name: c.user.Username},
		Challenge:        challenge,
		PubKeyCredParams: supportedAlgorithms,
		Timeout:          registrationTimeout.Milliseconds(),
		AuthenticatorSelection: authenticatorSelection{RequireResidentKey: true, ResidentKey: "required",
			UserVerification: rp.uv},
		Attestation:        "none",
		ExcludeCredentials: []credentialReference{},
	}
	for _, k := range owned {
		opts.ExcludeCredentials = append(opts.ExcludeCredentials, credentialReference{Type: "public-key", ID: k.ID, Transports: k.Transports})
	}
	return json.Marshal(opts)
}

// CompleteWebAuthnRegistration verifies the new passkey's attestation and
// stores the passkey.
func (s *Service) CompleteWebAuthnRegistration(ctx context.Context, in *cip.CompleteWebAuthnRegistrationRequest) (*cip.CompleteWebAuthnRegistrationResponse, error) {
	c, rp, err := s.passkeyCaller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.completeRegistration(ctx, c, rp, in.Credential); err != nil {
		return nil, err
	}
	return &cip.CompleteWebAuthnRegistrationResponse{}, nil
}

// completeRegistration verifies a RegistrationResponseJSON of the caller
// and stores its passkey.
func (s *Service) completeRegistration(ctx context.Context, c *caller, rp *relyingParty, credential []byte) error {
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return errorf(InvalidParameter, "The credential is not a valid RegistrationResponseJSON.")
	}
	client := parsed.Response.CollectedClientData
	st, err := s.openRegistration(ctx, c, client.Challenge)
	if err != nil {
		return err
	}
	if st.RP != rp.id {
		return errorf(WebAuthnRelyingPartyMismatch, "The user pool's relying party changed during the registration.")
	}
	if !rp.allowsOrigin(client.Origin) {
		return errorf(WebAuthnOriginNotAllowed, "The origin %q is not allowed for the relying party %s.", client.Origin, rp.id)
	}
	rpHash := sha256.Sum256([]byte(rp.id))
	if !bytes.Equal(parsed.Response.AttestationObject.AuthData.RPIDHash, rpHash[:]) {
		return errorf(WebAuthnRelyingPartyMismatch, "The passkey was created for another relying party than %s.", rp.id)
	}
	cred, err := s.verifyAttestation(rp, st, c.user, client.Origin, parsed)
	if err != nil {
		return err
	}
	k := storage.Passkey{
		PoolID: c.pool.rec.ID, Sub: c.user.Sub, ID: base64.RawURLEncoding.EncodeToString(cred.ID),
		RelyingPartyID: rp.id, PublicKey: cred.PublicKey, SignCount: cred.Authenticator.SignCount,
		AAGUID: cred.Authenticator.AAGUID, Attachment: string(cred.Authenticator.Attachment),
		AttestationFormat: cred.AttestationFormat, UserVerified: cred.Flags.UserVerified,
		BackupEligible: cred.Flags.BackupEligible, BackupState: cred.Flags.BackupState, CreatedAt: s.now(),
	}
	for _, t := range cred.Transport {
		k.Transports = append(k.Transports, string(t))
	}
	k.FriendlyName = friendlyName(&k)
	return s.addPasskey(ctx, k)
}

// openRegistration opens the challenge the authenticator signed (the
// client data's, in base64url) and spends it: a challenge completes one
// registration, by the user and client that started it, before it
// expires.
func (s *Service) openRegistration(ctx context.Context, c *caller, challenge string) (*registrationState, error) {
	var st registrationState
	if challenge == "" || s.ring.OpenJSON(challenge, registrationAAD, s.now(), &st) != nil ||
		st.Pool != c.pool.rec.ID || st.Sub != c.user.Sub {
		return nil, errorf(WebAuthnChallengeNotFound, "The passkey registration challenge was not found or has expired.")
	}
	if st.Client != c.client.rec.ID {
		return nil, errorf(WebAuthnClientMismatch, "The registration was started by another app client.")
	}
	n, err := s.store.Nonces().Use(ctx, secret.HashToken("webauthn-registration:"+st.ID), s.now().Add(registrationTimeout))
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, errorf(WebAuthnChallengeNotFound, "The passkey registration challenge was used already.")
	}
	return &st, nil
}

// registrant is the user a registration is for, as go-webauthn sees it.
type registrant struct{ u *storage.User }

func (r registrant) WebAuthnID() []byte                         { return userHandle(r.u) }
func (r registrant) WebAuthnName() string                       { return r.u.Username }
func (r registrant) WebAuthnDisplayName() string                { return "" }
func (r registrant) WebAuthnCredentials() []webauthn.Credential { return nil }

// verifyAttestation has go-webauthn verify the registration: challenge,
// origin, relying party, flags (user verification when required) and the
// attestation statement.
func (s *Service) verifyAttestation(rp *relyingParty, st *registrationState, u *storage.User, origin string, parsed *protocol.ParsedCredentialCreationData) (*webauthn.Credential, error) {
	wa, err := rp.verifier(origin)
	if err != nil {
		return nil, err
	}
	session := webauthn.SessionData{
		Challenge: parsed.Response.CollectedClientData.Challenge, RelyingPartyID: rp.id, UserID: userHandle(u),
		UserVerification: (&relyingParty{uv: st.UV}).requirement(),
		CredParams: []protocol.CredentialParameter{
			{Type: protocol.PublicKeyCredentialType, Algorithm: -7}, {Type: protocol.PublicKeyCredentialType, Algorithm: -257},
		},
	}
	cred, err := wa.CreateCredential(registrant{u}, session, parsed)
	if err == nil {
		return cred, nil
	}
	s.log.Debug("passkey registration refused", "pool", u.PoolID, "error", err)
	flags := parsed.Response.AttestationObject.AuthData.Flags
	var perr *protocol.Error
	switch {
	case st.UV == "required" && !flags.HasUserVerified():
		return nil, errorf(WebAuthnCredentialNotSupported, "The user pool requires user verification, which the authenticator did not perform.")
	case errors.As(err, &perr) && (perr.Type == protocol.ErrUnsupportedAlgorithm.Type ||
		perr.Type == protocol.ErrUnsupportedKey.Type || perr.Type == protocol.ErrAttestationFormat.Type):
		return nil, errorf(WebAuthnCredentialNotSupported, "The authenticator's credential is not supported.")
	}
	return nil, errorf(InvalidParameter, "The passkey credential could not be verified.")
}

// addPasskey stores a new passkey, within the user's limit (counted in the
// same transaction).
func (s *Service) addPasskey(ctx context.Context, k storage.Passkey) error {
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		n, err := tx.Passkeys().Count(ctx, k.PoolID, k.Sub)
		if err != nil {
			return err
		}
		if n >= maxPasskeys {
			return errorf(LimitExceeded, "The user has registered the maximum number of passkeys (%d).", maxPasskeys)
		}
		return tx.Passkeys().Create(ctx, k)
	})
	switch {
	case errors.Is(err, storage.ErrConflict):
		return errorf(InvalidParameter, "The passkey is registered already.")
	case errors.Is(err, storage.ErrNotFound):
		return errorf(UserNotFound, msgUserNotFound)
	}
	return err
}

// userPasskeys returns all of the user's passkeys (at most maxPasskeys, a
// page of the store).
func (s *Service) userPasskeys(ctx context.Context, p *pool, u *storage.User) ([]storage.Passkey, error) {
	var out []storage.Passkey
	token := ""
	for {
		page, next, err := s.store.Passkeys().List(ctx, p.rec.ID, u.Sub, storage.Page{Token: token, Limit: 60})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		token = next
	}
}

// ListWebAuthnCredentials lists the signed-in user's passkeys.
func (s *Service) ListWebAuthnCredentials(ctx context.Context, in *cip.ListWebAuthnCredentialsRequest) (*cip.ListWebAuthnCredentialsResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	recs, next, err := s.store.Passkeys().List(ctx, c.pool.rec.ID, c.user.Sub,
		storage.Page{Token: in.NextToken, Limit: listLimit(in.MaxResults, maxPasskeys)})
	if err != nil {
		return nil, pageError(err)
	}
	out := &cip.ListWebAuthnCredentialsResponse{Credentials: []cip.WebAuthnCredentialDescription{}, NextToken: next}
	for _, k := range recs {
		out.Credentials = append(out.Credentials, cip.WebAuthnCredentialDescription{
			CredentialId: k.ID, FriendlyCredentialName: k.FriendlyName, RelyingPartyId: k.RelyingPartyID,
			AuthenticatorAttachment: k.Attachment, AuthenticatorTransports: k.Transports, CreatedAt: awstime.New(k.CreatedAt),
		})
	}
	return out, nil
}

// DeleteWebAuthnCredential deletes one of the signed-in user's passkeys.
func (s *Service) DeleteWebAuthnCredential(ctx context.Context, in *cip.DeleteWebAuthnCredentialRequest) (*cip.DeleteWebAuthnCredentialResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	err = s.store.Passkeys().Delete(ctx, c.pool.rec.ID, c.user.Sub, in.CredentialId)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errorf(ResourceNotFound, "The passkey was not found.")
	}
	if err != nil {
		return nil, err
	}
	return &cip.DeleteWebAuthnCredentialResponse{}, nil
}

// knownAuthenticators names a few common passkey providers by AAGUID.
var knownAuthenticators = map[string]string{
	"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
	"fbfc3007-154e-4ecc-8c0b-6e020557d7bd": "iCloud Keychain",
	"08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello",
	"adce0002-35bc-c60a-648b-0b25f1f05503": "Chrome on Mac",
	"bada5566-a7aa-401f-bd96-45619a55120d": "1Password",
}

// friendlyName names a new passkey: its provider when the AAGUID is a
// known one, otherwise by the kind of authenticator.
func friendlyName(k *storage.Passkey) string {
	if id, err := uuid.FromBytes(k.AAGUID); err == nil {
		if name, ok := knownAuthenticators[id.String()]; ok {
			return name
		}
	}
	if k.Attachment == "cross-platform" {
		return "Security key"
	}
	return "Passkey"
}
