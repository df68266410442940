package loginui

import (
	"encoding/base64"
	"html/template"

	qrcode "github.com/skip2/go-qrcode"
)

// QR returns a data: URL of a PNG QR code of text (an otpauth:// URI), for
// an <img> the CSP allows without any script.
func QR(text string) (template.URL, error) {
	png, err := qrcode.Encode(text, qrcode.Medium, 192)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}
