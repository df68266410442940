package conformance

import (
	"slices"
	"testing"
	"time"
)

func init() {
	register("Nonces",
		test{"UseCounts", testNonceUseCounts},
		test{"ConcurrentUse", testNonceConcurrentUse},
		test{"DeleteExpired", testNonceDeleteExpired},
	)
}

// testNonceUseCounts: Use returns the number of uses so far, this one
// included; Uses reads it (0 for an unknown id); ids are bytes.
func testNonceUseCounts(t *testing.T, f *fixture) {
	a, b := []byte{0, 0xff, 'a'}, []byte{0, 0xff, 'b'}
	n, err := f.Nonces().Uses(f.ctx, a)
	must(t, err)
	if n != 0 {
		t.Fatalf("Uses of an unknown id = %d, want 0", n)
	}
	for want := 1; want <= 3; want++ {
		n, err := f.Nonces().Use(f.ctx, a, at(time.Minute))
		must(t, err)
		if n != want {
			t.Fatalf("use %d: Use = %d", want, n)
		}
	}
	n, err = f.Nonces().Use(f.ctx, b, at(time.Minute))
	must(t, err)
	if n != 1 {
		t.Fatalf("another id: Use = %d, want 1", n)
	}
	n, err = f.Nonces().Uses(f.ctx, a)
	must(t, err)
	if n != 3 {
		t.Fatalf("Uses = %d, want 3", n)
	}
}

// testNonceConcurrentUse: concurrent uses each see a distinct count, so
// exactly one caller sees 1 (the one a single-use value admits).
func testNonceConcurrentUse(t *testing.T, f *fixture) {
	counts := make([]int, workers)
	errs := together(workers, func(i int) error {
		var err error
		counts[i], err = f.Nonces().Use(f.ctx, []byte("once"), at(time.Minute))
		return err
	})
	for _, err := range errs {
		must(t, err)
	}
	slices.Sort(counts)
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("counts returned: %v, want 1..%d", counts, workers)
		}
	}
}

// testNonceDeleteExpired: nonces that expired before the time go; a later
// use can only move the expiry later.
func testNonceDeleteExpired(t *testing.T, f *fixture) {
	for _, id := range []string{"a", "b"} {
		_, err := f.Nonces().Use(f.ctx, []byte(id), at(time.Minute))
		must(t, err)
	}
	_, err := f.Nonces().Use(f.ctx, []byte("late"), at(time.Hour))
	must(t, err)
	_, err = f.Nonces().Use(f.ctx, []byte("late"), at(time.Second))
	must(t, err)
	n, err := f.Nonces().DeleteExpired(f.ctx, at(2*time.Minute))
	must(t, err)
	if n != 2 {
		t.Fatalf("DeleteExpired = %d, want 2", n)
	}
	for id, want := range map[string]int{"a": 0, "b": 0, "late": 2} {
		got, err := f.Nonces().Uses(f.ctx, []byte(id))
		must(t, err)
		if got != want {
			t.Errorf("%s: Uses = %d, want %d", id, got, want)
		}
	}
}
