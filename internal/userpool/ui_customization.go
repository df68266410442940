package userpool

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// maxLogoBytes is the largest logo SetUICustomization accepts: 100 KB, as
// the Cognito developer guide documents for the classic hosted UI.
const maxLogoBytes = 100 * 1024

// uiCustomization is the classic hosted UI branding of a pool or an app
// client, as SetUICustomization stored it. Cognate has no hosted UI: the
// branding is kept and returned, not shown to anyone; the logo is served at
// the ImageUrl Get returns.
type uiCustomization struct {
	CSS        string    `json:"CSS,omitempty"`
	Image      []byte    `json:"Image,omitempty"`
	ImageType  string    `json:"ImageType,omitempty"`
	CSSVersion string    `json:"CSSVersion,omitempty"`
	Created    time.Time `json:"Created"`
	Modified   time.Time `json:"Modified"`
}

// customizableClasses are the CSS classes the classic hosted UI lets a
// pool style; Cognito refuses CSS with any other selector.
var customizableClasses = map[string]bool{
	".background-customizable":             true,
	".banner-customizable":                 true,
	".errorMessage-customizable":           true,
	".idpButton-customizable":              true,
	".idpButton-customizable:hover":        true,
	".idpDescription-customizable":         true,
	".inputField-customizable":             true,
	".inputField-customizable:focus":       true,
	".label-customizable":                  true,
	".legalText-customizable":              true,
	".logo-customizable":                   true,
	".passwordCheck-notValid-customizable": true,
	".passwordCheck-valid-customizable":    true,
	".redirect-customizable":               true,
	".socialButton-customizable":           true,
	".submitButton-customizable":           true,
	".submitButton-customizable:hover":     true,
	".textDescription-customizable":        true,
}

// checkCSS validates hosted UI CSS loosely: a list of rules
// "selectors { declarations }" whose selectors are customizable classes,
// with no at-rules and nothing that could end a <style> element. It does
// not check the declarations themselves.
func checkCSS(css string) error {
	if strings.ContainsAny(css, "<>@\\") {
		return errorf(InvalidParameter, "CSS may contain only rules for the customizable classes: no at-rules, '<', '>' or '\\'.")
	}
	rest := css
	for {
		start := strings.Index(rest, "/*")
		if start < 0 {
			break
		}
		end := strings.Index(rest[start+2:], "*/")
		if end < 0 {
			return errorf(InvalidParameter, "CSS has an unterminated comment.")
		}
		rest = rest[:start] + " " + rest[start+2+end+2:]
	}
	for strings.TrimSpace(rest) != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			return errorf(InvalidParameter, "CSS is not valid: %q has no block.", strings.TrimSpace(rest))
		}
		end := strings.IndexByte(rest[open+1:], '}')
		if end < 0 {
			return errorf(InvalidParameter, "CSS is not valid: a block is not closed.")
		}
		body := rest[open+1 : open+1+end]
		if strings.ContainsRune(body, '{') {
			return errorf(InvalidParameter, "CSS is not valid: nested blocks are not allowed.")
		}
		for _, sel := range strings.Split(rest[:open], ",") {
			sel = strings.TrimSpace(sel)
			if !customizableClasses[sel] {
				return errorf(InvalidParameter, "CSS class %q is not allowed: only the customizable classes of the hosted UI can be styled.", sel)
			}
		}
		rest = rest[open+1+end+1:]
	}
	if strings.ContainsRune(rest, '}') {
		return errorf(InvalidParameter, "CSS is not valid: unbalanced '}'.")
	}
	return nil
}

// logoType returns the media type of a logo: PNG, JPEG or SVG, which the
// hosted UI can show; anything else is InvalidParameterException.
func logoType(img []byte) (string, error) {
	if len(img) > maxLogoBytes {
		return "", errorf(InvalidParameter, "The image file must be no larger than 100 KB.")
	}
	switch t := http.DetectContentType(img); {
	case t == "image/png" || t == "image/jpeg":
		return t, nil
	case strings.HasPrefix(t, "text/xml") || strings.HasPrefix(t, "text/plain"):
		if bytes.Contains(img, []byte("<svg")) {
			return "image/svg+xml", nil
		}
	}
	return "", errorf(InvalidParameter, "The image file must be a PNG, JPEG or SVG image.")
}

