package userpool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// The device operations: ConfirmDevice registers the device a sign-in's
// NewDeviceMetadata named, with the SRP verifier the client computed for
// it; the others list, show, forget and (un)remember a user's devices, for
// the user (by access token) or an administrator.

// ConfirmDevice registers the device of the signed-in session: DeviceKey
// must be the device key the session's tokens carry. With
// DeviceOnlyRememberedOnUserPrompt the device starts not remembered and
// UserConfirmationNecessary tells the app to ask the user
// (UpdateDeviceStatus); otherwise it is remembered at once.
func (s *Service) ConfirmDevice(ctx context.Context, in *cip.ConfirmDeviceRequest) (*cip.ConfirmDeviceResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	p, u := c.pool, c.user
	if !p.tracksDevices() {
		return nil, errorf(InvalidUserPoolConfig, "Device tracking is not enabled for the user pool %s.", p.rec.ID)
	}
	if in.DeviceKey == "" || in.DeviceKey != c.claims.DeviceKey {
		return nil, errorf(ResourceNotFound, msgDeviceNotFound)
	}
	cfg := in.DeviceSecretVerifierConfig
	if cfg == nil {
		return nil, errorf(InvalidParameter, "Missing required parameter DeviceSecretVerifierConfig")
	}
	salt, v, err := srp.DeviceVerifier(cfg.Salt, cfg.PasswordVerifier)
	if err != nil {
		return nil, errorf(InvalidParameter, "DeviceSecretVerifierConfig is not a valid SRP salt and verifier.")
	}
	group, err := s.deviceGroupKey(ctx, u)
	if err != nil {
		return nil, err
	}
	status := deviceRemembered
	if p.onUserPrompt() {
		status = deviceNotRemembered
	}
	now := s.now()
	err = s.store.Devices().Create(ctx, storage.Device{
		PoolID: p.rec.ID, Sub: u.Sub, Key: in.DeviceKey, GroupKey: group, Name: in.DeviceName,
		Salt: salt, VerifierSealed: s.ring.Seal(v, deviceVerifierAAD(p.rec.ID, in.DeviceKey)), Status: status,
		LastIP: sourceIP(ctx), CreatedAt: now, UpdatedAt: now, LastAuthenticatedAt: now,
	})
	switch {
	case errors.Is(err, storage.ErrConflict):
		return nil, errorf(DeviceKeyExists, "Device key already exists.")
	case errors.Is(err, storage.ErrNotFound):
		return nil, errorf(UserNotFound, msgUserNotFound)
	case err != nil:
		return nil, err
	}
	return &cip.ConfirmDeviceResponse{UserConfirmationNecessary: ptr(p.onUserPrompt())}, nil
}

// deviceType renders a device as DeviceType.
func deviceType(d *storage.Device) cip.DeviceType {
	attrs := []cip.AttributeType{
		{Name: "device_status", Value: "valid"},
		{Name: "dev:device_remembered_status", Value: d.Status},
	}
	if d.Name != "" {
		attrs = append(attrs, cip.AttributeType{Name: "device_name", Value: d.Name})
	}
	if d.LastIP != "" {
		attrs = append(attrs, cip.AttributeType{Name: "last_ip_used", Value: d.LastIP})
	}
	out := cip.DeviceType{
		DeviceKey: d.Key, DeviceAttributes: attrs,
		DeviceCreateDate: awstime.New(d.CreatedAt), DeviceLastModifiedDate: awstime.New(d.UpdatedAt),
	}
	if !d.LastAuthenticatedAt.IsZero() {
		out.DeviceLastAuthenticatedDate = awstime.New(d.LastAuthenticatedAt)
	}
	return out
}

// listDevices lists a user's devices, a page at a time.
func (s *Service) listDevices(ctx context.Context, p *pool, u *storage.User, limit *int32, token string) ([]cip.DeviceType, string, error) {
	n := int(int32v(limit, 60))
	if n == 0 {
		n = 60
	}
	recs, next, err := s.store.Devices().List(ctx, p.rec.ID, u.Sub, storage.Page{Token: token, Limit: n})
	if err != nil {
		return nil, "", pageError(err)
	}
	out := make([]cip.DeviceType, 0, len(recs))
	for i := range recs {
		out = append(out, deviceType(&recs[i]))
	}
	return out, next, nil
}

