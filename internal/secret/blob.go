package secret

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors of OpenJSON.
var (
	// ErrInvalid reports a sealed blob that is malformed, tampered with or
	// sealed for another purpose.
	ErrInvalid = errors.New("secret: invalid sealed blob")
	// ErrExpired reports a sealed blob whose lifetime is over.
	ErrExpired = errors.New("secret: sealed blob expired")
)

// blobContext prefixes the caller's aad so that blobs can never be opened as
// (or confused with) values sealed directly with Seal.
const blobContext = "blob:"

// maxBlobText bounds the text OpenJSON decodes (it comes from clients).
const maxBlobText = 64 << 10

// SealJSON seals v (marshalled as JSON) together with its expiry time
// now+ttl and returns it as unpadded base64url text. The text is opaque to
// its holder: it can be neither read nor changed. aad names the purpose
// (for example "session:<pool id>:<client id>"); OpenJSON must be given the
// same. It is meant for stateless protocol state handed to clients, such as
// sign-in Session tokens and SRP's SECRET_BLOCK.
func (k *KeyRing) SealJSON(v any, aad string, ttl time.Duration, now time.Time) (string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("secret: seal json: %w", err)
	}
	plain := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint64(plain, uint64(now.Add(ttl).UnixMilli()))
	plain = append(plain, body...)
	sealed := k.Seal(plain, []byte(blobContext+aad))
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// OpenJSON opens text made by SealJSON with the same aad and unmarshals the
// value into v. It fails with an error wrapping ErrInvalid if the text is
// malformed, tampered with or sealed for another aad, and with ErrExpired if
// now is at or past the expiry time.
func (k *KeyRing) OpenJSON(text, aad string, now time.Time, v any) error {
	if len(text) > maxBlobText {
		return fmt.Errorf("%w: too long", ErrInvalid)
	}
	sealed, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil {
		return fmt.Errorf("%w: bad encoding", ErrInvalid)
	}
	plain, err := k.Open(sealed, []byte(blobContext+aad))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if len(plain) < 8 {
		return fmt.Errorf("%w: too short", ErrInvalid)
	}
	expires := int64(binary.BigEndian.Uint64(plain[:8]))
	if now.UnixMilli() >= expires {
		return ErrExpired
	}
	if err := json.Unmarshal(plain[8:], v); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}
