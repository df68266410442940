package s3gateway

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

// Signature Version 2 presigned URLs ("query string authentication":
// AWSAccessKeyId, Expires and Signature in the query), which boto3 makes
// by default for S3 in the older regions, us-east-1 among them. See
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
// Header-signed SigV2 requests are not accepted.

// maxV2Expiry bounds how far ahead a SigV2 URL may expire; SigV4's limit
// of seven days.
const maxV2Expiry = 7 * 24 * time.Hour

// isPresignedV2 reports a query that carries a SigV2 signature.
func isPresignedV2(q url.Values) bool {
	return q.Has("AWSAccessKeyId") && q.Has("Signature")
}

// verifyPresignedV2 checks a SigV2 presigned request and returns its
// caller.
func verifyPresignedV2(ctx context.Context, r *http.Request, t target, domain string, creds awsproto.CredentialSource, now time.Time) (*awsproto.Caller, *Error) {
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil {
		return nil, &Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"}
	}
	switch at := time.Unix(expires, 0); {
	case !now.Before(at):
		return nil, errRequestExpired()
	case at.Sub(now) > maxV2Expiry:
		return nil, &Error{Status: http.StatusBadRequest, Code: "AuthorizationQueryParametersError",
			Message: "X-Amz-Expires must be less than a week (in seconds) that is 604800"}
	}
	accessKeyID := q.Get("AWSAccessKeyId")
	token := q.Get("x-amz-security-token")
	if token == "" {
		token = r.Header.Get("X-Amz-Security-Token")
	}
	cred, err := creds.LookupCredential(ctx, accessKeyID, token)
	switch {
	case errors.Is(err, awsproto.ErrUnknownAccessKey):
		return nil, errInvalidAccessKeyID()
	case errors.Is(err, awsproto.ErrExpiredToken):
		return nil, errExpiredToken()
	case err != nil:
		return nil, errInternal()
	}
	mac := hmac.New(sha1.New, []byte(cred.SecretAccessKey))
	mac.Write([]byte(stringToSignV2(r, q, t, domain)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(q.Get("Signature"))) {
		return nil, errSignatureDoesNotMatch()
	}
	return &awsproto.Caller{AccessKeyID: accessKeyID, Service: "s3", Principal: cred.Principal,
		SessionToken: token, Session: cred.Session, Presigned: true}, nil
}

// v2Subresources are the query parameters SigV2 signs in the resource.
var v2Subresources = []string{
	"accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location",
	"logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment",
	"response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
	"response-content-type", "response-expires", "restore", "select", "select-type", "storageClass", "tagging",
	"torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
}

// stringToSignV2 is SigV2's string to sign for a presigned request: the
// method, Content-MD5, Content-Type, Expires, the x-amz-* values (from the
// query, where presigning puts them, and the headers) and the resource.
func stringToSignV2(r *http.Request, q url.Values, t target, domain string) string {
	first := func(name string) string {
		if v := q.Get(name); v != "" {
			return v
		}
		return r.Header.Get(name)
	}
	amz := map[string][]string{}
	for k, vs := range q {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			amz[lk] = append(amz[lk], vs...)
		}
	}
	for k, vs := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			if _, inQuery := amz[lk]; !inQuery {
				amz[lk] = append(amz[lk], vs...)
			}
		}
	}
	var b strings.Builder
	b.WriteString(r.Method + "\n" + first("content-md5") + "\n" + first("content-type") + "\n" + q.Get("Expires") + "\n")
	names := make([]string, 0, len(amz))
	for k := range amz {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		vals := make([]string, len(amz[k]))
		for i, v := range amz[k] {
			vals[i] = strings.TrimSpace(v)
		}
		b.WriteString(k + ":" + strings.Join(vals, ",") + "\n")
	}
	// The resource is the path with the bucket, however it was addressed.
	if _, virtual := virtualBucket(r.Host, domain); virtual {
		b.WriteString("/" + t.bucket)
	}
	b.WriteString(t.rawPath)
	var subs []string
	for _, name := range v2Subresources {
		if vs, ok := q[name]; ok {
			for _, v := range vs {
				if v == "" {
					subs = append(subs, name)
				} else {
					subs = append(subs, name+"="+v)
				}
			}
		}
	}
	if len(subs) > 0 {
		slices.Sort(subs)
		b.WriteString("?" + strings.Join(subs, "&"))
	}
	return b.String()
}
