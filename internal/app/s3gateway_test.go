package app_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/cognate-dev/cognate/internal/app"
)

// privateFolders is the policy Amplify's storage category documents for
// an identity pool's authenticated role: each identity reads, writes and
// lists its own private/<identity id>/ folder.
func privateFolders(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],
 "Resource":"arn:aws:s3:::` + bucket + `/private/${cognito-identity.amazonaws.com:sub}/*"},
{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + bucket + `",
 "Condition":{"StringLike":{"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}/","private/${cognito-identity.amazonaws.com:sub}/*"]}}}]}`
}

// gatewayServer is a server with an S3 gateway in front of moto.
type gatewayServer struct {
	*server
	gateway *httptest.Server
	backend string
	bucket  string
}

// startGateway starts a server whose S3 gateway forwards to moto, and
// creates a bucket there through the gateway with the root credentials.
func startGateway(t *testing.T, tlsGateway bool, opts ...app.Option) *gatewayServer {
	t.Helper()
	g := startGatewayTo(t, motoURL(t), tlsGateway, opts...)
	id, key := g.app.RootCredentials()
	result(g.s3(aws.Credentials{AccessKeyID: id, SecretAccessKey: key}).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &g.bucket})).must(t)
	return g
}

// startGatewayTo starts a server whose S3 gateway forwards to backend.
func startGatewayTo(t testing.TB, backend string, tlsGateway bool, opts ...app.Option) *gatewayServer {
	t.Helper()
	cfg := newConfig(t, "sqlite")
	cfg.S3Gateway.Listen = "127.0.0.1:0"
	cfg.S3Gateway.BackendURL = backend
	cfg.S3Gateway.BackendAccessKey, cfg.S3Gateway.BackendSecretKey = "moto", "moto-secret"
	cfg.S3Gateway.BackendPathStyle = true
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" }, opts...)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs := httptest.NewServer(a.Handler())
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	var gw *httptest.Server
	if tlsGateway {
		gw = httptest.NewTLSServer(a.S3Gateway())
	} else {
		gw = httptest.NewServer(a.S3Gateway())
	}
	t.Cleanup(gw.Close)
	return &gatewayServer{server: s, gateway: gw, backend: backend, bucket: "b-" + strings.ToLower(randomHex(6))}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// s3 returns an S3 client for the gateway signed with c.
func (g *gatewayServer) s3(c aws.Credentials) *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(g.gateway.URL), UsePathStyle: true,
		HTTPClient: g.gateway.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
	})
}

// direct returns an S3 client for the backend itself, bypassing the
// gateway, to see what landed there.
func (g *gatewayServer) direct() *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(g.backend), UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("moto", "moto-secret", ""),
	})
}

// person is a user pool user with identity pool credentials.
type person struct {
	username, sub, identityID string
	creds                     aws.Credentials
}

// people creates a user pool, an identity pool whose authenticated role
// has the private-folder policy for the gateway's bucket, and a signed-in
// person per name.
func (g *gatewayServer) people(t testing.TB, names ...string) (string, []person) {
	t.Helper()
	id, key := g.app.RootCredentials()
	is := &idServer{server: g.server, ci: g.identityClient(id, key)}
	up := is.userPool()
	poolID := is.identityPool(false, up)
	roles := g.iamClient(false)
	result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"), AssumeRolePolicyDocument: aws.String(cognitoTrust(poolID, "authenticated"))})).must(t)
	result(roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("authenticated"), PolicyName: aws.String("files"), PolicyDocument: aws.String(privateFolders(g.bucket))})).must(t)
	var out []person
	for _, name := range names {
		logins := map[string]string{loginKey(up.poolID): is.idToken(up, name)}
		identity := result(is.getID(poolID, logins)).must(t)
		user := result(g.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String(name)})).must(t)
		sub, _ := attrValue(user.UserAttributes, "sub")
		c := result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})).must(t).Credentials
		out = append(out, person{username: name, sub: sub, identityID: identity, creds: aws.Credentials{
			AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretKey, SessionToken: *c.SessionToken}})
	}
	return up.poolID, out
}