// setDeviceStatus remembers or forgets-to-remember a user's device.
func (s *Service) setDeviceStatus(ctx context.Context, p *pool, u *storage.User, key, status string) error {
	d, err := s.userDevice(ctx, p, u, key)
	if err != nil {
		return err
	}
	if status == "" {
		return nil
	}
	d.Status, d.UpdatedAt = status, s.now()
	err = s.store.Devices().Update(ctx, *d)
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(ResourceNotFound, msgDeviceNotFound)
	}
	return err
}

// forgetDevice deletes a user's device.
func (s *Service) forgetDevice(ctx context.Context, p *pool, u *storage.User, key string) error {
	if _, err := s.userDevice(ctx, p, u, key); err != nil {
		return err
	}
	err := s.store.Devices().Delete(ctx, p.rec.ID, key)
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(ResourceNotFound, msgDeviceNotFound)
	}
	return err
}

// deviceCaller authenticates the optional AccessToken of GetDevice and
// ForgetDevice.
func (s *Service) deviceCaller(ctx context.Context, token string) (*caller, error) {
	if token == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter AccessToken")
	}
	return s.authenticate(ctx, token)
}

// ListDevices lists the signed-in user's devices.
func (s *Service) ListDevices(ctx context.Context, in *cip.ListDevicesRequest) (*cip.ListDevicesResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	list, next, err := s.listDevices(ctx, c.pool, c.user, in.Limit, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	return &cip.ListDevicesResponse{Devices: list, PaginationToken: next}, nil
}

// GetDevice shows one of the signed-in user's devices.
func (s *Service) GetDevice(ctx context.Context, in *cip.GetDeviceRequest) (*cip.GetDeviceResponse, error) {
	c, err := s.deviceCaller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	d, err := s.userDevice(ctx, c.pool, c.user, in.DeviceKey)
	if err != nil {
		return nil, err
	}
	out := deviceType(d)
	return &cip.GetDeviceResponse{Device: &out}, nil
}

// ForgetDevice deletes one of the signed-in user's devices.
func (s *Service) ForgetDevice(ctx context.Context, in *cip.ForgetDeviceRequest) (*Empty, error) {
	c, err := s.deviceCaller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.forgetDevice(ctx, c.pool, c.user, in.DeviceKey)
}

// UpdateDeviceStatus remembers, or stops remembering, one of the signed-in
// user's devices.
func (s *Service) UpdateDeviceStatus(ctx context.Context, in *cip.UpdateDeviceStatusRequest) (*cip.UpdateDeviceStatusResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.setDeviceStatus(ctx, c.pool, c.user, in.DeviceKey, in.DeviceRememberedStatus); err != nil {
		return nil, err
	}
	return &cip.UpdateDeviceStatusResponse{}, nil
}

// AdminListDevices lists a user's devices.
func (s *Service) AdminListDevices(ctx context.Context, in *cip.AdminListDevicesRequest) (*cip.AdminListDevicesResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	list, next, err := s.listDevices(ctx, p, u, in.Limit, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	return &cip.AdminListDevicesResponse{Devices: list, PaginationToken: next}, nil
}

// AdminGetDevice shows one of a user's devices.
func (s *Service) AdminGetDevice(ctx context.Context, in *cip.AdminGetDeviceRequest) (*cip.AdminGetDeviceResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	d, err := s.userDevice(ctx, p, u, in.DeviceKey)
	if err != nil {
		return nil, err
	}
	out := deviceType(d)
	return &cip.AdminGetDeviceResponse{Device: &out}, nil
}

// AdminForgetDevice deletes one of a user's devices.
func (s *Service) AdminForgetDevice(ctx context.Context, in *cip.AdminForgetDeviceRequest) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.forgetDevice(ctx, p, u, in.DeviceKey)
}

// AdminUpdateDeviceStatus remembers, or stops remembering, one of a user's
// devices.
func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, in *cip.AdminUpdateDeviceStatusRequest) (*cip.AdminUpdateDeviceStatusResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.setDeviceStatus(ctx, p, u, in.DeviceKey, in.DeviceRememberedStatus); err != nil {
		return nil, err
	}
	return &cip.AdminUpdateDeviceStatusResponse{}, nil
}
