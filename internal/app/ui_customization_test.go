package app_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// pngLogo is the 8-byte PNG signature followed by filler: enough for the
// server to recognise a PNG.
func pngLogo(n int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, n)...)
}

func TestUICustomization(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		other, _ := s.appClient(poolID, false)
		get := func(client string) *cip.GetUICustomizationOutput {
			t.Helper()
			in := &cip.GetUICustomizationInput{UserPoolId: aws.String(poolID)}
			if client != "" {
				in.ClientId = aws.String(client)
			}
			return result(s.idp.GetUICustomization(ctx, in)).must(t)
		}

		// Nothing set: just the ids.
		if ui := get("").UICustomization; aws.ToString(ui.UserPoolId) != poolID || aws.ToString(ui.ClientId) != "ALL" ||
			ui.CSS != nil || ui.CreationDate != nil {
			t.Fatalf("unset pool branding %+v", ui)
		}
		if ui := get(clientID).UICustomization; aws.ToString(ui.ClientId) != clientID || ui.CSS != nil {
			t.Fatalf("unset client branding %+v", ui)
		}

		// Pool-wide branding; clients without their own fall back to it.
		before := time.Now().Add(-time.Second)
		allCSS := ".logo-customizable { max-width: 60%; }\n.banner-customizable, .label-customizable { color: #333 }"
		set := result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String("ALL"), CSS: aws.String(allCSS), ImageFile: pngLogo(100)})).must(t).UICustomization
		if aws.ToString(set.ClientId) != "ALL" || aws.ToString(set.CSS) != allCSS || aws.ToString(set.CSSVersion) == "" ||
			set.CreationDate == nil || set.CreationDate.Before(before) || set.LastModifiedDate == nil {
			t.Fatalf("SetUICustomization ALL %+v", set)
		}
		if ui := get("").UICustomization; aws.ToString(ui.CSS) != allCSS || aws.ToString(ui.ClientId) != "ALL" {
			t.Fatalf("pool branding %+v", ui)
		}
		if ui := get(clientID).UICustomization; aws.ToString(ui.CSS) != allCSS || aws.ToString(ui.ClientId) != "ALL" {
			t.Fatalf("client falls back to ALL: %+v", ui)
		}
		// The logo is served at ImageUrl, as an image and nothing else.
		logo := fetchLogo(t, s, aws.ToString(set.ImageUrl), http.StatusOK)
		if !bytes.Equal(logo.body, pngLogo(100)) || logo.header.Get("Content-Type") != "image/png" ||
			logo.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(logo.header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("logo %d bytes, header %v", len(logo.body), logo.header)
		}
		if got := aws.ToString(get(clientID).UICustomization.ImageUrl); got != aws.ToString(set.ImageUrl) {
			t.Fatalf("client's fallback ImageUrl %q, want %q", got, aws.ToString(set.ImageUrl))
		}

		// A client's own branding replaces the pool's for that client only.
		clientCSS := "/* mine */ .submitButton-customizable:hover { background: red; }"
		result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), CSS: aws.String(clientCSS)})).must(t)
		if ui := get(clientID).UICustomization; aws.ToString(ui.CSS) != clientCSS || aws.ToString(ui.ClientId) != clientID {
			t.Fatalf("client branding %+v", ui)
		}
		if ui := get(other).UICustomization; aws.ToString(ui.CSS) != allCSS {
			t.Fatalf("other client %+v", ui)
		}
		if ui := get(clientID).UICustomization; ui.ImageUrl != nil {
			t.Fatalf("client branding without a logo has ImageUrl %q", aws.ToString(ui.ImageUrl))
		}
		fetchLogo(t, s, strings.Replace(aws.ToString(set.ImageUrl), "/ALL/", "/"+clientID+"/", 1), http.StatusNotFound)
		fetchLogo(t, s, strings.Replace(aws.ToString(set.ImageUrl), poolID, "us-east-1_nothere00", 1), http.StatusNotFound)

		// Setting again keeps the creation date and replaces the rest.
		first := get("").UICustomization
		time.Sleep(5 * time.Millisecond)
		again := result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID),
			CSS: aws.String(".background-customizable{}")})).must(t).UICustomization
		if !again.CreationDate.Equal(*first.CreationDate) || !again.LastModifiedDate.After(*first.LastModifiedDate) ||
			aws.ToString(again.CSSVersion) == aws.ToString(first.CSSVersion) {
			t.Fatalf("second set %+v after %+v", again, first)
		}

		// UpdateUserPool keeps the branding.
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})).must(t)
		if ui := get(clientID).UICustomization; aws.ToString(ui.CSS) != clientCSS {
			t.Fatalf("after UpdateUserPool %+v", ui)
		}

		// Errors.
		_, err := s.idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String("us-east-1_nothere00")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(poolID), ClientId: aws.String("nosuchclient")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID), ClientId: aws.String("nosuchclient")})
		wantCode(t, err, "ResourceNotFoundException", "")
		foreign := s.pool(nil)
		_, err = s.idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(foreign), ClientId: aws.String(clientID)})
		wantCode(t, err, "ResourceNotFoundException", "")

		for name, css := range map[string]string{
			"unknown class":  ".evil { color: red }",
			"tag selector":   "body { color: red }",
			"at-rule":        "@import url(x.css); .logo-customizable {}",
			"style breakout": ".logo-customizable { content: '</style><script>' }",
			"unclosed":       ".logo-customizable { color: red",
			"stray brace":    ".logo-customizable { color: red } }",
		} {
			_, err = s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID), CSS: aws.String(css)})
			if err == nil {
				t.Fatalf("%s: CSS %q accepted", name, css)
			}
			wantCode(t, err, "InvalidParameterException", "")
		}
		_, err = s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID), ImageFile: []byte("GIF89a not a logo")})
		wantCode(t, err, "InvalidParameterException", "PNG, JPEG or SVG")
		_, err = s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID), ImageFile: pngLogo(101 * 1024)})
		wantCode(t, err, "InvalidParameterException", "100 KB")
		// An SVG logo is fine; the failed calls changed nothing.
		result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(other), ImageFile: []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)})).must(t)
		if ui := get("").UICustomization; aws.ToString(ui.CSS) != ".background-customizable{}" {
			t.Fatalf("after refused calls %+v", ui)
		}
		svg := fetchLogo(t, s, aws.ToString(get(other).UICustomization.ImageUrl), http.StatusOK)
		if svg.header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("SVG logo served as %q", svg.header.Get("Content-Type"))
		}
		// The pool-wide branding was replaced without a logo: its URL is gone.
		fetchLogo(t, s, aws.ToString(set.ImageUrl), http.StatusNotFound)
	})
}

// TestUICustomizationDeletedClient: the branding of a deleted client is not
// reachable, and a later Set drops it from the pool.
func TestUICustomizationDeletedClient(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), CSS: aws.String(".logo-customizable{}")})).must(t)
		result(s.idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t)
		_, err := s.idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
		wantCode(t, err, "ResourceNotFoundException", "")
		result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(poolID)})).must(t)
	})
}

type fetched struct {
	header http.Header
	body   []byte
}

// fetchLogo GETs an ImageUrl from the test server and checks the status.
func fetchLogo(t *testing.T, s *server, url string, status int) fetched {
	t.Helper()
	path, ok := strings.CutPrefix(url, testPublicURL)
	if !ok {
		t.Fatalf("ImageUrl %q is not under %s", url, testPublicURL)
	}
	resp, err := s.http.Client().Get(s.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: HTTP %d, want %d: %s", path, resp.StatusCode, status, body)
	}
	return fetched{resp.Header, body}
}