// s3Code returns the S3 error code of err ("" for none).
func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func wantS3Code(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := s3Code(err); got != code {
		t.Fatalf("%s: error %q (%v), want %s", what, got, err, code)
	}
}

// TestS3GatewayPrivateFolders is the seed's story: two users of one app
// each reach their own private/<identity id>/ folder through the gateway
// with their identity pool credentials, never the other's; objects land in
// the real store stamped with both ids; the audit log names both ids.
func TestS3GatewayPrivateFolders(t *testing.T) {
	g := startGateway(t, false)
	userPoolID, ps := g.people(t, "mia", "noa")
	mia, noa := ps[0], ps[1]
	ms3, ns3 := g.s3(mia.creds), g.s3(noa.creds)
	own := "private/" + mia.identityID + "/photo.jpg"
	body := []byte("mia's photo")

	result(ms3.PutObject(ctx, &s3.PutObjectInput{Bucket: &g.bucket, Key: &own, Body: bytes.NewReader(body),
		ContentType: aws.String("image/jpeg"), Metadata: map[string]string{"cognate-sub": "forged", "album": "summer"}})).must(t)
	got := result(ms3.GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &own})).must(t)
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(data, body) || aws.ToString(got.ContentType) != "image/jpeg" {
		t.Fatalf("GetObject = %q (%s)", data, aws.ToString(got.ContentType))
	}

	// The object in the store itself carries both ids, not the forgery.
	head := result(g.direct().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &g.bucket, Key: &own})).must(t)
	want := map[string]string{"cognate-identity-id": mia.identityID, "cognate-user-pool-id": userPoolID, "cognate-sub": mia.sub, "album": "summer"}
	for k, v := range want {
		if head.Metadata[k] != v {
			t.Fatalf("stored metadata %s = %q, want %q (all: %v)", k, head.Metadata[k], v, head.Metadata)
		}
	}

	// The other user is refused on mia's folder, for every kind of access.
	_, err := ns3.GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &own})
	wantS3Code(t, "noa reads mia's object", err, "AccessDenied")
	_, err = ns3.PutObject(ctx, &s3.PutObjectInput{Bucket: &g.bucket, Key: &own, Body: strings.NewReader("overwrite")})
	wantS3Code(t, "noa overwrites mia's object", err, "AccessDenied")
	_, err = ns3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &g.bucket, Key: &own})
	wantS3Code(t, "noa deletes mia's object", err, "AccessDenied")
	_, err = ns3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &g.bucket, Key: aws.String("private/" + noa.identityID + "/stolen.jpg"),
		CopySource: aws.String(g.bucket + "/" + own)})
	wantS3Code(t, "noa copies mia's object into her folder", err, "AccessDenied")

	// Listing is confined by s3:prefix.
	list := result(ms3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &g.bucket, Prefix: aws.String("private/" + mia.identityID + "/")})).must(t)
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != own {
		t.Fatalf("mia's listing = %+v", list.Contents)
	}
	_, err = ms3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &g.bucket})
	wantS3Code(t, "listing the whole bucket", err, "AccessDenied")
	_, err = ns3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &g.bucket, Prefix: aws.String("private/" + mia.identityID + "/")})
	wantS3Code(t, "noa lists mia's folder", err, "AccessDenied")
	_, err = ms3.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &g.bucket, Prefix: aws.String("private/")})
	wantS3Code(t, "listing every private folder", err, "AccessDenied")

	// A copy within the folder is stamped with its writer too.
	cp := "private/" + mia.identityID + "/copy.jpg"
	result(ms3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &g.bucket, Key: &cp, CopySource: aws.String(g.bucket + "/" + own)})).must(t)
	head = result(g.direct().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &g.bucket, Key: &cp})).must(t)
	if head.Metadata["cognate-identity-id"] != mia.identityID || head.Metadata["album"] != "summer" || aws.ToString(head.ContentType) != "image/jpeg" {
		t.Fatalf("copied object's metadata %v (%s)", head.Metadata, aws.ToString(head.ContentType))
	}

	// DeleteObjects checks every key: one of noa's refuses the request.
	noaKey := "private/" + noa.identityID + "/x"
	result(ns3.PutObject(ctx, &s3.PutObjectInput{Bucket: &g.bucket, Key: &noaKey, Body: strings.NewReader("x")})).must(t)
	_, err = ms3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &g.bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: &cp}, {Key: &noaKey}}}})
	wantS3Code(t, "DeleteObjects with another's key", err, "AccessDenied")
	result(g.direct().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &g.bucket, Key: &noaKey})).must(t)
	del := result(ms3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &g.bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: &cp}}}})).must(t)
	if len(del.Deleted) != 1 || len(del.Errors) != 0 {
		t.Fatalf("DeleteObjects = %+v", del)
	}

	// A multipart upload into one's folder, stamped at creation.
	big := "private/" + mia.identityID + "/video.mp4"
	up := result(ms3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &g.bucket, Key: &big})).must(t)
	part1 := bytes.Repeat([]byte("v"), 5<<20)
	var parts []s3types.CompletedPart
	for i, p := range [][]byte{part1, []byte("tail")} {
		out := result(ms3.UploadPart(ctx, &s3.UploadPartInput{Bucket: &g.bucket, Key: &big, UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})).must(t)
		parts = append(parts, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	_, err = ns3.UploadPart(ctx, &s3.UploadPartInput{Bucket: &g.bucket, Key: &big, UploadId: up.UploadId, PartNumber: aws.Int32(3), Body: strings.NewReader("evil")})
	wantS3Code(t, "noa uploads a part of mia's upload", err, "AccessDenied")
	result(ms3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &g.bucket, Key: &big, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})).must(t)
	head = result(g.direct().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &g.bucket, Key: &big})).must(t)
	if aws.ToInt64(head.ContentLength) != 5<<20+4 || head.Metadata["cognate-sub"] != mia.sub {
		t.Fatalf("multipart object: %d bytes, metadata %v", aws.ToInt64(head.ContentLength), head.Metadata)
	}

	// Presigned URLs: one's own object opens, another's does not.
	pre := s3.NewPresignClient(ms3)
	ownURL := result(pre.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &own})).must(t)
	if code, text := fetch(t, g.gateway.Client(), ownURL.URL); code != 200 || text != string(body) {
		t.Fatalf("presigned GET of own object: %d %s", code, text)
	}
	otherURL := result(pre.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &noaKey})).must(t)
	if code, text := fetch(t, g.gateway.Client(), otherURL.URL); code != 403 || !strings.Contains(text, "<Code>AccessDenied</Code>") || !strings.Contains(text, "<RequestId>") {
		t.Fatalf("presigned GET of another's object: %d %s", code, text)
	}

	// Forged credentials are refused before anything is forwarded.
	forged := mia.creds
	forged.SecretAccessKey = "x" + forged.SecretAccessKey[1:]
	_, err = g.s3(forged).GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &own})
	wantS3Code(t, "a forged signature", err, "SignatureDoesNotMatch")
	unknown := aws.Credentials{AccessKeyID: "AKIAUNKNOWNKEY000000", SecretAccessKey: "x"}
	_, err = g.s3(unknown).GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &own})
	wantS3Code(t, "an unknown access key", err, "InvalidAccessKeyId")

	// The audit log names both ids for writes and refusals.
	var events struct {
		Events []struct {
			EventType, Username, Sub, UserPoolId, IdentityId string
			Details                                          map[string]string
		}
	}
	result(0, g.admin("ListAuditEvents", map[string]any{"IdentityId": noa.identityID}, &events)).must(t)
	var denied, written bool
	for _, e := range events.Events {
		switch e.EventType {
		case "S3AccessDenied":
			denied = denied || (e.Username == "noa" && e.Sub == noa.sub && e.UserPoolId == userPoolID && e.Details["Bucket"] == g.bucket)
		case "S3ObjectWritten":
			written = written || (e.Details["Key"] == noaKey && e.Details["Operation"] == "PutObject" && e.Sub == noa.sub)
		}
	}
	if !denied || !written {
		t.Fatalf("noa's audit events (denied %v, written %v): %+v", denied, written, events.Events)
	}

	// The owner of a folder is named from its path.
	var owner struct {
		Users []struct{ Username, Sub string }
	}
	result(0, g.admin("DescribeIdentityOwner", map[string]any{"IdentityId": strings.Split(own, "/")[1]}, &owner)).must(t)
	if len(owner.Users) != 1 || owner.Users[0].Username != "mia" {
		t.Fatalf("owner of %s: %+v", own, owner)
	}
}

