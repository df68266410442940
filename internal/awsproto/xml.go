package awsproto

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// ISO8601 formats t as the query protocol's timestamps, in UTC to the
// second: "2026-01-02T15:04:05Z".
func ISO8601(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// marshalQueryResponse writes a query-protocol response:
//
//	<OpResponse xmlns="ns">
//	  <OpResult>...out...</OpResult>
//	  <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata>
//	</OpResponse>
//
// out is marshalled with encoding/xml as the content of the result
// element (its fields become child elements); an operation without output
// (resultWrapper "") has no result element.
func marshalQueryResponse(ns, op, resultWrapper string, out any, requestID string) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(512)
	b.WriteString("<")
	b.WriteString(op)
	b.WriteString(`Response xmlns="`)
	xmlEscape(&b, ns)
	b.WriteString(`">`)
	if resultWrapper != "" {
		if out == nil {
			b.WriteString("<" + resultWrapper + "/>")
		} else {
			enc := xml.NewEncoder(&b)
			if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: resultWrapper}}); err != nil {
				return nil, fmt.Errorf("awsproto: marshal %s: %w", resultWrapper, err)
			}
			if err := enc.Close(); err != nil {
				return nil, fmt.Errorf("awsproto: marshal %s: %w", resultWrapper, err)
			}
		}
	}
	b.WriteString("<ResponseMetadata><RequestId>")
	xmlEscape(&b, requestID)
	b.WriteString("</RequestId></ResponseMetadata></")
	b.WriteString(op)
	b.WriteString("Response>")
	return b.Bytes(), nil
}

// queryError is an error as the query protocol writes it.
type queryError struct {
	code, message string
	status        int
	sender        bool
}

// Protocol-level errors in the query protocol's words. See
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
var queryCommonErrors = map[string]queryError{
	TypeMissingAuthToken:    {code: "MissingAuthenticationToken", status: http.StatusForbidden, sender: true, message: "Request is missing Authentication Token"},
	TypeUnrecognizedClient:  {code: "InvalidClientTokenId", status: http.StatusForbidden, sender: true},
	TypeInvalidSignature:    {code: "SignatureDoesNotMatch", status: http.StatusForbidden, sender: true},
	TypeIncompleteSignature: {code: "IncompleteSignature", status: http.StatusBadRequest, sender: true},
	TypeExpiredToken:        {code: "ExpiredToken", status: http.StatusForbidden, sender: true},
	TypeAccessDenied:        {code: "AccessDenied", status: http.StatusForbidden, sender: true},
	TypeInvalidParameter:    {code: "ValidationError", status: http.StatusBadRequest, sender: true},
	TypeSerialization:       {code: "ValidationError", status: http.StatusBadRequest, sender: true},
	TypeUnknownOperation:    {code: "InvalidAction", status: http.StatusBadRequest, sender: true},
	TypeInternalError:       {code: "InternalFailure", status: http.StatusInternalServerError, message: "An internal error occurred."},
}

// toQueryError maps e to its query-protocol form: a model exception (by
// wire code or shape name) with the model's code and status, else a
// protocol-level type by queryCommonErrors, else as given.
func toQueryError(m *Model, e *Error) queryError {
	if m != nil {
		if info, ok := m.errors[e.Type]; ok {
			q := queryError{code: info.code, message: e.Message, status: e.Status, sender: info.sender}
			if q.status == 0 {
				q.status = info.status
			}
			if q.status == 0 {
				q.status = e.HTTPStatus()
			}
			return q
		}
	}
	return commonQueryError(e)
}

// commonQueryError maps a protocol-level error (SigV4, validation, routing)
// to the query protocol's code and status. The SigV4 errors are mapped as
// soon as they happen, before a model exception of the same name (STS's
// ExpiredTokenException, about web identity tokens) could claim them.
func commonQueryError(e *Error) queryError {
	q, ok := queryCommonErrors[e.Type]
	if !ok {
		q = queryError{code: e.Type, status: e.HTTPStatus(), sender: true}
	}
	if q.message == "" {
		q.message = e.Message
	}
	if e.Status != 0 && !ok {
		q.status = e.Status
	}
	if q.status >= 500 {
		q.sender = false
	}
	return q
}

// asQueryError turns e into an *Error already in the query protocol's
// words (so toQueryError passes it through).
func asQueryError(e *Error) *Error {
	q := commonQueryError(e)
	return &Error{Type: q.code, Message: q.message, Status: q.status}
}

// marshalQueryError writes
//
//	<ErrorResponse xmlns="ns"><Error><Type>Sender</Type><Code>..</Code>
//	<Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>
func marshalQueryError(ns string, q queryError, requestID string) []byte {
	var b bytes.Buffer
	b.Grow(256 + len(q.message))
	b.WriteString("<ErrorResponse")
	if ns != "" {
		b.WriteString(` xmlns="`)
		xmlEscape(&b, ns)
		b.WriteString(`"`)
	}
	b.WriteString("><Error><Type>")
	if q.sender {
		b.WriteString("Sender")
	} else {
		b.WriteString("Receiver")
	}
	b.WriteString("</Type><Code>")
	xmlEscape(&b, q.code)
	b.WriteString("</Code><Message>")
	xmlEscape(&b, q.message)
	b.WriteString("</Message></Error><RequestId>")
	xmlEscape(&b, requestID)
	b.WriteString("</RequestId></ErrorResponse>")
	return b.Bytes()
}

func xmlEscape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writes to a bytes.Buffer cannot fail
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away: nothing to do
}

// QueryErrorCode returns the code and message the query protocol (STS,
// IAM) gives a protocol-level error such as one VerifyRequest returns:
// InvalidSignatureException is SignatureDoesNotMatch,
// UnrecognizedClientException is InvalidClientTokenId, and so on.
func QueryErrorCode(e *Error) (code, message string) {
	q := commonQueryError(e)
	return q.code, q.message
}
