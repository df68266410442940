package conformance

import (
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("TokenRotation",
		test{"Rotate", testTokenRotate},
		test{"ConcurrentRotate", testTokenConcurrentRotate},
	)
}

// testTokenRotate: Rotate sets RotatedAt once; later calls report false
// and keep the first time; RotatedAt round-trips through Create.
func testTokenRotate(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	tk := f.token(c, u)
	ok, err := f.Tokens().Rotate(f.ctx, tk.ID, at(time.Minute))
	must(t, err)
	if !ok {
		t.Fatal("first Rotate reported false")
	}
	ok, err = f.Tokens().Rotate(f.ctx, tk.ID, at(time.Hour))
	must(t, err)
	if ok {
		t.Fatal("second Rotate reported true")
	}
	want := tk
	want.RotatedAt = at(time.Minute)
	same(t, "rotated token", f.getToken(tk.ID), wantToken(want))
	_, err = f.Tokens().Rotate(f.ctx, []byte("no-such-token"), at(0))
	wantErr(t, err, storage.ErrNotFound)

	created := f.newToken(c, u)
	created.RotatedAt = at(time.Second)
	must(t, f.Tokens().Create(f.ctx, created))
	same(t, "token created rotated", f.getToken(created.ID), wantToken(created))
}

// testTokenConcurrentRotate: of concurrent callers, exactly one rotates.
func testTokenConcurrentRotate(t *testing.T, f *fixture) {
	c, u := f.clientUser()
	tk := f.token(c, u)
	won := make([]bool, workers)
	errs := together(workers, func(i int) error {
		var err error
		won[i], err = f.Tokens().Rotate(f.ctx, tk.ID, at(time.Duration(i)*time.Second))
		return err
	})
	winners := 0
	for i, err := range errs {
		must(t, err)
		if won[i] {
			winners++
		}
	}
	if winners != 1 {
		t.Fatalf("%d callers rotated the token, want exactly 1", winners)
	}
}