func fetch(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestS3GatewayExpiredCredentials: once the session's hour is over, the
// gateway answers ExpiredToken.
func TestS3GatewayExpiredCredentials(t *testing.T) {
	clk := newTestClock()
	g := startGateway(t, false, app.WithClock(clk.Now))
	_, ps := g.people(t, "mia")
	key := "private/" + ps[0].identityID + "/a"
	result(g.s3(ps[0].creds).PutObject(ctx, &s3.PutObjectInput{Bucket: &g.bucket, Key: &key, Body: strings.NewReader("a")})).must(t)
	clk.Advance(61 * time.Minute)
	_, err := g.s3(ps[0].creds).GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &key}, func(o *s3.Options) {
		o.HTTPSignerV4 = clockSigner{o.HTTPSignerV4, clk}
	})
	wantS3Code(t, "expired credentials", err, "ExpiredToken")
}

// clockSigner signs at the test clock's time, so that a request can be
// made "later" than the real clock.
type clockSigner struct {
	s3.HTTPSignerV4
	clk *testClock
}

func (c clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return c.HTTPSignerV4.SignHTTP(ctx, creds, r, payloadHash, service, region, c.clk.Now(), optFns...)
}

// TestS3GatewayOverTLS: over HTTPS the SDK streams uploads as aws-chunked
// with a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER); the
// gateway checks the checksum and forwards the object whole.
func TestS3GatewayOverTLS(t *testing.T) {
	g := startGateway(t, true)
	_, ps := g.people(t, "mia")
	ms3 := g.s3(ps[0].creds)
	for _, size := range []int{0, 1, 100 << 10, 3<<20 + 7} {
		key := "private/" + ps[0].identityID + "/tls-" + strconv.Itoa(size)
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		// An io.Reader that cannot seek: the SDK must stream it.
		result(ms3.PutObject(ctx, &s3.PutObjectInput{Bucket: &g.bucket, Key: &key, Body: io.LimitReader(bytes.NewReader(data), int64(size)),
			ContentLength: aws.Int64(int64(size)), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})).must(t)
		out := result(g.direct().GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &key})).must(t)
		stored, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if !bytes.Equal(stored, data) {
			t.Fatalf("size %d: stored %d bytes", size, len(stored))
		}
	}
}

