package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Devices",
		test{"CreateGet", testDeviceCreateGet},
		test{"CreateTaken", testDeviceCreateTaken},
		test{"CreateWithoutUser", testDeviceCreateWithoutUser},
		test{"Update", testDeviceUpdate},
		test{"Delete", testDeviceDelete},
		test{"List", testDeviceList},
		test{"GoWithUserAndPool", testDeviceCascade},
	)
}

// newDevice returns a device of the user, not yet stored.
func (f *fixture) newDevice(u storage.User) storage.Device {
	return storage.Device{
		PoolID: u.PoolID, Sub: u.Sub, Key: fmt.Sprintf("us-east-1_00000000-0000-4000-a000-%012d", f.next()),
		GroupKey: "-groupkey1", Name: "laptop", Salt: []byte{0, 0x80, 1}, VerifierSealed: []byte("sealed-verifier"),
		Status: "not_remembered", CreatedAt: at(0), UpdatedAt: at(0),
	}
}

// device creates a device of the user.
func (f *fixture) device(u storage.User) storage.Device {
	f.t.Helper()
	d := f.newDevice(u)
	must(f.t, f.Devices().Create(f.ctx, d))
	return d
}

// wantDevice is d as the store reads it back.
func wantDevice(d storage.Device) storage.Device {
	d.CreatedAt, d.UpdatedAt, d.LastAuthenticatedAt = stored(d.CreatedAt), stored(d.UpdatedAt), stored(d.LastAuthenticatedAt)
	if len(d.Salt) == 0 {
		d.Salt = nil
	}
	if len(d.VerifierSealed) == 0 {
		d.VerifierSealed = nil
	}
	return d
}

func (f *fixture) getDevice(poolID, key string) storage.Device {
	f.t.Helper()
	d, err := f.Devices().Get(f.ctx, poolID, key)
	must(f.t, err)
	return d
}

func testDeviceCreateGet(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	d := f.newDevice(u)
	d.LastIP, d.LastAuthenticatedAt = "192.0.2.1", at(time.Minute)
	must(t, f.Devices().Create(f.ctx, d))
	same(t, "device", f.getDevice(u.PoolID, d.Key), wantDevice(d))
	bare := f.newDevice(u)
	bare.Name, bare.Salt, bare.VerifierSealed = "", nil, nil
	must(t, f.Devices().Create(f.ctx, bare))
	same(t, "device without name or verifier", f.getDevice(u.PoolID, bare.Key), wantDevice(bare))
	_, err := f.Devices().Get(f.ctx, f.pool().ID, d.Key)
	wantErr(t, err, storage.ErrNotFound)
}

// testDeviceCreateTaken: a key is unique in its pool, even across users.
func testDeviceCreateTaken(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	d := f.device(u)
	other := f.newDevice(f.user(p.ID, "bob"))
	other.Key = d.Key
	wantErr(t, f.Devices().Create(f.ctx, other), storage.ErrConflict)
	same(t, "device", f.getDevice(p.ID, d.Key), wantDevice(d))
}

func testDeviceCreateWithoutUser(t *testing.T, f *fixture) {
	p := f.pool()
	d := f.newDevice(storage.User{PoolID: p.ID, Sub: f.sub()})
	wantErr(t, f.Devices().Create(f.ctx, d), storage.ErrNotFound)
}

// testDeviceUpdate: Update changes Name, Status, LastIP, UpdatedAt and
// LastAuthenticatedAt, and nothing else.
func testDeviceUpdate(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	d := f.device(u)
	changed := d
	changed.Name, changed.Status, changed.LastIP = "phone", "remembered", "198.51.100.7"
	changed.UpdatedAt, changed.LastAuthenticatedAt = at(time.Hour), at(time.Hour)
	changed.GroupKey, changed.Salt, changed.VerifierSealed, changed.CreatedAt = "-other", []byte("x"), []byte("y"), at(time.Hour)
	must(t, f.Devices().Update(f.ctx, changed))
	want := d
	want.Name, want.Status, want.LastIP = changed.Name, changed.Status, changed.LastIP
	want.UpdatedAt, want.LastAuthenticatedAt = changed.UpdatedAt, changed.LastAuthenticatedAt
	same(t, "updated device", f.getDevice(u.PoolID, d.Key), wantDevice(want))
	missing := f.newDevice(u)
	wantErr(t, f.Devices().Update(f.ctx, missing), storage.ErrNotFound)
}

func testDeviceDelete(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	d, kept := f.device(u), f.device(u)
	must(t, f.Devices().Delete(f.ctx, u.PoolID, d.Key))
	_, err := f.Devices().Get(f.ctx, u.PoolID, d.Key)
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, f.Devices().Delete(f.ctx, u.PoolID, d.Key), storage.ErrNotFound)
	same(t, "other device", f.getDevice(u.PoolID, kept.Key), wantDevice(kept))
}

// testDeviceList: a user's devices, by key, and no one else's.
func testDeviceList(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	var want []string
	for range 5 {
		want = append(want, f.device(u).Key)
	}
	f.device(f.user(p.ID, "bob"))
	list := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Device, string, error) {
		return f.Devices().List(ctx, p.ID, u.Sub, pg)
	}, func(d storage.Device) string { return d.Key })
	checkPaging(t, f.ctx, list, want)
	_, next, err := list(f.ctx, storage.Page{Limit: 1})
	must(t, err)
	checkBadTokens(t, f.ctx, list, next)
	// A token of one user's listing does not page another's.
	bob := keysOf(func(ctx context.Context, pg storage.Page) ([]storage.Device, string, error) {
		return f.Devices().List(ctx, p.ID, f.sub(), pg)
	}, func(d storage.Device) string { return d.Key })
	_, _, err = bob(f.ctx, storage.Page{Token: next})
	wantErr(t, err, storage.ErrBadPageToken)
}

// testDeviceCascade: a user's devices go with the user, and with the pool.
func testDeviceCascade(t *testing.T, f *fixture) {
	p, u := f.poolUser()
	d := f.device(u)
	bob := f.user(p.ID, "bob")
	kept := f.device(bob)
	must(t, f.Users().Delete(f.ctx, p.ID, u.Sub))
	_, err := f.Devices().Get(f.ctx, p.ID, d.Key)
	wantErr(t, err, storage.ErrNotFound)
	same(t, "another user's device", f.getDevice(p.ID, kept.Key), wantDevice(kept))
	must(t, f.Pools().Delete(f.ctx, p.ID))
	_, err = f.Devices().Get(f.ctx, p.ID, kept.Key)
	wantErr(t, err, storage.ErrNotFound)
}
