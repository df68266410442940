package app

import (
	"fmt"
	"net"

	"github.com/cognate-dev/cognate/internal/config"
)

// Listen opens cfg.Listen. When the public URL was derived from the listen
// address (no --public-url given) it is rewritten to the address actually
// bound, so "--listen 127.0.0.1:0" yields issuers with the real port.
// Call it before New and pass the listener to Serve.
func Listen(cfg *config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("app: listen: %w", err)
	}
	if cfg.PublicURL == cfg.Scheme()+"://"+cfg.Listen {
		cfg.PublicURL = cfg.Scheme() + "://" + ln.Addr().String()
	}
	return ln, nil
}
