package app_test

import (
	"bytes"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// settingsOf decodes a branding style's Settings document.
func settingsOf(t *testing.T, b *types.ManagedLoginBrandingType) map[string]any {
	t.Helper()
	if b.Settings == nil {
		return nil
	}
	var m map[string]any
	if err := b.Settings.UnmarshalSmithyDocument(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at returns the value at a path of a decoded JSON document.
func docAt(doc map[string]any, path ...string) any {
	var v any = doc
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestManagedLoginBranding(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		other, _ := s.appClient(poolID, false)
		before := time.Now().Add(-time.Second)
		logo := pngLogo(200)
		var err error

		// A style with its own settings and a logo.
		created := result(s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			Settings: document.NewLazyDocument(map[string]any{
				"components": map[string]any{"primaryButton": map[string]any{"lightMode": map[string]any{
					"defaults": map[string]any{"backgroundColor": "ff0000ff"}}}},
			}),
			Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeLight,
				Extension: types.AssetExtensionTypePng, Bytes: logo}},
		})).must(t).ManagedLoginBranding
		id := aws.ToString(created.ManagedLoginBrandingId)
		if !uuidV4.MatchString(id) || aws.ToString(created.UserPoolId) != poolID || created.UseCognitoProvidedValues ||
			created.CreationDate == nil || created.CreationDate.Before(before) || len(created.Assets) != 1 ||
			!bytes.Equal(created.Assets[0].Bytes, logo) {
			t.Fatalf("created %+v", created)
		}
		if got := docAt(settingsOf(t, created), "components", "primaryButton", "lightMode", "defaults", "backgroundColor"); got != "ff0000ff" {
			t.Fatalf("created settings: button color %v", got)
		}
		if docAt(settingsOf(t, created), "categories") != nil {
			t.Fatalf("unmerged settings carry the defaults: %v", settingsOf(t, created))
		}

		// One style per client.
		_, err = s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), UseCognitoProvidedValues: true})
		wantCode(t, err, "ManagedLoginBrandingExistsException", clientID)

		// Described by id and by client; merged over the defaults on request.
		byID := result(s.idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id)})).must(t).ManagedLoginBranding
		byClient := result(s.idp.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t).ManagedLoginBranding
		if aws.ToString(byID.ManagedLoginBrandingId) != id || aws.ToString(byClient.ManagedLoginBrandingId) != id ||
			!reflect.DeepEqual(settingsOf(t, byID), settingsOf(t, created)) || len(byClient.Assets) != 1 {
			t.Fatalf("described %+v / %+v", byID, byClient)
		}
		merged := settingsOf(t, result(s.idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id), ReturnMergedResources: true,
		})).must(t).ManagedLoginBranding)
		if docAt(merged, "components", "primaryButton", "lightMode", "defaults", "backgroundColor") != "ff0000ff" ||
			docAt(merged, "components", "primaryButton", "lightMode", "defaults", "textColor") != "ffffffff" ||
			docAt(merged, "categories", "global", "colorSchemeMode") != "LIGHT" {
			t.Fatalf("merged settings %v", merged)
		}

		// The login pages' view: merged settings and the images.
		b, err := s.app.UserPools().Branding(ctx, poolID, clientID)
		if err != nil {
			t.Fatal(err)
		}
		img, ok := b.Asset("FORM_LOGO", "LIGHT")
		if b.ID != id || b.Setting("components", "primaryButton", "lightMode", "defaults", "backgroundColor") != "ff0000ff" ||
			b.Setting("components", "form", "borderRadius") != float64(8) || !ok || img.MediaType != "image/png" ||
			!bytes.Equal(img.Bytes, logo) {
			t.Fatalf("Branding %+v", b)
		}
		if _, ok := b.Asset("FORM_LOGO", "DARK"); ok {
			t.Fatal("a dark logo that was never set")
		}
		plain, err := s.app.UserPools().Branding(ctx, poolID, other)
		if err != nil || plain.ID != "" || plain.Setting("categories", "global", "colorSchemeMode") != "LIGHT" || len(plain.Assets) != 0 {
			t.Fatalf("Branding of a client without a style: %+v, %v", plain, err)
		}
		if _, err := s.app.UserPools().Branding(ctx, poolID, "nosuchclient1234567890abcd"); err == nil {
			t.Fatal("Branding of a missing client")
		}

		// An update keeps what it leaves out: settings merge, assets add up.
		icon := []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")
		updated := result(s.idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id),
			Settings: document.NewLazyDocument(map[string]any{"categories": map[string]any{"global": map[string]any{"colorSchemeMode": "DARK"}}}),
			Assets: []types.AssetType{{Category: types.AssetCategoryTypeFaviconSvg, ColorMode: types.ColorSchemeModeTypeDynamic,
				Extension: types.AssetExtensionTypeSvg, Bytes: icon}},
		})).must(t).ManagedLoginBranding
		got := settingsOf(t, updated)
		if docAt(got, "categories", "global", "colorSchemeMode") != "DARK" ||
			docAt(got, "components", "primaryButton", "lightMode", "defaults", "backgroundColor") != "ff0000ff" || len(updated.Assets) != 2 ||
			!updated.LastModifiedDate.After(*updated.CreationDate) && !updated.LastModifiedDate.Equal(*updated.CreationDate) {
			t.Fatalf("updated %+v, settings %v", updated, got)
		}
		// UseCognitoProvidedValues resets the style; it cannot come with values.
		_, err = s.idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id), UseCognitoProvidedValues: true,
			Settings: document.NewLazyDocument(map[string]any{"a": 1})})
		wantCode(t, err, "InvalidParameterException", "UseCognitoProvidedValues")
		reset := result(s.idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id), UseCognitoProvidedValues: true,
		})).must(t).ManagedLoginBranding
		if !reset.UseCognitoProvidedValues || len(reset.Assets) != 0 || settingsOf(t, reset) != nil {
			t.Fatalf("reset %+v", reset)
		}

		// Bad values.
		for name, in := range map[string]*cip.CreateManagedLoginBrandingInput{
			"defaults with settings": {UseCognitoProvidedValues: true, Settings: document.NewLazyDocument(map[string]any{"a": 1})},
			"settings not an object": {Settings: document.NewLazyDocument([]any{1, 2})},
			"not a PNG": {Assets: []types.AssetType{{Category: types.AssetCategoryTypePageHeaderLogo,
				ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: []byte("GIF89a....")}}},
			"favicon of the wrong type": {Assets: []types.AssetType{{Category: types.AssetCategoryTypeFaviconIco,
				ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: logo}}},
			"an asset twice": {Assets: []types.AssetType{
				{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeDark, Extension: types.AssetExtensionTypePng, Bytes: logo},
				{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeDark, Extension: types.AssetExtensionTypePng, Bytes: logo}}},
			"no bytes": {Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo,
				ColorMode: types.ColorSchemeModeTypeDark, Extension: types.AssetExtensionTypePng}}},
		} {
			in.UserPoolId, in.ClientId = aws.String(poolID), aws.String(other)
			_, err := s.idp.CreateManagedLoginBranding(ctx, in)
			if err == nil {
				t.Fatalf("%s: created", name)
			}
			wantCode(t, err, "InvalidParameterException", "")
		}
		_, err = s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(other),
			Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeDark,
				Extension: types.AssetExtensionTypePng, Bytes: pngLogo(1000001)}}})
		wantCode(t, err, "InvalidParameterException", "")

		// Missing things.
		_, err = s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String("nosuchclient1234567890abcd")})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
			UserPoolId: aws.String("us-east-1_nope"), ClientId: aws.String(clientID)})
		wantCode(t, err, "ResourceNotFoundException", "")
		missing := "8d5c9a1e-3b1f-4c2a-9e6f-0a1b2c3d4e5f"
		_, err = s.idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(missing)})
		wantCode(t, err, "ResourceNotFoundException", missing)
		_, err = s.idp.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(other)})
		wantCode(t, err, "ResourceNotFoundException", other)
		_, err = s.idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(missing)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: aws.String(poolID)})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String("not-a-uuid")})
		wantCode(t, err, "InvalidParameterException", "")

		// Deleted, then free to create again; a deleted client's style goes with it.
		result(s.idp.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id)})).must(t)
		_, err = s.idp.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: aws.String(id)})
		wantCode(t, err, "ResourceNotFoundException", "")
		again := result(s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), UseCognitoProvidedValues: true,
		})).must(t).ManagedLoginBranding
		if !again.UseCognitoProvidedValues || aws.ToString(again.ManagedLoginBrandingId) == id {
			t.Fatalf("created again %+v", again)
		}
		result(s.idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t)
		_, err = s.idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{
			UserPoolId: aws.String(poolID), ManagedLoginBrandingId: again.ManagedLoginBrandingId})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}
