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
	// A guesser who waits out every lockout needs months for 100 failures.
	var total time.Duration
	for n := 1; n < 100; n++ {
		total += lockoutAfter(n)
	}
	if total < 60*24*time.Hour {
		t.Errorf("100 failures take only %v", total)
	}
}
