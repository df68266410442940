package userpool

import (
	"testing"
	"time"
)

func TestLockoutAfter(t *testing.T) {
	for n, want := range map[int]time.Duration{
		0: 0, 4: 0,
		5: time.Second, 6: 2 * time.Second, 10: 32 * time.Second, 14: 512 * time.Second,
		15: 15 * time.Minute, 20: 15 * time.Minute,
		21: 30 * time.Minute, 22: time.Hour, 26: 16 * time.Hour,
		27: 24 * time.Hour, 100: 24 * time.Hour, 1 << 20: 24 * time.Hour,
	} {
		if got := lockoutAfter(n); got != want {
			t.Errorf("lockoutAfter(%d) = %v, want %v", n, got, want)
		}
	}
	// With the largest cap, a guesser who waits out every lockout needs
	// months for 100 failures.
	var total time.Duration
	for n := 1; n < 100; n++ {
		total += lockoutAfter(n)
	}
	if total < 60*24*time.Hour {
		t.Errorf("100 failures take only %v", total)
	}
}

func TestLockoutForIsCapped(t *testing.T) {
	tests := []struct {
		cap  time.Duration
		want map[int]time.Duration
	}{
		{DefaultLockoutMax, map[int]time.Duration{
			4: 0, 5: time.Second, 14: 512 * time.Second, 15: 15 * time.Minute,
			21: 15 * time.Minute, 27: 15 * time.Minute, 1000: 15 * time.Minute,
		}},
		{time.Minute, map[int]time.Duration{
			4: 0, 5: time.Second, 10: 32 * time.Second, 11: time.Minute, 30: time.Minute,
		}},
		{2 * time.Hour, map[int]time.Duration{
			15: 15 * time.Minute, 21: 30 * time.Minute, 23: 2 * time.Hour, 100: 2 * time.Hour,
		}},
		{24 * time.Hour, map[int]time.Duration{
			22: time.Hour, 27: 24 * time.Hour, 1 << 20: 24 * time.Hour,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.cap.String(), func(t *testing.T) {
			s := New(Deps{LockoutMax: tt.cap})
			for n, want := range tt.want {
				if got := s.lockoutFor(n); got != want {
					t.Errorf("lockoutFor(%d) = %v, want %v", n, got, want)
				}
			}
			for n := 0; n < 200; n++ {
				if got := s.lockoutFor(n); got > tt.cap {
					t.Fatalf("lockoutFor(%d) = %v, over the cap", n, got)
				}
			}
		})
	}
	if got := New(Deps{}).lockoutFor(40); got != DefaultLockoutMax {
		t.Errorf("without a cap configured, lockoutFor(40) = %v, want %v", got, DefaultLockoutMax)
	}
}
