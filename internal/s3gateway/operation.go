package s3gateway

import (
	"net/http"
	"net/url"
	"strings"
)

// operation is an S3 API call as IAM sees it: the permissions it needs,
// each an action on a resource with the condition keys the request
// carries, per the Service Authorization Reference for Amazon S3
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
type operation struct {
	name   string // the S3 API operation, e.g. "PutObject"
	checks []Check
	// write reports an operation that creates or changes an object: it is
	// audited, and (with metadata on) stamped with the writer's ids.
	write bool
	// stamp reports a write whose request carries the object's metadata
	// (PutObject, CreateMultipartUpload, CopyObject).
	stamp bool
	// copySource is the source of CopyObject and UploadPartCopy.
	copySource *copySource
	// deleteObjects is DeleteObjects: its keys are in the body.
	deleteObjects bool
}

// Check is one permission an operation needs.
type Check struct {
	Action   string
	Resource string
	// Context holds the S3 condition keys of the request (s3:prefix,
	// s3:x-amz-acl, ...).
	Context map[string][]string
}

type copySource struct{ bucket, key, versionID string }

// classify maps a request to its operation. An operation it does not know
// returns nil: the gateway denies what it cannot map.
func classify(method string, t target, q url.Values, h http.Header) *operation {
	switch {
	case t.bucket == "":
		if method == http.MethodGet {
			return single("ListBuckets", "s3:ListAllMyBuckets", "arn:aws:s3:::*", nil)
		}
		return nil
	case t.key == "":
		return bucketOperation(method, t.bucket, q)
	default:
		return objectOperation(method, t, q, h)
	}
}

func single(name, action, resource string, ctx map[string][]string) *operation {
	return &operation{name: name, checks: []Check{{Action: action, Resource: resource, Context: ctx}}}
}

// subresource returns the sub-resource parameter a request names: "" for
// none, the name for one of known (and "partNumber+uploadId" for an upload
// part), and ok false for any other combination, which the gateway does
// not map.
func subresource(q url.Values, known ...string) (name string, ok bool) {
	var found []string
	for k := range q {
		if isSubresource(k) {
			found = append(found, k)
		}
	}
	switch {
	case len(found) == 0:
		return "", true
	case len(found) == 2 && q.Has("partNumber") && q.Has("uploadId"):
		name = "partNumber+uploadId"
	case len(found) == 1:
		name = found[0]
	default:
		return "", false
	}
	for _, n := range known {
		if n == name {
			return name, true
		}
	}
	return "", false
}

// isSubresource reports query parameters that select another API than the
// plain object or bucket one (S3's sub-resources, and the list-type and
// multipart parameters).
func isSubresource(k string) bool {
	switch k {
	case "acl", "attributes", "delete", "legal-hold", "location", "object-lock", "restore", "retention",
		"select", "tagging", "torrent", "uploadId", "uploads", "versions", "versioning", "policy",
		"policyStatus", "cors", "lifecycle", "logging", "notification", "replication", "website",
		"encryption", "accelerate", "analytics", "inventory", "metrics", "ownershipControls",
		"publicAccessBlock", "requestPayment", "intelligent-tiering", "session", "partNumber",
		"renameObject":
		return true
	}
	return false
}

func bucketOperation(method, bucket string, q url.Values) *operation {
	arn := bucketARN(bucket)
	sub, ok := subresource(q, "location", "uploads", "versions", "delete")
	if !ok {
		return nil
	}
	switch {
	case method == http.MethodGet && sub == "location":
		return single("GetBucketLocation", "s3:GetBucketLocation", arn, nil)
	case method == http.MethodGet && sub == "uploads":
		return single("ListMultipartUploads", "s3:ListBucketMultipartUploads", arn, listContext(q))
	case method == http.MethodGet && sub == "versions":
		return single("ListObjectVersions", "s3:ListBucketVersions", arn, listContext(q))
	case method == http.MethodGet && sub == "" && q.Get("list-type") == "2":
		return single("ListObjectsV2", "s3:ListBucket", arn, listContext(q))
	case method == http.MethodGet && sub == "":
		return single("ListObjects", "s3:ListBucket", arn, listContext(q))
	case method == http.MethodHead && sub == "":
		return single("HeadBucket", "s3:ListBucket", arn, nil)
	case method == http.MethodPut && sub == "":
		return single("CreateBucket", "s3:CreateBucket", arn, nil)
	case method == http.MethodDelete && sub == "":
		return single("DeleteBucket", "s3:DeleteBucket", arn, nil)
	case method == http.MethodPost && sub == "delete":
		// The keys are in the body; the gateway adds a check for each.
		return &operation{name: "DeleteObjects", write: true, deleteObjects: true}
	}
	return nil
}

// listContext gives a listing's condition keys: s3:prefix, s3:delimiter
// and s3:max-keys, each only when the request sets it.
func listContext(q url.Values) map[string][]string {
	c := map[string][]string{}
	for _, p := range []struct{ param, key string }{
		{"prefix", "s3:prefix"}, {"delimiter", "s3:delimiter"}, {"max-keys", "s3:max-keys"},
	} {
		if vs, ok := q[p.param]; ok {
			c[p.key] = vs[:1]
		}
	}
	return c
}

