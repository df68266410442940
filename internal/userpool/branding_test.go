package userpool

import (
	"encoding/json"
	"reflect"
	"testing"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

func TestMergeJSON(t *testing.T) {
	for _, tt := range []struct{ name, base, over, want string }{
		{"adds", `{"a":1}`, `{"b":2}`, `{"a":1,"b":2}`},
		{"deep", `{"a":{"x":1,"y":2}}`, `{"a":{"y":3}}`, `{"a":{"x":1,"y":3}}`},
		{"array replaces", `{"a":[1,2]}`, `{"a":[3]}`, `{"a":[3]}`},
		{"object replaces scalar", `{"a":1}`, `{"a":{"b":1}}`, `{"a":{"b":1}}`},
		{"null removes", `{"a":{"x":1,"y":2}}`, `{"a":{"x":null}}`, `{"a":{"y":2}}`},
		{"empty base", `null`, `{"a":1}`, `{"a":1}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base, over, want := decodeObject(t, tt.base), decodeObject(t, tt.over), decodeObject(t, tt.want)
			if got := mergeJSON(base, over); !reflect.DeepEqual(got, want) {
				t.Errorf("merge %s into %s = %v, want %v", tt.over, tt.base, got, want)
			}
		})
	}
}

func decodeObject(t *testing.T, raw string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheckAssets(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)
	ico := []byte{0, 0, 1, 0, 1, 0, 16, 16}
	asset := func(cat, mode, ext string, b []byte) cip.AssetType {
		return cip.AssetType{Category: cat, ColorMode: mode, Extension: ext, Bytes: b}
	}
	old := []storedAsset{{Category: "FORM_LOGO", ColorMode: "DARK", Extension: "PNG", Bytes: png}}
	for _, tt := range []struct {
		name string
		in   cip.AssetType
		ok   bool
	}{
		{"png", asset("FORM_LOGO", "LIGHT", "PNG", png), true},
		{"svg", asset("FAVICON_SVG", "DYNAMIC", "SVG", svg), true},
		{"ico", asset("FAVICON_ICO", "LIGHT", "ICO", ico), true},
		{"kept bytes", asset("FORM_LOGO", "DARK", "PNG", nil), true},
		{"no bytes", asset("FORM_LOGO", "LIGHT", "PNG", nil), false},
		{"png named jpeg", asset("FORM_LOGO", "LIGHT", "JPEG", png), false},
		{"svg that is not", asset("PAGE_BACKGROUND", "LIGHT", "SVG", png), false},
		{"favicon of another type", asset("FAVICON_ICO", "LIGHT", "PNG", png), false},
		{"too large", asset("FORM_LOGO", "LIGHT", "PNG", append(png, make([]byte, maxAssetBytes)...)), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := checkAssets([]cip.AssetType{tt.in}, old)
			if (err == nil) != tt.ok {
				t.Errorf("checkAssets(%s) = %v, want ok %v", tt.name, err, tt.ok)
			}
		})
	}
	if _, err := checkAssets([]cip.AssetType{asset("FORM_LOGO", "LIGHT", "PNG", png), asset("FORM_LOGO", "LIGHT", "PNG", png)}, nil); err == nil {
		t.Error("the same category and color mode twice")
	}
}

func TestBrandingRequest(t *testing.T) {
	yes := true
	old := &storedBranding{Settings: json.RawMessage(`{"a":{"x":1}}`),
		Assets: []storedAsset{{Category: "FORM_LOGO", ColorMode: "LIGHT", Extension: "PNG", Bytes: []byte("\x89PNG\r\n\x1a\n")}}}
	b, err := brandingRequest(nil, json.RawMessage(`{"a":{"y":2}}`), nil, old)
	if err != nil || string(b.Settings) != `{"a":{"x":1,"y":2}}` || len(b.Assets) != 1 || b.UseDefaults {
		t.Fatalf("update: %+v, %v", b, err)
	}
	if b, err := brandingRequest(&yes, nil, nil, old); err != nil || !b.UseDefaults || b.Settings != nil || b.Assets != nil {
		t.Fatalf("reset: %+v, %v", b, err)
	}
	if _, err := brandingRequest(&yes, json.RawMessage(`{}`), nil, nil); err == nil {
		t.Fatal("defaults with settings")
	}
	for _, bad := range []string{`[1]`, `"x"`, `{`, `3`} {
		if _, err := brandingRequest(nil, json.RawMessage(bad), nil, nil); err == nil {
			t.Errorf("settings %s accepted", bad)
		}
	}
}
