package conformance

import (
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Keys",
		test{"CreateList", testKeyCreateList},
		test{"CreateTaken", testKeyCreateTaken},
		test{"Retire", testKeyRetire},
		test{"DeleteRetired", testKeyDeleteRetired},
	)
}

// wantKey is k as the store reads it back.
func wantKey(k storage.SigningKey) storage.SigningKey {
	k.CreatedAt, k.RetireAt = stored(k.CreatedAt), stored(k.RetireAt)
	if len(k.PrivateSealed) == 0 {
		k.PrivateSealed = nil
	}
	if len(k.PublicJWK) == 0 {
		k.PublicJWK = nil
	}
	return k
}

func wantKeys(ks ...storage.SigningKey) []storage.SigningKey {
	out := make([]storage.SigningKey, len(ks))
	for i, k := range ks {
		out[i] = wantKey(k)
	}
	return out
}

func (f *fixture) keys(poolID string) []storage.SigningKey {
	f.t.Helper()
	ks, err := f.Keys().List(f.ctx, poolID)
	must(f.t, err)
	return ks
}

// testKeyCreateList: List gives all of a pool's keys, of every use and
// retired ones too, newest first.
func testKeyCreateList(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	if ks := f.keys(p.ID); len(ks) != 0 {
		t.Fatalf("keys of a new pool: %v", ks)
	}
	oldest := f.key(p.ID, "id", at(-2*time.Hour))
	newest := f.key(p.ID, "access", at(time.Hour))
	retired := storage.SigningKey{ID: "kid-retired", PoolID: p.ID, Use: "id", Algorithm: "RS256",
		CreatedAt: at(-3 * time.Hour), RetireAt: at(-time.Hour), PublicJWK: []byte{}}
	must(t, f.Keys().Create(f.ctx, retired))
	middle := f.key(p.ID, "id", at(0))
	f.key(other.ID, "id", at(2*time.Hour))
	same(t, "keys", f.keys(p.ID), wantKeys(newest, middle, oldest, retired))
}

func testKeyCreateTaken(t *testing.T, f *fixture) {
	p := f.pool()
	k := f.key(p.ID, "id", at(0))
	again := k
	again.PoolID = f.pool().ID
	wantErr(t, f.Keys().Create(f.ctx, again), storage.ErrConflict)
	same(t, "keys", f.keys(p.ID), wantKeys(k))
}

func testKeyRetire(t *testing.T, f *fixture) {
	p := f.pool()
	k, other := f.key(p.ID, "id", at(time.Second)), f.key(p.ID, "id", at(0))
	must(t, f.Keys().Retire(f.ctx, k.ID, at(time.Hour)))
	k.RetireAt = at(time.Hour)
	same(t, "keys", f.keys(p.ID), wantKeys(k, other))
	wantErr(t, f.Keys().Retire(f.ctx, "no-such-kid", at(0)), storage.ErrNotFound)
}

// testKeyDeleteRetired: DeleteRetired removes keys whose RetireAt is set
// and before the time given, and counts them.
func testKeyDeleteRetired(t *testing.T, f *fixture) {
	p, other := f.pool(), f.pool()
	cut := at(time.Hour)
	retire := func(k storage.SigningKey, when time.Time) storage.SigningKey {
		must(t, f.Keys().Retire(f.ctx, k.ID, when))
		k.RetireAt = when
		return k
	}
	gone := []storage.SigningKey{
		retire(f.key(p.ID, "id", at(0)), cut.Add(-time.Microsecond)),
		retire(f.key(other.ID, "access", at(0)), at(0)),
	}
	active := f.key(p.ID, "id", at(3*time.Second))
	later := retire(f.key(p.ID, "access", at(2*time.Second)), cut.Add(time.Microsecond))
	atCut := retire(f.key(p.ID, "id", at(time.Second)), cut)

	n, err := f.Keys().DeleteRetired(f.ctx, cut)
	must(t, err)
	if n != len(gone) {
		t.Fatalf("DeleteRetired = %d, want %d", n, len(gone))
	}
	same(t, "keys", f.keys(p.ID), wantKeys(active, later, atCut))
	if ks := f.keys(other.ID); len(ks) != 0 {
		t.Fatalf("keys of the other pool: %v", ks)
	}
	if n, err := f.Keys().DeleteRetired(f.ctx, cut); err != nil || n != 0 {
		t.Fatalf("DeleteRetired again = %d, %v; want 0", n, err)
	}
}
