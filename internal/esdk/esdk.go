// Package esdk writes messages in the AWS Encryption SDK's message format
// (version 2), so that code encrypted here decrypts with any AWS
// Encryption SDK (JavaScript, Python, Java, ...), as the custom sender
// functions of Cognito decrypt the codes they are given.
//
// Messages use the SDK's default algorithm suite,
// AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384 (0x0578): the data key is
// derived with HKDF-SHA512 and committed to, the content encrypted with
// AES-256-GCM in one framed final frame, and the whole message signed with
// an ECDSA P-384 key made for it, whose public half travels in the
// encryption context (aws-crypto-public-key). Such messages decrypt under
// every commitment policy, the SDKs' default included.
//
// The data key is wrapped by a Keyring: a raw AES keyring (RawAES, the
// SDKs' RawAesKeyring with a namespace and a name) or AWS KMS (KMS,
// GenerateDataKey with a key of a real AWS account).
//
// Reference: the message format and algorithms reference of the AWS
// Encryption SDK developer guide
// (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/message-format.html).
package esdk

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// SuiteID is the algorithm suite of the messages Encrypt writes.
const SuiteID = 0x0578

// PublicKeyContext is the encryption context key of the signing key.
const PublicKeyContext = "aws-crypto-public-key"

const (
	messageIDLen = 32
	keyLen       = 32
	ivLen        = 12
	tagLen       = 16
	frameLength  = 4096
	finalFrame   = 0xFFFFFFFF
)

// DataKey is a data key and its wrapped (encrypted) copy.
type DataKey struct {
	Plaintext []byte
	Encrypted EncryptedDataKey
}

// EncryptedDataKey is one entry of a message's encrypted data keys.
type EncryptedDataKey struct {
	ProviderID   string
	ProviderInfo []byte
	Ciphertext   []byte
}

// Keyring makes the data key of a message and wraps it; context is the
// message's whole encryption context, signing key included.
type Keyring interface {
	GenerateDataKey(ctx context.Context, context map[string]string) (DataKey, error)
}

// Encrypt encrypts plaintext under keyring with the encryption context
// encCtx (which must not use the aws-crypto- prefix) and returns the
// message.
func Encrypt(ctx context.Context, keyring Keyring, plaintext []byte, encCtx map[string]string) ([]byte, error) {
	if len(plaintext) >= frameLength {
		return nil, errors.New("esdk: plaintext over one frame")
	}
	signer, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	pub, err := compressedPoint(signer)
	if err != nil {
		return nil, err
	}
	ec := make(map[string]string, len(encCtx)+1)
	for k, v := range encCtx {
		ec[k] = v
	}
	ec[PublicKeyContext] = base64.StdEncoding.EncodeToString(pub)
	dk, err := keyring.GenerateDataKey(ctx, ec)
	if err != nil {
		return nil, fmt.Errorf("esdk: data key: %w", err)
	}
	if len(dk.Plaintext) != keyLen {
		return nil, errors.New("esdk: the keyring's data key is not 256 bits")
	}
	messageID := make([]byte, messageIDLen)
	if _, err := rand.Read(messageID); err != nil {
		return nil, err
	}
	key, commitment, err := deriveKeys(dk.Plaintext, messageID)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}

	var msg bytes.Buffer
	msg.WriteByte(2) // message format version
	put16(&msg, SuiteID)
	msg.Write(messageID)
	aad := SerializeContext(ec)
	put16(&msg, len(aad))
	msg.Write(aad)
	put16(&msg, 1) // encrypted data keys
	edk := dk.Encrypted
	put16(&msg, len(edk.ProviderID))
	msg.WriteString(edk.ProviderID)
	put16(&msg, len(edk.ProviderInfo))
	msg.Write(edk.ProviderInfo)
	put16(&msg, len(edk.Ciphertext))
	msg.Write(edk.Ciphertext)
	msg.WriteByte(2) // framed content
	put32(&msg, frameLength)
	msg.Write(commitment)
	// Header authentication: a GCM tag over the header, zero IV.
	msg.Write(gcm.Seal(nil, make([]byte, ivLen), nil, msg.Bytes()))

	// Body: one final frame, sequence number 1, IV the sequence number.
	iv := make([]byte, ivLen)
	binary.BigEndian.PutUint32(iv[ivLen-4:], 1)
	put32(&msg, finalFrame)
	put32(&msg, 1)
	msg.Write(iv)
	put32(&msg, len(plaintext))
	bodyAAD := append(append([]byte{}, messageID...), "AWSKMSEncryptionClient Final Frame"...)
	bodyAAD = binary.BigEndian.AppendUint32(bodyAAD, 1)
	bodyAAD = binary.BigEndian.AppendUint64(bodyAAD, uint64(len(plaintext)))
	msg.Write(gcm.Seal(nil, iv, plaintext, bodyAAD))

	// Footer: ECDSA P-384 over everything before it.
	digest := sha512.Sum384(msg.Bytes())
	sig, err := ecdsa.SignASN1(rand.Reader, signer, digest[:])
	if err != nil {
		return nil, err
	}
	put16(&msg, len(sig))
	msg.Write(sig)
	return msg.Bytes(), nil
}

// deriveKeys derives the content key and the key commitment from a data
// key: HKDF-SHA512 with the message ID as salt, expanded with the suite ID
// and "DERIVEKEY" for the key and "COMMITKEY" for the commitment.
func deriveKeys(dataKey, messageID []byte) (key, commitment []byte, err error) {
	prk, err := hkdf.Extract(sha512.New, dataKey, messageID)
	if err != nil {
		return nil, nil, err
	}
	info := string(binary.BigEndian.AppendUint16(nil, SuiteID)) + "DERIVEKEY"
	if key, err = hkdf.Expand(sha512.New, prk, info, keyLen); err != nil {
		return nil, nil, err
	}
	if commitment, err = hkdf.Expand(sha512.New, prk, "COMMITKEY", keyLen); err != nil {
		return nil, nil, err
	}
	return key, commitment, nil
}

// SerializeContext is the encryption context as the message format
// serializes it: a count, then each key and value with its length, sorted
// by the keys' UTF-8 bytes; empty for an empty context.
func SerializeContext(ec map[string]string) []byte {
	if len(ec) == 0 {
		return nil
	}
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys) // Go compares strings bytewise: UTF-8 order
	var b bytes.Buffer
	put16(&b, len(keys))
	for _, k := range keys {
		put16(&b, len(k))
		b.WriteString(k)
		put16(&b, len(ec[k]))
		b.WriteString(ec[k])
	}
	return b.Bytes()
}

// compressedPoint is the SEC 1 compressed form of the key's public point.
func compressedPoint(k *ecdsa.PrivateKey) ([]byte, error) {
	raw, err := k.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	n := (len(raw) - 1) / 2
	x, y := raw[1:1+n], raw[1+n:]
	return append([]byte{2 | y[n-1]&1}, x...), nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func put16(b *bytes.Buffer, n int) { b.Write(binary.BigEndian.AppendUint16(nil, uint16(n))) }
func put32(b *bytes.Buffer, n int) { b.Write(binary.BigEndian.AppendUint32(nil, uint32(n))) }