func objectOperation(method string, t target, q url.Values, h http.Header) *operation {
	arn := objectARN(t.bucket, t.key)
	sub, ok := subresource(q, "tagging", "uploadId", "uploads", "partNumber", "partNumber+uploadId", "attributes", "acl")
	if !ok {
		return nil
	}
	version := q.Get("versionId")
	versioned := func(action string) string {
		if version != "" {
			return strings.Replace(action, "Object", "ObjectVersion", 1)
		}
		return action
	}
	ctx := map[string][]string{}
	if version != "" {
		ctx["s3:versionid"] = []string{version}
	}
	get := func(name, action string) *operation { return single(name, versioned(action), arn, ctx) }

	switch method {
	case http.MethodGet:
		switch {
		case sub == "tagging":
			return get("GetObjectTagging", "s3:GetObjectTagging")
		case sub == "acl":
			return get("GetObjectAcl", "s3:GetObjectAcl")
		case sub == "uploadId":
			return single("ListParts", "s3:ListMultipartUploadParts", arn, nil)
		case sub == "attributes":
			op := get("GetObjectAttributes", "s3:GetObjectAttributes")
			op.checks = append(op.checks, Check{Action: versioned("s3:GetObject"), Resource: arn, Context: ctx})
			return op
		case sub == "" || sub == "partNumber":
			return get("GetObject", "s3:GetObject")
		}
	case http.MethodHead:
		if sub == "" || sub == "partNumber" {
			return get("HeadObject", "s3:GetObject")
		}
	case http.MethodPut:
		src, hasSource := parseCopySource(h.Get("X-Amz-Copy-Source"))
		if h.Get("X-Amz-Copy-Source") != "" && !hasSource {
			return nil
		}
		put := putContext(h)
		switch {
		case sub == "tagging":
			op := get("PutObjectTagging", "s3:PutObjectTagging")
			op.write = true
			return op
		case sub == "acl":
			op := get("PutObjectAcl", "s3:PutObjectAcl")
			op.write = true
			return op
		case sub == "partNumber+uploadId":
			name := "UploadPart"
			op := &operation{name: name, write: true, checks: []Check{{Action: "s3:PutObject", Resource: arn, Context: put}}}
			if hasSource {
				op.name = "UploadPartCopy"
				op.copySource = &src
				op.checks = append(op.checks, src.check())
			}
			return op
		case sub == "" && hasSource:
			put["s3:x-amz-copy-source"] = []string{h.Get("X-Amz-Copy-Source")}
			if d := h.Get("X-Amz-Metadata-Directive"); d != "" {
				put["s3:x-amz-metadata-directive"] = []string{d}
			}
			return &operation{name: "CopyObject", write: true, stamp: true, copySource: &src,
				checks: []Check{{Action: "s3:PutObject", Resource: arn, Context: put}, src.check()}}
		case sub == "":
			return &operation{name: "PutObject", write: true, stamp: true,
				checks: []Check{{Action: "s3:PutObject", Resource: arn, Context: put}}}
		}
	case http.MethodDelete:
		switch {
		case sub == "tagging":
			op := get("DeleteObjectTagging", "s3:DeleteObjectTagging")
			op.write = true
			return op
		case sub == "uploadId":
			op := single("AbortMultipartUpload", "s3:AbortMultipartUpload", arn, nil)
			op.write = true
			return op
		case sub == "":
			op := get("DeleteObject", "s3:DeleteObject")
			op.write = true
			return op
		}
	case http.MethodPost:
		switch sub {
		case "uploads":
			return &operation{name: "CreateMultipartUpload", write: true, stamp: true,
				checks: []Check{{Action: "s3:PutObject", Resource: arn, Context: putContext(h)}}}
		case "uploadId":
			return &operation{name: "CompleteMultipartUpload", write: true,
				checks: []Check{{Action: "s3:PutObject", Resource: arn}}}
		}
	}
	return nil
}

// putContext gives the condition keys of a write: the canned ACL,
// encryption, storage class and the tags it sets.
func putContext(h http.Header) map[string][]string {
	c := map[string][]string{}
	for _, p := range []struct{ header, key string }{
		{"X-Amz-Acl", "s3:x-amz-acl"},
		{"X-Amz-Server-Side-Encryption", "s3:x-amz-server-side-encryption"},
		{"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "s3:x-amz-server-side-encryption-aws-kms-key-id"},
		{"X-Amz-Storage-Class", "s3:x-amz-storage-class"},
		{"X-Amz-Grant-Read", "s3:x-amz-grant-read"},
		{"X-Amz-Grant-Full-Control", "s3:x-amz-grant-full-control"},
	} {
		if v := h.Get(p.header); v != "" {
			c[p.key] = []string{v}
		}
	}
	if tags := h.Get("X-Amz-Tagging"); tags != "" {
		if q, err := url.ParseQuery(tags); err == nil {
			var keys []string
			for k, vs := range q {
				keys = append(keys, k)
				c["s3:RequestObjectTag/"+k] = vs[:1]
			}
			c["s3:RequestObjectTagKeys"] = keys
		}
	}
	return c
}

// parseCopySource reads x-amz-copy-source: "[/]bucket/key[?versionId=v]",
// URL-encoded.
func parseCopySource(v string) (copySource, bool) {
	if v == "" {
		return copySource{}, false
	}
	path, query, _ := strings.Cut(v, "?")
	path, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil {
		return copySource{}, false
	}
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || !validBucket(bucket) || key == "" || !validKey(key) {
		return copySource{}, false
	}
	src := copySource{bucket: bucket, key: key}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return copySource{}, false
		}
		src.versionID = q.Get("versionId")
	}
	return src, true
}

// check is the read a copy needs on its source.
func (s copySource) check() Check {
	if s.versionID != "" {
		return Check{Action: "s3:GetObjectVersion", Resource: objectARN(s.bucket, s.key),
			Context: map[string][]string{"s3:versionid": {s.versionID}}}
	}
	return Check{Action: "s3:GetObject", Resource: objectARN(s.bucket, s.key)}
}
