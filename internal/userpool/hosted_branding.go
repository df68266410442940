package userpool

import (
	"context"
	"strings"
)

// ClassicUI returns the classic UI customization the managed login pages
// show for a client: its own, else the pool's (ALL): the CSS, validated
// when it was set, and the URL of the logo ("" for none).
func (s *Service) ClassicUI(ctx context.Context, poolID, clientID string) (css, logoURL string) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return "", ""
	}
	key := clientID
	ui := p.cfg.UICustomization[key]
	if ui == nil {
		key, ui = allClients, p.cfg.UICustomization[allClients]
	}
	if ui == nil {
		return "", ""
	}
	if len(ui.Image) > 0 {
		logoURL = s.publicURL + "/" + poolID + "/ui-customization/" + key + "/logo"
	}
	return ui.CSS, logoURL
}

// DomainLoginVersion returns the ManagedLoginVersion of a pool's domain:
// 1 for the classic hosted UI (UI customization styles the pages), 2 for
// managed login (branding styles do); 1 when there is no such domain.
func (s *Service) DomainLoginVersion(ctx context.Context, poolID, domain string) int32 {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return 1
	}
	d, _ := p.cfg.domain(strings.ToLower(domain))
	if d == nil || d.ManagedLoginVersion == 0 {
		return 1
	}
	return d.ManagedLoginVersion
}
