package esdk

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"testing"
)

func TestSerializeContext(t *testing.T) {
	for _, tc := range []struct {
		ec   map[string]string
		want []byte
	}{
		{nil, nil},
		{map[string]string{"b": "2", "a": "1"}, []byte{0, 2, 0, 1, 'a', 0, 1, '1', 0, 1, 'b', 0, 1, '2'}},
		// UTF-8 byte order: "é" (0xC3 0xA9) after "z".
		{map[string]string{"é": "", "z": ""}, []byte{0, 2, 0, 1, 'z', 0, 0, 0, 2, 0xC3, 0xA9, 0, 0}},
	} {
		if got := SerializeContext(tc.ec); !bytes.Equal(got, tc.want) {
			t.Errorf("SerializeContext(%v) = %v, want %v", tc.ec, got, tc.want)
		}
	}
}

// TestEncryptStructure reads a message back field by field, as the
// message format specifies it, and opens it with the keys it derives:
// header, data key, commitment, header tag, body, signature. (The AWS
// Encryption SDK for JavaScript decrypts these messages in the app and
// JS client tests.)
func TestEncryptStructure(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	kr := RawAES{Namespace: "cognate", Name: "sender", Key: key}
	msg, err := Encrypt(context.Background(), kr, []byte("123456"), map[string]string{"userpool-id": "us-east-1_x"})
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(msg)
	u8 := func() int { b, _ := r.ReadByte(); return int(b) }
	u16 := func() int { var b [2]byte; _, _ = r.Read(b[:]); return int(binary.BigEndian.Uint16(b[:])) }
	u32 := func() int { var b [4]byte; _, _ = r.Read(b[:]); return int(binary.BigEndian.Uint32(b[:])) }
	take := func(n int) []byte { b := make([]byte, n); _, _ = r.Read(b); return b }

	if v, suite := u8(), u16(); v != 2 || suite != 0x0578 {
		t.Fatalf("version %d, suite %#x", v, suite)
	}
	messageID := take(32)
	ecBytes := take(u16())
	ec := map[string]string{}
	ecr := bytes.NewReader(ecBytes)
	var cnt [2]byte
	_, _ = ecr.Read(cnt[:])
	for range int(binary.BigEndian.Uint16(cnt[:])) {
		var l [2]byte
		_, _ = ecr.Read(l[:])
		k := make([]byte, binary.BigEndian.Uint16(l[:]))
		_, _ = ecr.Read(k)
		_, _ = ecr.Read(l[:])
		v := make([]byte, binary.BigEndian.Uint16(l[:]))
		_, _ = ecr.Read(v)
		ec[string(k)] = string(v)
	}
	if ec["userpool-id"] != "us-east-1_x" || ec[PublicKeyContext] == "" {
		t.Fatalf("encryption context %v", ec)
	}
	if n := u16(); n != 1 {
		t.Fatalf("%d data keys", n)
	}
	if id := string(take(u16())); id != "cognate" {
		t.Fatalf("provider %q", id)
	}
	info := take(u16())
	if !bytes.HasPrefix(info, []byte("sender")) || binary.BigEndian.Uint32(info[6:]) != 128 || binary.BigEndian.Uint32(info[10:]) != 12 {
		t.Fatalf("provider info %x", info)
	}
	wrapped := take(u16())
	gcm, _ := newGCM(key)
	dataKey, err := gcm.Open(nil, info[14:], wrapped, SerializeContext(ec))
	if err != nil {
		t.Fatalf("unwrapping the data key: %v", err)
	}
	if ct, frame := u8(), u32(); ct != 2 || frame != 4096 {
		t.Fatalf("content type %d, frame %d", ct, frame)
	}
	derived, commitment, _ := deriveKeys(dataKey, messageID)
	if !bytes.Equal(take(32), commitment) {
		t.Fatal("key commitment")
	}
	headerLen := len(msg) - r.Len()
	content, _ := newGCM(derived)
	if _, err := content.Open(nil, make([]byte, 12), take(16), msg[:headerLen]); err != nil {
		t.Fatalf("header authentication: %v", err)
	}
	if u32() != 0xFFFFFFFF || u32() != 1 {
		t.Fatal("final frame marker or sequence number")
	}
	iv := take(12)
	n := u32()
	aad := append(append([]byte{}, messageID...), "AWSKMSEncryptionClient Final Frame"...)
	aad = binary.BigEndian.AppendUint32(aad, 1)
	aad = binary.BigEndian.AppendUint64(aad, uint64(n))
	plain, err := content.Open(nil, iv, take(n+16), aad)
	if err != nil || string(plain) != "123456" {
		t.Fatalf("body: %q %v", plain, err)
	}
	signed := len(msg) - r.Len()
	sig := take(u16())
	if r.Len() != 0 {
		t.Fatalf("%d bytes after the signature", r.Len())
	}
	pub, _ := base64.StdEncoding.DecodeString(ec[PublicKeyContext])
	pubKey, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), decompress(t, pub))
	if err != nil {
		t.Fatal(err)
	}
	digest := sha512.Sum384(msg[:signed])
	if !ecdsa.VerifyASN1(pubKey, digest[:], sig) {
		t.Fatal("signature")
	}
}

// decompress recovers a P-384 point from its compressed form, as the
// uncompressed encoding (0x04 || X || Y).
func decompress(t *testing.T, b []byte) []byte {
	t.Helper()
	x, y := elliptic.UnmarshalCompressed(elliptic.P384(), b)
	if x == nil {
		t.Fatalf("bad compressed point %x", b)
	}
	return append(append([]byte{4}, x.FillBytes(make([]byte, 48))...), y.FillBytes(make([]byte, 48))...)
}
