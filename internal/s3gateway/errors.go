package s3gateway

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strconv"
)

// Error is an S3 error response: the Code and Message of S3's XML error
// document with its HTTP status. See
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
type Error struct {
	Status  int
	Code    string
	Message string
	// Extra elements S3 adds for some codes (e.g. StringToSign is left
	// out: it would help an attacker; AccessKeyId is kept).
	Resource string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// The errors the gateway answers itself; the backend's pass through.
var (
	errAccessDenied = func() *Error {
		return &Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"}
	}
	errSignatureDoesNotMatch = func() *Error {
		return &Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	errInvalidAccessKeyID = func() *Error {
		return &Error{Status: http.StatusForbidden, Code: "InvalidAccessKeyId",
			Message: "The AWS Access Key Id you provided does not exist in our records."}
	}
	errExpiredToken = func() *Error {
		return &Error{Status: http.StatusBadRequest, Code: "ExpiredToken", Message: "The provided token has expired."}
	}
	errRequestExpired = func() *Error {
		return &Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Request has expired"}
	}
	errTimeSkewed = func() *Error {
		return &Error{Status: http.StatusForbidden, Code: "RequestTimeTooSkewed",
			Message: "The difference between the request time and the current time is too large."}
	}
	errContentSHA256Mismatch = func() *Error {
		return &Error{Status: http.StatusBadRequest, Code: "XAmzContentSHA256Mismatch",
			Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
	}
	errIncompleteBody = func() *Error {
		return &Error{Status: http.StatusBadRequest, Code: "IncompleteBody",
			Message: "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	}
	errBadDigest = func() *Error {
		return &Error{Status: http.StatusBadRequest, Code: "BadDigest",
			Message: "The checksum you specified did not match the calculated checksum."}
	}
	errInternal = func() *Error {
		return &Error{Status: http.StatusInternalServerError, Code: "InternalError",
			Message: "We encountered an internal error. Please try again."}
	}
	errBackendUnavailable = func() *Error {
		return &Error{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable",
			Message: "The storage behind this gateway did not answer. Please try again."}
	}
)

func errInvalidArgument(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InvalidArgument", Message: msg}
}

func errInvalidRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InvalidRequest", Message: msg}
}

func errMalformedAuth(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "AuthorizationHeaderMalformed", Message: msg}
}

// errorDocument is S3's error body.
type errorDocument struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

// writeError answers e with the request's ids; a HEAD answer has no body,
// as S3's.
func writeError(w http.ResponseWriter, r *http.Request, ids requestIDs, e *Error) {
	h := w.Header()
	h.Set("X-Amz-Request-Id", ids.request)
	h.Set("X-Amz-Id-2", ids.host)
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	body, _ := xml.Marshal(errorDocument{Code: e.Code, Message: e.Message, Resource: e.Resource,
		RequestID: ids.request, HostID: ids.host})
	body = append([]byte(xml.Header), body...)
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// requestIDs are S3's x-amz-request-id (16 upper-case hex digits) and
// x-amz-id-2.
type requestIDs struct{ request, host string }

func newRequestIDs() requestIDs {
	var b [8 + 24]byte
	_, _ = rand.Read(b[:])
	id := make([]byte, 16)
	hex.Encode(id, b[:8])
	for i, c := range id {
		if c >= 'a' {
			id[i] = c - 'a' + 'A'
		}
	}
	return requestIDs{request: string(id), host: base64.StdEncoding.EncodeToString(b[8:])}
}
