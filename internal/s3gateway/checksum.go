package s3gateway

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
)

// crc64NVME is the CRC-64/NVME table (reversed polynomial of
// 0xAD93D23594C93659), the full-object checksum S3 computes by default.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// trailerChecksum is the checksum an aws-chunked body declares in
// x-amz-trailer and sends after its data.
type trailerChecksum struct {
	header string // e.g. "x-amz-checksum-crc32"
	h      hash.Hash
}

// newTrailerChecksum reads x-amz-trailer; "" declares no checksum.
func newTrailerChecksum(declared string) (*trailerChecksum, *Error) {
	name := strings.ToLower(strings.TrimSpace(declared))
	if name == "" {
		return nil, nil
	}
	var h hash.Hash
	switch name {
	case "x-amz-checksum-crc32":
		h = crc32.NewIEEE()
	case "x-amz-checksum-crc32c":
		h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "x-amz-checksum-crc64nvme":
		h = crc64.New(crc64NVME)
	case "x-amz-checksum-sha1":
		h = sha1.New()
	case "x-amz-checksum-sha256":
		h = sha256.New()
	default:
		return nil, errInvalidArgument("The value specified in the x-amz-trailer header is not supported")
	}
	return &trailerChecksum{header: name, h: h}, nil
}

// matches reports whether the base64 value sent is the checksum of the
// data read.
func (c *trailerChecksum) matches(value string) bool {
	want := base64.StdEncoding.EncodeToString(c.h.Sum(nil))
	return subtle.ConstantTimeCompare([]byte(want), []byte(value)) == 1
}
