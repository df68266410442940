package secret

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

type sessionState struct {
	User  string `json:"u"`
	Round int    `json:"r"`
}

func TestSealJSON(t *testing.T) {
	k := mustRing(t, map[uint32][]byte{1: testKey(1)}, 1)
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	in := sessionState{User: "alice", Round: 2}
	text, err := k.SealJSON(in, "session:pool:client", 3*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(text, "+/=") {
		t.Fatalf("text %q is not unpadded base64url", text)
	}
	if strings.Contains(text, "alice") {
		t.Fatal("text shows the plaintext")
	}
	var out sessionState
	if err := k.OpenJSON(text, "session:pool:client", now.Add(3*time.Minute-time.Millisecond), &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("OpenJSON = %+v, want %+v", out, in)
	}

	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-20] ^= 0x01
	tampered := base64.RawURLEncoding.EncodeToString(raw)
	tests := []struct {
		name string
		text string
		aad  string
		at   time.Time
		want error
	}{
		{"expired at the instant", text, "session:pool:client", now.Add(3 * time.Minute), ErrExpired},
		{"expired later", text, "session:pool:client", now.Add(time.Hour), ErrExpired},
		{"other aad", text, "session:pool:other", now, ErrInvalid},
		{"tampered", tampered, "session:pool:client", now, ErrInvalid},
		{"truncated", text[:len(text)-2], "session:pool:client", now, ErrInvalid},
		{"not base64", "!!!" + text, "session:pool:client", now, ErrInvalid},
		{"padded", text + "=", "session:pool:client", now, ErrInvalid},
		{"empty", "", "session:pool:client", now, ErrInvalid},
		{"huge", strings.Repeat("A", 70000), "session:pool:client", now, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out sessionState
			err := k.OpenJSON(tt.text, tt.aad, tt.at, &out)
			if !errors.Is(err, tt.want) {
				t.Fatalf("OpenJSON = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSealJSONNotOpenableAsPlainSeal(t *testing.T) {
	k := mustRing(t, map[uint32][]byte{1: testKey(1)}, 1)
	// A value sealed directly with Seal under the same aad must not pass as
	// a blob: blobs use their own aad prefix.
	raw := k.Seal([]byte("\x7f\xff\xff\xff\xff\xff\xff\xff{}"), []byte("x"))
	text := encodeForTest(raw)
	var v map[string]any
	if err := k.OpenJSON(text, "x", time.Unix(0, 0), &v); !errors.Is(err, ErrInvalid) {
		t.Fatalf("OpenJSON of a plain sealed value = %v, want ErrInvalid", err)
	}
}

func TestSealJSONUnmarshalable(t *testing.T) {
	k := mustRing(t, map[uint32][]byte{1: testKey(1)}, 1)
	if _, err := k.SealJSON(make(chan int), "x", time.Minute, time.Now()); err == nil {
		t.Fatal("SealJSON of a channel succeeded")
	}
}
