package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
	"time"
)

// TestDashboardNamesRealSeries keeps docs/grafana/cognate.json honest:
// every cognate_* series a panel queries is one this package defines.
func TestDashboardNamesRealSeries(t *testing.T) {
	raw, err := os.ReadFile("../../docs/grafana/cognate.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	s := New()
	// Vectors appear once they have a series: give each one.
	s.Request("a", "b", "", 0)
	s.SignIn("f", OutcomeLocked)
	s.CodeSent("email", "k")
	s.TokenSigned("id")
	s.CredentialsIssued()
	s.HashWaited(0)
	s.Storage("tx", 0, true)
	s.Gateway("s3", "allowed")
	s.Invocation("fn", "ok", 0)
	s.Throttled("c", "address")
	s.Endpoint("/login", "ok", 0)
	families, err := s.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range families {
		known[f.GetName()] = true
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			known[f.GetName()+suffix] = true
		}
	}
	series := regexp.MustCompile(`\bcognate_[a-z_]+`)
	n := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, name := range series.FindAllString(tg.Expr, -1) {
				n++
				if !known[name] {
					t.Errorf("the dashboard queries %s, which Cognate does not export", name)
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d series found in the dashboard", n)
	}
}

// BenchmarkRequestMetrics is what the metrics add to one GetUser: the
// request's counter and histogram and the storage reads' histogram (two
// reads). Compare with BenchmarkGetUser (internal/app), about 350 µs of
// CPU per request.
func BenchmarkRequestMetrics(b *testing.B) {
	s := New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.Request("cognito-idp", "GetUser", "", 180*time.Microsecond)
			s.Storage("read", 20*time.Microsecond, false)
			s.Storage("read", 25*time.Microsecond, false)
		}
	})
}
