package userpool

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// docBranding is the ClientDocument kind of managed login branding styles.
const docBranding = "branding"

// Asset limits of a branding style, as the API reference documents them:
// at most 40 assets of at most 1,000,000 bytes each.
const (
	maxBrandingAssets = 40
	maxAssetBytes     = 1000000
)

// defaultBrandingJSON is Cognate's default branding settings document, in
// the shape of the managed login branding editor's Settings: what
// UseCognitoProvidedValues selects and what ReturnMergedResources merges
// a style's own settings into.
//
//go:embed branding_defaults.json
var defaultBrandingJSON []byte

// storedBranding is a managed login branding style as a ClientDocument's
// body keeps it.
type storedBranding struct {
	UseDefaults bool            `json:"UseDefaults,omitempty"`
	Settings    json.RawMessage `json:"Settings,omitempty"`
	Assets      []storedAsset   `json:"Assets,omitempty"`
}

// storedAsset is one image of a branding style.
type storedAsset struct {
	Category   string `json:"Category"`
	ColorMode  string `json:"ColorMode"`
	Extension  string `json:"Extension"`
	Bytes      []byte `json:"Bytes,omitempty"`
	ResourceID string `json:"ResourceId,omitempty"`
}

// Branding is the managed login branding that applies to an app client,
// for the login pages: Settings is the style's settings document merged
// over Cognate's defaults (the defaults alone when the client has no
// style, or when the style uses Cognito-provided values), and Assets its
// images. ID is "" when the client has no style.
type Branding struct {
	ID       string
	Settings map[string]any
	Assets   []BrandingAsset
	Modified time.Time
}

// BrandingAsset is one image of a branding style. MediaType is the
// Content-Type to serve Bytes with.
type BrandingAsset struct {
	Category  string // FAVICON_ICO, PAGE_HEADER_LOGO, FORM_LOGO, ...
	ColorMode string // LIGHT, DARK or DYNAMIC
	Extension string // ICO, JPEG, PNG, SVG or WEBP
	MediaType string
	Bytes     []byte
}

// Asset returns the style's image of a category for a color mode (falling
// back to the DYNAMIC one), and whether there is one.
func (b *Branding) Asset(category, colorMode string) (BrandingAsset, bool) {
	var dynamic *BrandingAsset
	for i, a := range b.Assets {
		if a.Category != category {
			continue
		}
		if a.ColorMode == colorMode {
			return a, true
		}
		if a.ColorMode == "DYNAMIC" {
			dynamic = &b.Assets[i]
		}
	}
	if dynamic != nil {
		return *dynamic, true
	}
	return BrandingAsset{}, false
}

