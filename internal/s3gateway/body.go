package s3gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// Values of x-amz-content-sha256 other than a hex digest. See
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
const (
	unsignedPayload        = "UNSIGNED-PAYLOAD"
	streamingSigned        = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrail = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// bufferLimit is the largest body the gateway reads whole, and verifies,
// before it forwards a request; larger bodies stream (see holdLast).
const bufferLimit = 1 << 20

// body is a request's payload, decoded and being verified.
type body struct {
	r io.Reader
	// length is the decoded length (-1 when unknown).
	length int64
	// err is the first verification failure the reader met.
	err *Error
}

// openBody returns r's payload as the signature says it is sent (mode is
// x-amz-content-sha256, or UNSIGNED-PAYLOAD for a presigned URL): a hex
// digest is checked against the bytes; an aws-chunked body is decoded,
// every chunk signature and the trailer checked with chunks. Whatever the
// mode, a reader of the returned body never gets its last byte before
// everything is verified, so a backend that receives the body with its
// length never receives it whole unless it is genuine.
func openBody(r *http.Request, mode string, chunks *awsproto.ChunkVerifier) (*body, *Error) {
	b := &body{length: r.ContentLength}
	var src io.Reader = r.Body
	switch mode {
	case unsignedPayload:
	case streamingSigned, streamingSignedTrailer, streamingUnsignedTrail:
		signed := mode != streamingUnsignedTrail
		if signed && chunks == nil {
			return nil, errInvalidRequest("A presigned request cannot stream a signed payload.")
		}
		n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil || n < 0 {
			return nil, &Error{Status: http.StatusLengthRequired, Code: "MissingContentLength",
				Message: "You must provide the Content-Length HTTP header (x-amz-decoded-content-length for aws-chunked)."}
		}
		cr := &chunkedReader{src: newLineReader(r.Body), declared: n}
		if signed {
			cr.verifier = chunks
		}
		if mode != streamingSigned {
			sum, err := newTrailerChecksum(r.Header.Get("X-Amz-Trailer"))
			if err != nil {
				return nil, err
			}
			cr.trailer, cr.checksum = true, sum
		}
		src, b.length = cr, n
	default:
		want, err := hex.DecodeString(mode)
		if err != nil || len(want) != sha256.Size {
			return nil, errInvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a hex SHA-256 digest.")
		}
		if b.length < 0 {
			return nil, &Error{Status: http.StatusLengthRequired, Code: "MissingContentLength", Message: "You must provide the Content-Length HTTP header."}
		}
		src = &digestReader{r: r.Body, h: sha256.New(), want: want}
	}
	b.r = &errorTrap{r: src, trap: &b.err}
	if b.length > 0 && mode != unsignedPayload {
		b.r = &holdLast{r: b.r, total: b.length}
	}
	return b, nil
}

// readAll reads a body of at most limit bytes whole, verified; a longer
// one is an error.
func (b *body) readAll(limit int64) ([]byte, *Error) {
	data, err := io.ReadAll(io.LimitReader(b.r, limit+1))
	if b.err != nil {
		return nil, b.err
	}
	if err != nil {
		return nil, errIncompleteBody()
	}
	if int64(len(data)) > limit {
		return nil, &Error{Status: http.StatusBadRequest, Code: "MaxMessageLengthExceeded", Message: "Your request was too big."}
	}
	if b.length >= 0 && int64(len(data)) != b.length {
		return nil, errIncompleteBody()
	}
	return data, nil
}

// buffered reads a small body whole before it is forwarded, so that a
// forged one is refused without the backend seeing it.
func (b *body) buffered() *Error {
	if b.length < 0 || b.length > bufferLimit {
		return nil
	}
	data, err := b.readAll(bufferLimit)
	if err != nil {
		return err
	}
	b.r = bytes.NewReader(data)
	return nil
}

// errorTrap keeps the first gateway error its reader returns, so that the
// request's answer says what was wrong with the body even when the
// transport that read it reports only that it failed.
type errorTrap struct {
	r    io.Reader
	trap **Error
}

func (t *errorTrap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	var e *Error
	if err != nil && err != io.EOF && *t.trap == nil {
		if errors.As(err, &e) {
			*t.trap = e
		} else {
			*t.trap = errIncompleteBody()
		}
	}
	return n, err
}

// digestReader checks that its bytes have the SHA-256 digest want: at the
// end of them, a mismatch is XAmzContentSHA256Mismatch.
type digestReader struct {
	r io.Reader
	h interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
	want []byte
}

func (d *digestReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(d.h.Sum(nil), d.want) {
		return n, errContentSHA256Mismatch()
	}
	return n, err
}

// holdLast passes a body of known length through but for its last byte,
// which it gives only once the reader behind it has ended cleanly (every
// signature and digest verified); a body that is shorter or longer than
// total is an error.
type holdLast struct {
	r     io.Reader
	total int64
	sent  int64
	last  []byte
	done  bool
}

func (h *holdLast) Read(p []byte) (int, error) {
	if h.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if h.last != nil {
		// All but the last byte went out: the rest must be an end.
		var probe [1]byte
		for {
			n, err := h.r.Read(probe[:])
			if n > 0 {
				return 0, errIncompleteBody()
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return 0, err
			}
		}
		p[0] = h.last[0]
		h.done = true
		return 1, io.EOF
	}
	if max := h.total - h.sent; int64(len(p)) > max {
		p = p[:max]
	}
	n, err := h.r.Read(p)
	h.sent += int64(n)
	if h.sent == h.total && n > 0 {
		h.last = []byte{p[n-1]}
		n--
		err = nil
	}
	if err == io.EOF {
		return n, errIncompleteBody()
	}
	return n, err
}

// lineReader reads an aws-chunked body's header lines and data.
type lineReader struct {
	r   io.Reader
	buf []byte
	off int
	end int
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{r: r, buf: make([]byte, 32<<10)} }

// maxLine bounds a chunk header or trailer line.
const maxLine = 4096

// line returns the next line without its CRLF.
func (l *lineReader) line() (string, error) {
	for {
		if i := bytes.Index(l.buf[l.off:l.end], []byte("\r\n")); i >= 0 {
			s := string(l.buf[l.off : l.off+i])
			l.off += i + 2
			return s, nil
		}
		if l.end-l.off > maxLine {
			return "", errIncompleteBody()
		}
		if err := l.fill(); err != nil {
			return "", err
		}
	}
}

// read reads up to len(p) bytes of data.
func (l *lineReader) read(p []byte) (int, error) {
	if l.off == l.end {
		if len(p) >= len(l.buf) {
			return l.r.Read(p)
		}
		if err := l.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, l.buf[l.off:l.end])
	l.off += n
	return n, nil
}

func (l *lineReader) fill() error {
	if l.off > 0 {
		copy(l.buf, l.buf[l.off:l.end])
		l.end -= l.off
		l.off = 0
	}
	if l.end == len(l.buf) {
		return errIncompleteBody()
	}
	n, err := l.r.Read(l.buf[l.end:])
	l.end += n
	if n > 0 {
		return nil
	}
	if err == nil || err == io.EOF {
		return errIncompleteBody()
	}
	return err
}

// chunkedReader decodes an aws-chunked body: chunks "<hex size>[;chunk-
// signature=<sig>]\r\n<data>\r\n", a final chunk of size 0, and with a
// trailer, trailing "name:value\r\n" lines (the last one
// x-amz-trailer-signature when the chunks are signed) and an empty line.
// See https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
type chunkedReader struct {
	src      *lineReader
	verifier *awsproto.ChunkVerifier // nil: unsigned chunks
	trailer  bool
	checksum *trailerChecksum
	declared int64 // x-amz-decoded-content-length
	seen     int64
	left     int64 // data left in the current chunk
	sig      string
	hash     interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
		Reset()
	}
	sum  [sha256.Size]byte
	done bool
	err  error
}