// streamingPut sends a PUT with a signed aws-chunked body
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), as the AWS SDK for Java and MinIO's
// clients send uploads, with chunks of the given size; tamper may change a
// chunk's data after it is signed.
func streamingPut(t *testing.T, g *gatewayServer, c aws.Credentials, key string, data []byte, chunk int, tamper func(i int, b []byte)) (int, string) {
	t.Helper()
	var chunks [][]byte
	for off := 0; off < len(data); off += chunk {
		chunks = append(chunks, data[off:min(off+chunk, len(data))])
	}
	chunks = append(chunks, nil)
	encoded := 0
	for _, ch := range chunks {
		encoded += len(strconv.FormatInt(int64(len(ch)), 16)) + len(";chunk-signature=") + 64 + 2 + len(ch) + 2
	}
	req, _ := http.NewRequest(http.MethodPut, g.gateway.URL+"/"+g.bucket+"/"+key, nil)
	req.ContentLength = int64(encoded)
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	now := time.Now().UTC()
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).SignHTTP(ctx, c, req,
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "s3", "us-east-1", now); err != nil {
		t.Fatal(err)
	}
	prev := req.Header.Get("Authorization")[strings.LastIndex(req.Header.Get("Authorization"), "Signature=")+len("Signature="):]
	key4 := hmacSHA256([]byte("AWS4"+c.SecretAccessKey), now.Format("20060102"))
	for _, part := range []string{"us-east-1", "s3", "aws4_request"} {
		key4 = hmacSHA256(key4, part)
	}
	scope := now.Format("20060102") + "/us-east-1/s3/aws4_request"
	var body bytes.Buffer
	for i, ch := range chunks {
		sum := sha256.Sum256(ch)
		toSign := "AWS4-HMAC-SHA256-PAYLOAD\n" + now.Format("20060102T150405Z") + "\n" + scope + "\n" + prev + "\n" +
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" + hex.EncodeToString(sum[:])
		prev = hex.EncodeToString(hmacSHA256(key4, toSign))
		sent := append([]byte(nil), ch...)
		if tamper != nil {
			tamper(i, sent)
		}
		body.WriteString(strconv.FormatInt(int64(len(ch)), 16) + ";chunk-signature=" + prev + "\r\n")
		body.Write(sent)
		body.WriteString("\r\n")
	}
	req.Body = io.NopCloser(&body)
	resp, err := g.gateway.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// TestS3GatewaySignedStreaming: every chunk signature of a streaming
