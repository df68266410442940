package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
	"github.com/google/uuid"
)

// What follows a first factor. A verified password (USER_PASSWORD_AUTH,
// PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, USER_AUTH's PASSWORD and
// PASSWORD_SRP) or a passwordless code (USER_AUTH's EMAIL_OTP and SMS_OTP)
// leads, in Cognito's order, to:
//
//  1. DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, when the pool tracks
//     devices and the client presented the key of one of the user's
//     devices;
//  2. MFA (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE or
//     MFA_SETUP), unless the pool's MFA is off, the user has no factor in an
//     OPTIONAL pool, a remembered device stands in for it
//     (ChallengeRequiredOnNewDevice), or the first factor was passwordless;
//  3. tokens, with NewDeviceMetadata when the pool tracks devices and the
//     client did not authenticate a known device.

// continueSignIn runs the steps above for a user whose first factor was
// verified; st says what the client presented and what it passed so far.
func (s *Service) continueSignIn(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState) (*authResult, error) {
	st.Pool, st.Client, st.Sub, st.Password = p.rec.ID, cl.rec.ID, u.Sub, passwordFingerprint(u)
	if !p.tracksDevices() {
		st.Device, st.DeviceOK = "", false
	}
	if st.Device != "" && !st.DeviceOK {
		if _, err := s.userDevice(ctx, p, u, st.Device); err != nil {
			return nil, err
		}
		return s.deviceSRPChallenge(cl, u, st)
	}
	if !st.NoMFA {
		r, err := s.mfaChallenge(ctx, p, cl, u, st)
		if r != nil || err != nil {
			return r, err
		}
	}
	return s.signedIn(ctx, p, cl, u, st)
}

// signedIn issues the tokens of a completed sign-in. Their device_key is
// the device the client authenticated or, when the pool tracks devices and
// it authenticated none, a new device key sent as NewDeviceMetadata for
// the client to confirm (ConfirmDevice).
func (s *Service) signedIn(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState) (*authResult, error) {
	var meta *cip.NewDeviceMetadataType
	sess := &session{source: triggers.TokenAuthentication}
	switch {
	case st.NewPassword:
		sess.source = triggers.TokenNewPasswordChallenge
	case st.DeviceOK:
		sess.source = triggers.TokenAuthenticateDevice
	}
	if err := s.postAuthentication(ctx, p, cl, u, p.tracksDevices() && !st.DeviceOK); err != nil {
		return nil, err
	}
	if isHosted(ctx) { // the tokens come with the authorization code
		return &authResult{hostedSub: u.Sub}, nil
	}
	switch {
	case st.DeviceOK:
		sess.deviceKey = st.Device
	case p.tracksDevices():
		group, err := s.deviceGroupKey(ctx, u)
		if err != nil {
			return nil, err
		}
		sess.deviceKey = p.rec.Region + "_" + uuid.NewString()
		meta = &cip.NewDeviceMetadataType{DeviceKey: sess.deviceKey, DeviceGroupKey: group}
	}
	res, err := s.issueTokens(ctx, p, cl, u, sess)
	if err != nil {
		return nil, err
	}
	res.NewDeviceMetadata = meta
	return &authResult{Result: res, ChallengeParameters: map[string]string{}}, nil
}

// respondFlow answers the challenges of SRP, devices, MFA and USER_AUTH.
func (s *Service) respondFlow(ctx context.Context, p *pool, cl *client, challenge, sess string, resp map[string]string) (*authResult, error) {
	switch challenge {
	case "PASSWORD_VERIFIER":
		r, relayed, err := s.respondRelayedSRP(ctx, p, cl, sess, resp)
		if !relayed {
			r, err = s.respondPasswordVerifier(ctx, p, cl, resp)
		}
		return s.auditSignIn(ctx, p, resp["USERNAME"], r, err)
	case "DEVICE_SRP_AUTH":
		return s.respondDeviceSRP(ctx, p, cl, sess, resp)
	case "DEVICE_PASSWORD_VERIFIER":
		return s.respondDevicePasswordVerifier(ctx, p, cl, sess, resp)
	case "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SMS_OTP":
		return s.respondCode(ctx, p, cl, challenge, sess, resp)
	case "SELECT_MFA_TYPE":
		return s.respondSelectMFAType(ctx, p, cl, sess, resp)
	case "MFA_SETUP":
		return s.respondMFASetup(ctx, p, cl, sess, resp)
	default: // SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP, WEB_AUTHN
		return s.respondUserAuth(ctx, p, cl, challenge, sess, resp)
	}
}
