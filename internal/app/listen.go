package app

import (
	"net"

	"github.com/cognate-dev/cognate/internal/config"
)

// Listen opens the TCP listener for cfg.Listen. With port 0 the kernel
// picks a free port; cfg.Listen then becomes the bound address and, when
// cfg.PublicURL is the default derived from it ("http://" + Listen), so
// does the public URL, so that issuer and JWKS URLs name a reachable port.
// Call it before New, which reads cfg.PublicURL.
func Listen(cfg *config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, err
	}
	bound := ln.Addr().String()
	if cfg.PublicURL == "http://"+cfg.Listen {
		cfg.PublicURL = "http://" + bound
	}
	cfg.Listen = bound
	return ln, nil
}
