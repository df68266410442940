package app_test

import (
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

func TestListenPortZeroMovesDefaultPublicURL(t *testing.T) {
	cfg, err := config.Parse("serve", []string{"--listen", "127.0.0.1:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := app.Listen(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if strings.HasSuffix(ln.Addr().String(), ":0") {
		t.Fatalf("bound %s, not a kernel-picked port", ln.Addr())
	}
	if want := "http://" + ln.Addr().String(); cfg.PublicURL != want {
		t.Errorf("PublicURL = %q, want %q", cfg.PublicURL, want)
	}
}

func TestListenKeepsExplicitPublicURL(t *testing.T) {
	cfg, err := config.Parse("serve", []string{"--listen", "127.0.0.1:0", "--public-url", "https://id.example.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := app.Listen(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if cfg.PublicURL != "https://id.example.com" {
		t.Errorf("PublicURL = %q, want the configured https://id.example.com", cfg.PublicURL)
	}
}
