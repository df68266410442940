package srp

import (
	"errors"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

func TestParseTimestamp(t *testing.T) {
	for in, want := range map[string]time.Time{
		"Tue Nov 3 01:07:05 UTC 2026":  time.Date(2026, 11, 3, 1, 7, 5, 0, time.UTC),
		"Sat Sep 5 09:03:07 UTC 2026":  time.Date(2026, 9, 5, 9, 3, 7, 0, time.UTC),
		"Fri Dec 31 23:59:59 UTC 2027": time.Date(2027, 12, 31, 23, 59, 59, 0, time.UTC),
		// Other ports: zero-padded day, one-digit hour.
		"Tue Nov 03 01:07:05 UTC 2026": time.Date(2026, 11, 3, 1, 7, 5, 0, time.UTC),
		"Tue Nov 3 1:07:05 UTC 2026":   time.Date(2026, 11, 3, 1, 7, 5, 0, time.UTC),
		// strftime's %e pads the day with a space.
		"Tue Nov  3 01:07:05 UTC 2026": time.Date(2026, 11, 3, 1, 7, 5, 0, time.UTC),
	} {
		got, err := ParseTimestamp(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{
		"",
		"Tue Nov 3 01:07:05 GMT 2026",
		"Tue Nov 3 01:07:05 2026",
		"Tue Nov 3 01:07:05 UTC 26",
		"Tue Nov 3 01:07 UTC 2026",
		"Tue Nov 3 01:7:05 UTC 2026",
		"Tue Nov 3 24:07:05 UTC 2026",
		"Tue Nov 3 01:60:05 UTC 2026",
		"Tue Nov 31 01:07:05 UTC 2026",
		"Tue Feb 29 01:07:05 UTC 2027",
		"Dienstag Nov 3 01:07:05 UTC 2026",
		"Tue November 3 01:07:05 UTC 2026",
		"Tue Nov 3 01:07:05 UTC 2026 ",
		"2026-11-03T01:07:05Z",
		"Tue, 03 Nov 2026 01:07:05 GMT",
		"Tue Nov 3 01:07:05 UTC 2026" + string(make([]byte, 100)),
	} {
		if _, err := ParseTimestamp(in); !errors.Is(err, ErrTimestamp) {
			t.Errorf("ParseTimestamp(%q) = %v, want ErrTimestamp", in, err)
		}
	}
}

// TestFormatTimestamp compares FormatTimestamp with the srpclient client's
// formatting (a transcription of getNowString) across a range of instants.
func TestFormatTimestamp(t *testing.T) {
	at := time.Date(2025, 12, 30, 22, 0, 0, 0, time.FixedZone("X", 3600))
	for i := 0; i < 2000; i++ {
		at = at.Add(7*time.Hour + 13*time.Minute + 17*time.Second)
		got := FormatTimestamp(at)
		if want := srpclient.Timestamp(at); got != want {
			t.Fatalf("FormatTimestamp(%v) = %q, want %q", at, got, want)
		}
		back, err := ParseTimestamp(got)
		if err != nil || !back.Equal(at) {
			t.Fatalf("ParseTimestamp(%q) = %v, %v; want %v", got, back, err, at)
		}
	}
}

func FuzzParseTimestamp(f *testing.F) {
	f.Add("Tue Nov 3 01:07:05 UTC 2026")
	f.Add("Fri Dec 31 23:59:59 UTC 2027")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		// Whatever is accepted formats back to a value that parses to the
		// same instant.
		again, err := ParseTimestamp(FormatTimestamp(got))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q parsed to %v, which does not round-trip: %v, %v", s, got, again, err)
		}
	})
}
