package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// softAuthenticator is a software WebAuthn authenticator: an ES256 key
// that creates a credential with "none" attestation and signs assertions,
// as a browser and a platform authenticator would produce them
// (WebAuthn Level 3 §6.1 authenticator data, §8.7 "none" attestation,
// §6.3.3 assertion signature). Its fields can be bent to make the answers
// a hostile or broken client would send.
type softAuthenticator struct {
	t      *testing.T
	key    *ecdsa.PrivateKey
	credID []byte
	// rpID is the relying party the authenticator hashes into its data;
	// "" uses the one the options name.
	rpID string
	// origin is the origin the "browser" writes into the client data.
	origin string
	count  uint32
	// noUV leaves out user verification; zeroCount keeps the counter at 0
	// (as synced passkeys do).
	noUV, zeroCount bool
	userHandle      []byte
}

// WebAuthn authenticator data flags.
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
)

func newSoftAuthenticator(t *testing.T, origin string) *softAuthenticator {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 32)
	rand.Read(id)
	return &softAuthenticator{t: t, key: key, credID: id, origin: origin}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (a *softAuthenticator) id() string { return b64(a.credID) }

// authData builds authenticator data for the relying party, with the
// attested credential when attested is set.
func (a *softAuthenticator) authData(rpID string, attested bool) []byte {
	if a.rpID != "" {
		rpID = a.rpID
	}
	hash := sha256.Sum256([]byte(rpID))
	flags := byte(flagUP)
	if !a.noUV {
		flags |= flagUV
	}
	if attested {
		flags |= flagAT
	}
	out := append(hash[:], flags)
	out = binary.BigEndian.AppendUint32(out, a.count)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID: zero for "none" attestation
		out = binary.BigEndian.AppendUint16(out, uint16(len(a.credID)))
		out = append(out, a.credID...)
		out = append(out, a.coseKey()...)
	}
	return out
}

// coseKey is the public key as a COSE_Key (RFC 9053 EC2, ES256).
func (a *softAuthenticator) coseKey() []byte {
	pub, err := a.key.PublicKey.ECDH()
	if err != nil {
		a.t.Fatal(err)
	}
	raw := pub.Bytes() // 0x04 || X || Y
	key, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		a.t.Fatal(err)
	}
	out, err := key.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: raw[1:33], -3: raw[33:65]})
	if err != nil {
		a.t.Fatal(err)
	}
	return out
}

// clientData is the clientDataJSON a browser writes.
func (a *softAuthenticator) clientData(kind, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": kind, "challenge": challenge, "origin": a.origin, "crossOrigin": false})
	return b
}

// register answers creation options (PublicKeyCredentialCreationOptionsJSON)
// with a RegistrationResponseJSON.
func (a *softAuthenticator) register(challenge, rpID string, userHandle []byte) map[string]any {
	a.userHandle = userHandle
	if !a.zeroCount {
		a.count++
	}
	enc, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		a.t.Fatal(err)
	}
	auth := a.authData(rpID, true)
	att, err := enc.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth})
	if err != nil {
		a.t.Fatal(err)
	}
	return map[string]any{
		"id": a.id(), "rawId": a.id(), "type": "public-key", "authenticatorAttachment": "platform",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON":    b64(a.clientData("webauthn.create", challenge)),
			"attestationObject": b64(att),
			"transports":        []any{"internal", "hybrid"},
		},
	}
}

// assert answers request options with an AuthenticationResponseJSON, as
// the JSON text the CREDENTIAL challenge response carries.
func (a *softAuthenticator) assert(challenge, rpID string) string {
	if !a.zeroCount {
		a.count++
	}
	auth := a.authData(rpID, false)
	cd := a.clientData("webauthn.get", challenge)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, auth...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, digest[:])
	if err != nil {
		a.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{
		"id": a.id(), "rawId": a.id(), "type": "public-key", "authenticatorAttachment": "platform",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64(cd), "authenticatorData": b64(auth), "signature": b64(sig),
			"userHandle": b64(a.userHandle),
		},
	})
	return string(b)
}
