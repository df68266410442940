package secret

import (
	"bytes"
	"errors"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustRing(t *testing.T, keys map[uint32][]byte, current uint32) *KeyRing {
	t.Helper()
	k, err := NewKeyRing(keys, current)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyRingRejects(t *testing.T) {
	tests := []struct {
		name    string
		keys    map[uint32][]byte
		current uint32
	}{
		{"current missing", map[uint32][]byte{1: testKey(1)}, 2},
		{"short key", map[uint32][]byte{1: make([]byte, 16)}, 1},
		{"long key", map[uint32][]byte{1: make([]byte, 33)}, 1},
		{"empty", map[uint32][]byte{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewKeyRing(tt.keys, tt.current); err == nil {
				t.Fatal("NewKeyRing succeeded")
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	k := mustRing(t, map[uint32][]byte{7: testKey(7)}, 7)
	aad := []byte("client-secret:abc")
	msg := []byte("the client secret")
	sealed := k.Seal(msg, aad)
	if bytes.Contains(sealed, msg) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := k.Open(sealed, aad)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if v, _ := k.Version(sealed); v != 7 {
		t.Fatalf("Version = %d, want 7", v)
	}
	if again := k.Seal(msg, aad); bytes.Equal(again, sealed) {
		t.Fatal("two seals of the same plaintext are equal (nonce reuse)")
	}
	empty := k.Seal(nil, nil)
	if got, err := k.Open(empty, nil); err != nil || len(got) != 0 {
		t.Fatalf("Open(empty) = %q, %v", got, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	k := mustRing(t, map[uint32][]byte{1: testKey(1)}, 1)
	other := mustRing(t, map[uint32][]byte{1: testKey(2)}, 1)
	aad := []byte("client-secret:abc")
	sealed := k.Seal([]byte("secret"), aad)
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name   string
		ring   *KeyRing
		sealed []byte
		aad    []byte
	}{
		{"wrong aad", k, sealed, []byte("client-secret:abd")},
		{"no aad", k, sealed, nil},
		{"wrong key", other, sealed, aad},
		{"format byte", k, flip(0), aad},
		{"version", k, flip(4), aad},
		{"nonce", k, flip(6), aad},
		{"ciphertext", k, flip(len(sealed) - 20), aad},
		{"tag", k, flip(len(sealed) - 1), aad},
		{"truncated", k, sealed[:len(sealed)-1], aad},
		{"header only", k, sealed[:5], aad},
		{"empty", k, nil, aad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(tt.sealed, tt.aad)
			if !errors.Is(err, ErrSealed) {
				t.Fatalf("Open = %q, %v; want ErrSealed", got, err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	old := mustRing(t, map[uint32][]byte{1: testKey(1)}, 1)
	sealedOld := old.Seal([]byte("old"), []byte("x"))

	rotated := mustRing(t, map[uint32][]byte{1: testKey(1), 2: testKey(2)}, 2)
	if got, err := rotated.Open(sealedOld, []byte("x")); err != nil || string(got) != "old" {
		t.Fatalf("rotated ring cannot open old value: %q, %v", got, err)
	}
	sealedNew := rotated.Seal([]byte("new"), []byte("x"))
	if v, _ := rotated.Version(sealedNew); v != 2 {
		t.Fatalf("new value sealed with version %d, want 2", v)
	}
	if _, err := old.Open(sealedNew, []byte("x")); !errors.Is(err, ErrSealed) {
		t.Fatalf("old ring opened a value of an unknown version: %v", err)
	}
	if vs := rotated.Versions(); len(vs) != 2 || vs[0] != 1 || vs[1] != 2 {
		t.Fatalf("Versions = %v", vs)
	}
}

func BenchmarkSeal(b *testing.B) {
	k, _ := NewKeyRing(map[uint32][]byte{1: testKey(1)}, 1)
	msg := make([]byte, 64)
	for b.Loop() {
		k.Seal(msg, []byte("client-secret:abc"))
	}
}

func BenchmarkOpen(b *testing.B) {
	k, _ := NewKeyRing(map[uint32][]byte{1: testKey(1)}, 1)
	sealed := k.Seal(make([]byte, 64), []byte("client-secret:abc"))
	for b.Loop() {
		if _, err := k.Open(sealed, []byte("client-secret:abc")); err != nil {
			b.Fatal(err)
		}
	}
}
