package app

import (
	"net/http"
	"regexp"
	"strconv"
)

var logoKeyPattern = regexp.MustCompile(`^[\w+]{1,128}$`)

// uiLogo serves the logo SetUICustomization stored for a pool ("ALL") or
// an app client: the ImageUrl of GetUICustomization. The image is served
// as an image only: no sniffing, and an SVG may run no script.
func (a *App) uiLogo(w http.ResponseWriter, r *http.Request) {
	poolID, key := r.PathValue("pool"), r.PathValue("client")
	if !poolIDPattern.MatchString(poolID) || !logoKeyPattern.MatchString(key) {
		http.NotFound(w, r)
		return
	}
	img, mediaType, modified, ok, err := a.users.UILogo(r.Context(), poolID, key)
	if err != nil {
		a.log.Error("ui logo", "pool", poolID, "err", err)
		http.Error(w, "Internal server error.", http.StatusInternalServerError)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Length", strconv.Itoa(len(img)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(img)
}
