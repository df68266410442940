package main

import (
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// web holds the page and its script, built from web/src by `npm run
// build` in web/ (the bundle is committed, so `go run` needs no build).
//
//go:embed web/index.html web/style.css web/dist/app.js
var web embed.FS

func (d *demo) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(web, "web")
	files := http.FileServerFS(static)
	mux.Handle("GET /{$}", files)
	mux.Handle("GET /style.css", files)
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/dist/app.js"
		files.ServeHTTP(w, r2)
	})
	mux.HandleFunc("GET /config.json", d.config)
	mux.HandleFunc("GET /admin", d.admin)
	return securityHeaders(mux)
}

// securityHeaders keeps the pages to their own scripts.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' http://127.0.0.1:* http://localhost:*; img-src 'self' data:; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// config tells the page where Cognate is and which pools to use.
func (d *demo) config(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"endpoint": d.api, "gateway": d.gateway, "region": region, "bucket": d.bucket,
		"userPoolId": d.userPoolID, "userPoolClientId": d.clientID, "identityPoolId": d.identityPoolID,
	})
}

// object is a row of the admin page.
type object struct {
	Key, Size               string
	IdentityID              string
	Username, Email, Sub    string
	StampedIdentity, Reason string
}

// owner names the user behind an identity id through the link
// (CognateAdmin.DescribeIdentityOwner), with their email address.
func (d *demo) owner(ctx context.Context, identityID string) (o object) {
	o.IdentityID = identityID
	var out struct {
		Users []struct {
			UserPoolId, Username, Sub string
			Deleted                   bool
		}
	}
	if err := d.cognateAdmin(ctx, "DescribeIdentityOwner", map[string]string{"IdentityId": identityID}, &out); err != nil {
		o.Reason = "no such identity"
		return o
	}
	if len(out.Users) == 0 {
		o.Reason = "a guest identity"
		return o
	}
	u := out.Users[0]
	o.Username, o.Sub = u.Username, u.Sub
	if u.Deleted {
		o.Reason = "user deleted"
		return o
	}
	got, err := d.idp().AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &u.UserPoolId, Username: &u.Username})
	if err == nil {
		for _, a := range got.UserAttributes {
			if aws.ToString(a.Name) == "email" {
				o.Email = aws.ToString(a.Value)
			}
		}
	}
	return o
}

// identityOfKey reads the identity id out of private/<identity id>/...
func identityOfKey(key string) string {
	rest, ok := strings.CutPrefix(key, "private/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

var adminPage = template.Must(template.New("admin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Who owns what - private folders</title><link rel="stylesheet" href="/style.css"></head>
<body><main>
<h1>Bucket <code>{{.Bucket}}</code></h1>
<p>Every object under <code>private/&lt;identity id&gt;/</code>, with its owner named from the user &harr; identity link
(CognateAdmin.DescribeIdentityOwner), and the writer the S3 gateway stamped on it.</p>
<form method="get" action="/admin" class="who"><label for="key">Who owns this?</label>
<input id="key" name="key" placeholder="private/us-east-1:…/photo.jpg or an identity id" value="{{.Query}}" size="60">
<button type="submit">Name the owner</button></form>
{{with .Answer}}<p class="answer" role="status">{{if .Username}}<strong>{{.Username}}</strong> ({{.Email}}), sub <code>{{.Sub}}</code>, identity <code>{{.IdentityID}}</code>{{else}}No user: {{.Reason}}{{end}}</p>{{end}}
<table><thead><tr><th scope="col">Key</th><th scope="col">Size</th><th scope="col">Owner</th><th scope="col">Email</th><th scope="col">Written by (stamped)</th></tr></thead>
<tbody>{{range .Objects}}<tr><td><code>{{.Key}}</code></td><td>{{.Size}}</td><td>{{if .Username}}{{.Username}}{{else}}<em>{{.Reason}}</em>{{end}}</td><td>{{.Email}}</td><td><code>{{.StampedIdentity}}</code></td></tr>
{{else}}<tr><td colspan="5">No objects yet.</td></tr>{{end}}</tbody></table>
<p><a href="/">Back to the app</a></p>
</main></body></html>`))

// admin lists the bucket with each object's owner.
func (d *demo) admin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data := struct {
		Bucket, Query string
		Answer        *object
		Objects       []object
	}{Bucket: d.bucket, Query: r.URL.Query().Get("key")}
	if q := strings.TrimSpace(data.Query); q != "" {
		id := identityOfKey(q)
		if id == "" {
			id = q
		}
		o := d.owner(ctx, id)
		data.Answer = &o
	}
	client := d.s3()
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &d.bucket})
	if err != nil {
		http.Error(w, "listing the bucket: "+err.Error(), http.StatusBadGateway)
		return
	}
	owners := map[string]object{}
	for _, obj := range list.Contents {
		key := aws.ToString(obj.Key)
		id := identityOfKey(key)
		o, seen := owners[id]
		if !seen {
			o = d.owner(ctx, id)
			owners[id] = o
		}
		o.Key, o.Size = key, humanSize(aws.ToInt64(obj.Size))
		if head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.bucket, Key: obj.Key}); err == nil {
			o.StampedIdentity = head.Metadata["cognate-identity-id"]
		}
		data.Objects = append(data.Objects, o)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = adminPage.Execute(w, data)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
