package awsproto

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	emptyHash       = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// maxPresignExpiry is SigV4's limit on X-Amz-Expires: seven days.
	maxPresignExpiry = 7 * 24 * time.Hour
)

// presign is the signature of a presigned URL, carried in its query
// string (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Security-Token). Without
// X-Amz-Expires, the URL is good for 15 minutes, as a signed request. See
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request
type presign struct {
	auth     *sigV4Auth
	token    string
	amzDate  string
	signedAt time.Time
	expires  time.Duration
	payload  string // X-Amz-Content-Sha256 from the query, if any
}

// parsePresigned reads a presigned URL's signature from the query, or
// returns nil when the query carries none.
func parsePresigned(rawQuery string) (*presign, error) {
	if !strings.Contains(rawQuery, "X-Amz-Algorithm=") {
		return nil, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil || q.Get("X-Amz-Algorithm") == "" {
		return nil, nil
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != sigAlgorithm {
		return nil, Errorf(TypeIncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", alg)
	}
	var missing []string
	for _, name := range []string{"X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"} {
		if q.Get(name) == "" {
			missing = append(missing, "AWS query-string parameters must include '"+name+"'.")
		}
	}
	if len(missing) > 0 {
		return nil, Errorf(TypeIncompleteSignature, "%s Re-examine the query-string parameters.", strings.Join(missing, " "))
	}
	auth, err := parseAuthorization(sigAlgorithm + " Credential=" + q.Get("X-Amz-Credential") +
		", SignedHeaders=" + q.Get("X-Amz-SignedHeaders") + ", Signature=" + q.Get("X-Amz-Signature"))
	if err != nil {
		return nil, err
	}
	auth.presigned = true
	amzDate := q.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateFmt, amzDate)
	if err != nil {
		return nil, Errorf(TypeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate)
	}
	expires := maxSkew // without X-Amz-Expires, a header-signed request's window
	if v := q.Get("X-Amz-Expires"); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs < 1 || time.Duration(secs)*time.Second > maxPresignExpiry {
			return nil, Errorf(TypeIncompleteSignature, "X-Amz-Expires must be an integer between 1 and %d.", int(maxPresignExpiry/time.Second))
		}
		expires = time.Duration(secs) * time.Second
	}
	return &presign{auth: auth, token: q.Get("X-Amz-Security-Token"), amzDate: amzDate, signedAt: signedAt,
		expires: expires, payload: q.Get("X-Amz-Content-Sha256")}, nil
}
