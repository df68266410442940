package s3gateway

import (
	"encoding/xml"
)

// deleteRequest is DeleteObjects' body.
type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

// maxDeleteKeys is S3's limit on the keys of one DeleteObjects.
const maxDeleteKeys = 1000

// deleteChecks reads DeleteObjects' keys: each needs s3:DeleteObject (or
// s3:DeleteObjectVersion) on its object.
func deleteChecks(bucket string, body []byte) ([]Check, *Error) {
	var req deleteRequest
	if err := xml.Unmarshal(body, &req); err != nil {
		return nil, &Error{Status: 400, Code: "MalformedXML",
			Message: "The XML you provided was not well-formed or did not validate against our published schema."}
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return nil, &Error{Status: 400, Code: "MalformedXML",
			Message: "The XML you provided was not well-formed or did not validate against our published schema."}
	}
	checks := make([]Check, 0, len(req.Objects))
	for _, o := range req.Objects {
		if o.Key == "" || !validKey(o.Key) {
			return nil, errInvalidArgument("Object keys with '.' or '..' path segments, or control characters, are not accepted by this gateway.")
		}
		c := Check{Action: "s3:DeleteObject", Resource: objectARN(bucket, o.Key)}
		if o.VersionID != "" {
			c.Action = "s3:DeleteObjectVersion"
			c.Context = map[string][]string{"s3:versionid": {o.VersionID}}
		}
		checks = append(checks, c)
	}
	return checks, nil
}