// uiOutput is the UICustomization that Set and Get return.
func (s *Service) uiOutput(poolID, clientID string, ui *uiCustomization) *cip.UICustomizationType {
	out := &cip.UICustomizationType{UserPoolId: poolID, ClientId: clientID}
	if ui != nil {
		out.ImageUrl = s.logoURL(poolID, clientID, ui)
		out.CSS = ui.CSS
		out.CSSVersion = ui.CSSVersion
		out.CreationDate = awstime.New(ui.Created)
		out.LastModifiedDate = awstime.New(ui.Modified)
	}
	return out
}

// SetUICustomization sets the classic hosted UI branding (CSS and logo) of
// an app client, or with ClientId ALL or none, of every client without its
// own. The request replaces the whole branding: what it leaves out is
// removed. Cognito requires the pool to have a domain; Cognate, which has
// no hosted UI, does not.
func (s *Service) SetUICustomization(ctx context.Context, in *cip.SetUICustomizationRequest) (*cip.SetUICustomizationResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	key, err := s.settingsClient(ctx, p, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkCSS(in.CSS); err != nil {
		return nil, err
	}
	ui := &uiCustomization{CSS: in.CSS}
	if len(in.ImageFile) > 0 {
		if ui.ImageType, err = logoType(in.ImageFile); err != nil {
			return nil, err
		}
		ui.Image = in.ImageFile
	}
	stale, err := staleClients(ctx, s.store.Clients(), p.rec.ID, p.cfg.UICustomization)
	if err != nil {
		return nil, err
	}
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		now := s.now()
		ui.Created, ui.Modified = now, now
		m := make(map[string]*uiCustomization, len(cfg.UICustomization)+1)
		for k, v := range cfg.UICustomization {
			m[k] = v
		}
		if old := m[key]; old != nil {
			ui.Created = old.Created
		}
		ui.CSSVersion = strconv.FormatInt(now.UnixMilli(), 10)
		m[key] = ui
		for _, id := range stale {
			delete(m, id)
		}
		cfg.UICustomization = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.SetUICustomizationResponse{UICustomization: s.uiOutput(p.rec.ID, key, ui)}, nil
}

// GetUICustomization returns the branding of an app client, or the
// pool-wide (ALL) branding when the client has none of its own or no
// client is named. With no branding set it returns just the ids.
func (s *Service) GetUICustomization(ctx context.Context, in *cip.GetUICustomizationRequest) (*cip.GetUICustomizationResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	key, err := s.settingsClient(ctx, p, in.ClientId)
	if err != nil {
		return nil, err
	}
	ui := p.cfg.UICustomization[key]
	if ui == nil && key != allClients {
		if all := p.cfg.UICustomization[allClients]; all != nil {
			key, ui = allClients, all
		}
	}
	return &cip.GetUICustomizationResponse{UICustomization: s.uiOutput(p.rec.ID, key, ui)}, nil
}

// UILogo returns the logo that SetUICustomization stored for a pool (key
// "ALL") or an app client, with its media type and when it was set, for
// the public ImageUrl; ok is false when there is none.
func (s *Service) UILogo(ctx context.Context, poolID, key string) (img []byte, mediaType string, modified time.Time, ok bool, err error) {
	p, err := s.loadPool(ctx, poolID)
	var perr *Error
	if errors.As(err, &perr) {
		return nil, "", time.Time{}, false, nil
	}
	if err != nil {
		return nil, "", time.Time{}, false, err
	}
	ui := p.cfg.UICustomization[key]
	if ui == nil || len(ui.Image) == 0 {
		return nil, "", time.Time{}, false, nil
	}
	if key != allClients {
		if _, _, err := s.loadClientOfPool(ctx, poolID, key); err != nil {
			if errors.As(err, &perr) {
				err = nil
			}
			return nil, "", time.Time{}, false, err
		}
	}
	return ui.Image, ui.ImageType, ui.Modified, true, nil
}

// logoURL is the ImageUrl of a stored logo: served by this server, with
// the CSS version in the query so that a new logo gets a new URL.
func (s *Service) logoURL(poolID, key string, ui *uiCustomization) string {
	if ui == nil || len(ui.Image) == 0 {
		return ""
	}
	return s.publicURL + "/" + poolID + "/ui-customization/" + key + "/logo?v=" + ui.CSSVersion
}
