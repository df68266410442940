package awsproto

import (
	"crypto/hmac"
	"encoding/hex"
	"strings"
)

// Streaming uploads (Amazon S3's aws-chunked encoding) sign each chunk of
// the body with a signature that chains from the request's own ("seed")
// signature: see
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
// sigv4-streaming-trailers.html.
const (
	chunkAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD"
	trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
)

// seedSignature is a verified request signature with what made it.
type seedSignature struct {
	key                       []byte
	amzDate, scope, signature string
}

// ChunkVerifier checks the chain of chunk signatures of one streaming
// upload. It is not safe for concurrent use.
type ChunkVerifier struct {
	seed seedSignature
	prev string
}

// ChunkVerifier returns a verifier for the chunks that follow the
// request's headers, or nil when the request was presigned (a presigned
// URL has no seed signature for chunks).
func (c *Caller) ChunkVerifier() *ChunkVerifier {
	if c == nil || c.seed == nil || c.Presigned {
		return nil
	}
	return &ChunkVerifier{seed: *c.seed, prev: c.seed.signature}
}

// Chunk reports whether signature signs the chunk whose SHA-256 is
// dataHash, following the previous chunk (or the seed); on success it
// becomes the previous signature. The final, empty chunk is checked the
// same way, with the hash of no data.
func (v *ChunkVerifier) Chunk(dataHash []byte, signature string) bool {
	toSign := chunkAlgorithm + "\n" + v.seed.amzDate + "\n" + v.seed.scope + "\n" + v.prev + "\n" +
		emptyHash + "\n" + hex.EncodeToString(dataHash)
	return v.check(toSign, signature)
}

// Trailer reports whether signature signs the trailing headers, given in
// their canonical form: "name:value\n" for each, in the order sent.
func (v *ChunkVerifier) Trailer(canonical string, signature string) bool {
	toSign := trailerAlgorithm + "\n" + v.seed.amzDate + "\n" + v.seed.scope + "\n" + v.prev + "\n" +
		hashHex([]byte(canonical))
	return v.check(toSign, signature)
}

func (v *ChunkVerifier) check(toSign, signature string) bool {
	want := hex.EncodeToString(hmacSHA256(v.seed.key, toSign))
	got := strings.ToLower(signature)
	if !hmac.Equal([]byte(want), []byte(got)) {
		return false
	}
	v.prev = got
	return true
}