// upload is checked; a changed chunk, early or last, stores nothing.
func TestS3GatewaySignedStreaming(t *testing.T) {
	g := startGateway(t, false)
	_, ps := g.people(t, "mia")
	data := bytes.Repeat([]byte("chunked!"), (3<<20)/8+11)
	for _, tc := range []struct {
		name     string
		size     int
		tampered int // the chunk changed after signing, -1 for none
		status   int
	}{
		{"small", 1000, -1, 200},
		{"large", len(data), -1, 200},
		{"first chunk changed", len(data), 0, 403},
		{"last data chunk changed", len(data), 48, 403},
		{"small body changed", 1000, 0, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "private/" + ps[0].identityID + "/" + strings.ReplaceAll(tc.name, " ", "-")
			code, text := streamingPut(t, g, ps[0].creds, key, data[:tc.size], 64<<10, func(i int, b []byte) {
				if i == tc.tampered && len(b) > 0 {
					b[len(b)-1] ^= 1
				}
			})
			if code != tc.status {
				t.Fatalf("HTTP %d %s, want %d", code, text, tc.status)
			}
			out, err := g.direct().GetObject(ctx, &s3.GetObjectInput{Bucket: &g.bucket, Key: &key})
			if tc.status != 200 {
				if !strings.Contains(text, "<Code>SignatureDoesNotMatch</Code>") {
					t.Fatalf("refusal: %s", text)
				}
				wantS3Code(t, "the refused upload in the store", err, "NoSuchKey")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if !bytes.Equal(stored, data[:tc.size]) {
				t.Fatalf("stored %d bytes, sent %d", len(stored), tc.size)
			}
		})
	}
}

// TestS3GatewayLargeDownloads: large bodies (random bytes, so that one
// out of place is seen) arrive whole and in order, whole or in ranges, one
// after another on kept-alive connections.
func TestS3GatewayLargeDownloads(t *testing.T) {
	g := startGateway(t, false)
	_, ps := g.people(t, "mia")
	ms3 := g.s3(ps[0].creds)
	data := make([]byte, 5<<20+13)
	_, _ = rand.Read(data)
	key := "private/" + ps[0].identityID + "/large"
	result(ms3.PutObject(ctx, &s3.PutObjectInput{Bucket: &g.bucket, Key: &key, Body: bytes.NewReader(data)})).must(t)
	for _, tc := range []struct {
		rng  string
		want []byte
	}{
		{"", data},
		{"bytes=1000-", data[1000:]},
		{"bytes=0-1048576", data[:1<<20+1]},
		{"", data},
		{"bytes=-10", data[len(data)-10:]},
		{"", data},
	} {
		in := &s3.GetObjectInput{Bucket: &g.bucket, Key: &key}
		if tc.rng != "" {
			in.Range = aws.String(tc.rng)
		}
		out := result(ms3.GetObject(ctx, in)).must(t)
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Fatalf("range %q: got %d bytes (%v), want %d equal ones", tc.rng, len(got), err, len(tc.want))
		}
	}
}
