package esdk

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
)

// RawAES is the AWS Encryption SDK's raw AES keyring: a 256-bit wrapping
// key known to both sides, named by a namespace (the provider ID) and a
// name. A function decrypts with the SDK's RawAesKeyring (Node.js:
// RawAesKeyringNode with wrappingSuite
// AES256_GCM_IV12_TAG16_NO_PADDING) given the same key, namespace and
// name.
type RawAES struct {
	Namespace string
	Name      string
	Key       []byte // 32 bytes
}

// GenerateDataKey makes a random data key and wraps it with AES-256-GCM
// under the wrapping key, the encryption context as additional data.
func (r RawAES) GenerateDataKey(_ context.Context, ec map[string]string) (DataKey, error) {
	if len(r.Key) != keyLen {
		return DataKey{}, errors.New("esdk: the raw AES wrapping key must be 256 bits")
	}
	dk := make([]byte, keyLen)
	iv := make([]byte, ivLen)
	if _, err := rand.Read(dk); err != nil {
		return DataKey{}, err
	}
	if _, err := rand.Read(iv); err != nil {
		return DataKey{}, err
	}
	gcm, err := newGCM(r.Key)
	if err != nil {
		return DataKey{}, err
	}
	// Provider info: the key name, the tag length in bits, the IV length
	// and the IV.
	info := append([]byte(r.Name), binary.BigEndian.AppendUint32(nil, tagLen*8)...)
	info = binary.BigEndian.AppendUint32(info, ivLen)
	info = append(info, iv...)
	return DataKey{Plaintext: dk, Encrypted: EncryptedDataKey{
		ProviderID: r.Namespace, ProviderInfo: info, Ciphertext: gcm.Seal(nil, iv, dk, SerializeContext(ec)),
	}}, nil
}
