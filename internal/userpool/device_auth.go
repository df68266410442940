package userpool

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// Device authentication: a client that presents the key of one of the
// user's devices after the password proves it holds that device's secret
// with SRP, computed with DeviceGroupKey as the pool name and DeviceKey as
// the user id (srp.DeviceVerifier):
//
//	-> DEVICE_SRP_AUTH (Session)
//	RespondToAuthChallenge(DEVICE_SRP_AUTH: USERNAME, DEVICE_KEY, SRP_A)
//	  -> DEVICE_PASSWORD_VERIFIER {SRP_B, SALT, SECRET_BLOCK, USERNAME, DEVICE_KEY}
//	RespondToAuthChallenge(DEVICE_PASSWORD_VERIFIER: PASSWORD_CLAIM_*, TIMESTAMP, DEVICE_KEY)
//	  -> MFA (unless the device is remembered and the pool's
//	     ChallengeRequiredOnNewDevice lets it stand in for MFA), tokens

// tracksDevices reports whether the pool tracks devices: any
// DeviceConfiguration turns it on.
func (p *pool) tracksDevices() bool { return p.cfg.DeviceConfiguration != nil }

// deviceReplacesMFA reports whether a remembered device skips MFA.
func (p *pool) deviceReplacesMFA() bool {
	return p.cfg.DeviceConfiguration != nil && boolv(p.cfg.DeviceConfiguration.ChallengeRequiredOnNewDevice)
}

// onUserPrompt reports DeviceOnlyRememberedOnUserPrompt.
func (p *pool) onUserPrompt() bool {
	return p.cfg.DeviceConfiguration != nil && boolv(p.cfg.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt)
}

// Device statuses.
const (
	deviceRemembered    = "remembered"
	deviceNotRemembered = "not_remembered"
)

func deviceVerifierAAD(poolID, key string) []byte {
	return []byte("device-verifier:" + poolID + ":" + key)
}

// deviceGroupKey returns the user's device group key: stable for the user
// and derived from the server secret, so no node has to store it.
func (s *Service) deviceGroupKey(ctx context.Context, u *storage.User) (string, error) {
	d, err := s.derive(ctx, "device-group", u.PoolID, u.Sub)
	if err != nil {
		return "", err
	}
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	out := []byte{'-'}
	for _, b := range d[:9] {
		out = append(out, alphabet[int(b)%len(alphabet)])
	}
	return string(out), nil
}

// userDevice loads one of the user's devices; another user's device, or
// none, is ResourceNotFoundException.
func (s *Service) userDevice(ctx context.Context, p *pool, u *storage.User, key string) (*storage.Device, error) {
	d, err := s.store.Devices().Get(ctx, p.rec.ID, key)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && d.Sub != u.Sub) {
		return nil, errorf(ResourceNotFound, msgDeviceNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// deviceSRPChallenge asks the client to authenticate the device it named.
func (s *Service) deviceSRPChallenge(cl *client, u *storage.User, st flowState) (*authResult, error) {
	st.Challenge = "DEVICE_SRP_AUTH"
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	return &authResult{ChallengeName: "DEVICE_SRP_AUTH", Session: sess,
		ChallengeParameters: map[string]string{"USERNAME": u.Username}}, nil
}

// respondDeviceSRP answers SRP_A for the device with DEVICE_PASSWORD_VERIFIER.
func (s *Service) respondDeviceSRP(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	st, u, err := s.openChallenge(ctx, p, cl, sess, "DEVICE_SRP_AUTH", resp)
	if err != nil {
		return nil, err
	}
	if resp["SRP_A"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter SRP_A")
	}
	if key := resp["DEVICE_KEY"]; key != "" && key != st.Device {
		return nil, errorf(NotAuthorized, msgDeadSession)
	}
	d, err := s.userDevice(ctx, p, u, st.Device)
	if err != nil {
		return nil, err
	}
	v, err := s.ring.Open(d.VerifierSealed, deviceVerifierAAD(p.rec.ID, d.Key))
	if err != nil {
		return nil, err
	}
	srpSess, err := srp.NewServerSession(resp["SRP_A"], v)
	if errors.Is(err, srp.ErrInvalidPublicValue) {
		return nil, errorf(InvalidParameter, "SRP_A is not a valid SRP public value.")
	}
	if err != nil {
		return nil, err
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	block, err := s.sealBlock(&srpState{ID: uuid.NewString(), Pool: p.rec.ID, Client: cl.rec.ID, Sub: u.Sub,
		UserID: d.Key, Password: st.Password, Device: d.Key, ForDevice: true, Session: *srpSess})
	if err != nil {
		return nil, err
	}
	next := *st
	next.Challenge = "DEVICE_PASSWORD_VERIFIER"
	text, err := s.sealFlow(cl, &next)
	if err != nil {
		return nil, err
	}
	return &authResult{ChallengeName: "DEVICE_PASSWORD_VERIFIER", Session: text, ChallengeParameters: map[string]string{
		"SRP_B":        srpSess.SRPB(),
		"SALT":         hex.EncodeToString(d.Salt),
		"SECRET_BLOCK": block,
		"USERNAME":     u.Username,
		"DEVICE_KEY":   d.Key,
	}}, nil
}

// respondDevicePasswordVerifier checks the device's proof, then continues
// the sign-in with the device authenticated.
func (s *Service) respondDevicePasswordVerifier(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	st, u, err := s.openChallenge(ctx, p, cl, sess, "DEVICE_PASSWORD_VERIFIER", resp)
	if err != nil {
		return nil, err
	}
	if resp["PASSWORD_CLAIM_SECRET_BLOCK"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK")
	}
	block, raw, err := s.openBlock(cl, p, resp["PASSWORD_CLAIM_SECRET_BLOCK"], true)
	if err != nil {
		return nil, err
	}
	if block.Sub != u.Sub || block.Device != st.Device {
		return nil, errorf(NotAuthorized, msgDeadSession)
	}
	d, err := s.userDevice(ctx, p, u, st.Device)
	if err != nil {
		return nil, err
	}
	if err := s.spendBlock(ctx, block); err != nil {
		return nil, err
	}
	claim, err := s.srpClaim(resp, d.GroupKey, d.Key, raw)
	if err != nil {
		return nil, err
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	v, err := s.ring.Open(d.VerifierSealed, deviceVerifierAAD(p.rec.ID, d.Key))
	if err != nil {
		return nil, err
	}
	if block.Session.Verify(v, claim, s.now()) != nil {
		return nil, errorf(NotAuthorized, msgBadCredentials)
	}
	now := s.now()
	d.LastAuthenticatedAt, d.UpdatedAt = now, now
	if ip := sourceIP(ctx); ip != "" {
		d.LastIP = ip
	}
	if err := s.store.Devices().Update(ctx, *d); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	next := *st
	next.DeviceOK = true
	next.NoMFA = next.NoMFA || (d.Status == deviceRemembered && p.deviceReplacesMFA())
	return s.continueSignIn(ctx, p, cl, u, next)
}
