package s3gateway

import (
	"net/http"
	"strings"
)

// Browsers call the gateway cross-origin (a web app uploading with the AWS
// SDK for JavaScript). Authorization travels in signatures, never in
// cookies, so any origin may call: the CORS answer does what an S3
// bucket's CORS configuration allowing every origin does.

// corsExposeHeaders are the response headers scripts may read: S3's ETag
// (multipart uploads need it), version, request ids and checksums.
var corsExposeHeaders = strings.Join([]string{
	"ETag", "x-amz-version-id", "x-amz-request-id", "x-amz-id-2", "x-amz-delete-marker",
	"x-amz-server-side-encryption", "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
	"x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
	"Content-Length", "Content-Type", "Content-Range", "Last-Modified",
}, ", ")

// setCORS adds the headers a cross-origin response needs.
func setCORS(h http.Header, r *http.Request) {
	if r.Header.Get("Origin") == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
}

// isPreflight reports a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// preflight answers a CORS preflight: any of S3's methods, with the
// headers the browser asks to send.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD")
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	}
	h.Set("Access-Control-Max-Age", "3000")
	h.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
	w.WriteHeader(http.StatusOK)
}