// Read fills p across chunks, so that the store receives a body in the
// gateway's large writes whatever size the client's chunks are (the SDKs
// send 64 KiB).
func (c *chunkedReader) Read(p []byte) (n int, err error) {
	for n < len(p) && err == nil {
		var m int
		m, err = c.readChunk(p[n:])
		n += m
	}
	return n, err
}

// readChunk reads data up to the end of the current chunk, and past a
// chunk's end checks it.
func (c *chunkedReader) readChunk(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		if err := c.next(); err != nil {
			c.err = err
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.src.read(p)
	c.left -= int64(n)
	c.seen += int64(n)
	if c.verifier != nil {
		c.hash.Write(p[:n])
	}
	if c.checksum != nil {
		c.checksum.h.Write(p[:n])
	}
	if err == nil && c.left == 0 {
		err = c.endChunk()
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// emptySHA256 is the digest of no bytes, the final chunk's data.
var emptySHA256 = sha256.Sum256(nil)

// next reads a chunk header; for the final chunk it reads and checks the
// end of the body.
func (c *chunkedReader) next() error {
	line, err := c.src.line()
	if err != nil {
		return err
	}
	sizeText, ext, _ := strings.Cut(line, ";")
	size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
	if err != nil || size < 0 || size > c.declared-c.seen {
		return errIncompleteBody()
	}
	if c.verifier != nil {
		sig, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !ok || len(sig) != 64 {
			return errSignatureDoesNotMatch()
		}
		c.sig = sig
		if c.hash == nil {
			c.hash = sha256.New()
		}
		c.hash.Reset()
	}
	if size > 0 {
		c.left = size
		return nil
	}
	return c.finish()
}

// endChunk reads the CRLF after a chunk's data and checks its signature.
func (c *chunkedReader) endChunk() error {
	if line, err := c.src.line(); err != nil || line != "" {
		return errIncompleteBody()
	}
	if c.verifier != nil && !c.verifier.Chunk(c.hash.Sum(c.sum[:0]), c.sig) {
		return errSignatureDoesNotMatch()
	}
	return nil
}

// finish checks the final chunk, the trailer and the length.
func (c *chunkedReader) finish() error {
	c.done = true
	if c.verifier != nil && !c.verifier.Chunk(emptySHA256[:], c.sig) {
		return errSignatureDoesNotMatch()
	}
	if c.seen != c.declared {
		return errIncompleteBody()
	}
	if !c.trailer {
		if line, err := c.src.line(); err != nil || line != "" {
			return errIncompleteBody()
		}
		return nil
	}
	var canonical strings.Builder
	var trailerSig, checksum string
	for {
		line, err := c.src.line()
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return errIncompleteBody()
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			trailerSig = value
			continue
		}
		canonical.WriteString(name + ":" + value + "\n")
		if c.checksum != nil && name == c.checksum.header {
			checksum = value
		}
	}
	if c.verifier != nil && (trailerSig == "" || !c.verifier.Trailer(canonical.String(), trailerSig)) {
		return errSignatureDoesNotMatch()
	}
	if c.checksum != nil && !c.checksum.matches(checksum) {
		return errBadDigest()
	}
	return nil
}
