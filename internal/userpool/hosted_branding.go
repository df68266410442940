package userpool

import "context"

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