// Setting returns the value at a path of the merged settings document
// (Setting("components", "primaryButton", "lightMode", "defaults",
// "backgroundColor") is a color such as "0972d3ff"), or nil.
func (b *Branding) Setting(path ...string) any {
	var v any = b.Settings
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Branding returns the managed login branding of an app client of a pool,
// for the login pages to render: its merged settings and its images. A
// client without a style gets Cognate's defaults. A missing pool or
// client is ResourceNotFoundException.
func (s *Service) Branding(ctx context.Context, poolID, clientID string) (*Branding, error) {
	if _, _, err := s.loadClientOfPool(ctx, poolID, clientID); err != nil {
		return nil, err
	}
	d, err := s.store.ClientDocuments().Find(ctx, poolID, clientID, docBranding, "")
	if errors.Is(err, storage.ErrNotFound) {
		settings, err := mergedSettings(nil)
		return &Branding{Settings: settings}, err
	}
	if err != nil {
		return nil, err
	}
	b, err := decodeBranding(d)
	if err != nil {
		return nil, err
	}
	out := &Branding{ID: d.ID, Modified: d.UpdatedAt}
	if out.Settings, err = mergedSettings(b.Settings); err != nil {
		return nil, err
	}
	for _, a := range b.Assets {
		out.Assets = append(out.Assets, BrandingAsset{
			Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension,
			MediaType: assetMediaType[a.Extension], Bytes: a.Bytes,
		})
	}
	return out, nil
}

// assetMediaType is the media type of each asset extension.
var assetMediaType = map[string]string{
	"ICO": "image/x-icon", "JPEG": "image/jpeg", "PNG": "image/png", "SVG": "image/svg+xml", "WEBP": "image/webp",
}

func decodeBranding(d storage.ClientDocument) (*storedBranding, error) {
	var b storedBranding
	if err := json.Unmarshal(d.Body, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// mergedSettings returns settings merged over the defaults (see
// mergeJSON) as a generic document.
func mergedSettings(settings json.RawMessage) (map[string]any, error) {
	var base map[string]any
	if err := json.Unmarshal(defaultBrandingJSON, &base); err != nil {
		return nil, err
	}
	if len(settings) == 0 {
		return base, nil
	}
	var own map[string]any
	if err := json.Unmarshal(settings, &own); err != nil {
		return nil, err
	}
	return mergeJSON(base, own), nil
}

// mergeJSON merges over into base: objects key by key, recursively; any
// other value of over (arrays included) replaces base's; a null removes
// the key. It changes and returns base.
func mergeJSON(base, over map[string]any) map[string]any {
	if base == nil {
		base = map[string]any{}
	}
	for k, v := range over {
		if v == nil {
			delete(base, k)
			continue
		}
		if om, ok := v.(map[string]any); ok {
			if bm, ok := base[k].(map[string]any); ok {
				base[k] = mergeJSON(bm, om)
				continue
			}
		}
		base[k] = v
	}
	return base
}

// checkSettings accepts a Settings document that is absent, null or a
// JSON object, and returns it compacted (nil when absent or null).
func checkSettings(doc json.RawMessage) (json.RawMessage, error) {
	doc = bytes.TrimSpace(doc)
	if len(doc) == 0 || string(doc) == "null" {
		return nil, nil
	}
	var m map[string]any
	if doc[0] != '{' || json.Unmarshal(doc, &m) != nil {
		return nil, errorf(InvalidParameter, "Settings must be a JSON object.")
	}
	return json.Marshal(m)
}

// checkAssets validates a request's assets: each category and color mode
// once, an image of the kind its extension names, favicons of their own
// type. An asset without Bytes keeps the image of the same category and
// color mode in old (on update); with none there, it is refused.
func checkAssets(in []cip.AssetType, old []storedAsset) ([]storedAsset, error) {
	if len(in) > maxBrandingAssets {
		return nil, errorf(InvalidParameter, "A branding style can have at most %d assets.", maxBrandingAssets)
	}
	seen := map[string]bool{}
	out := make([]storedAsset, 0, len(in))
	for _, a := range in {
		key := a.Category + "/" + a.ColorMode
		if seen[key] {
			return nil, errorf(InvalidParameter, "Asset %s is given twice for color mode %s.", a.Category, a.ColorMode)
		}
		seen[key] = true
		st := storedAsset{Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension, Bytes: a.Bytes, ResourceID: a.ResourceId}
		if len(st.Bytes) == 0 {
			for _, o := range old {
				if o.Category == a.Category && o.ColorMode == a.ColorMode {
					st.Bytes = o.Bytes
				}
			}
		}
		if err := checkAsset(st); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func checkAsset(a storedAsset) error {
	switch {
	case len(a.Bytes) == 0:
		return errorf(InvalidParameter, "Asset %s has no Bytes.", a.Category)
	case len(a.Bytes) > maxAssetBytes:
		return errorf(InvalidParameter, "Asset %s is larger than %d bytes.", a.Category, maxAssetBytes)
	case a.Category == "FAVICON_ICO" && a.Extension != "ICO", a.Category == "FAVICON_SVG" && a.Extension != "SVG":
		return errorf(InvalidParameter, "Asset %s must have the extension %s.", a.Category, a.Category[len("FAVICON_"):])
	}
	sniffed := http.DetectContentType(a.Bytes)
	ok := sniffed == assetMediaType[a.Extension]
	if a.Extension == "SVG" {
		ok = bytes.Contains(a.Bytes, []byte("<svg"))
	}
	if !ok {
		return errorf(InvalidParameter, "Asset %s is not a %s image.", a.Category, a.Extension)
	}
	return nil
}

// mergeAssets returns old with each of the new assets added, or replacing
// the one of the same category and color mode.
func mergeAssets(old, add []storedAsset) []storedAsset {
	out := append([]storedAsset(nil), old...)
next:
	for _, a := range add {
		for i, o := range out {
			if o.Category == a.Category && o.ColorMode == a.ColorMode {
				out[i] = a
				continue next
			}
		}
		out = append(out, a)
	}
	return out
}
