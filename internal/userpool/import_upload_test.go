package userpool

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestCappedUpload: a file of the limit reads whole; one byte more fails
// with ErrUploadTooLarge, however the reads are cut.
func TestCappedUpload(t *testing.T) {
	for _, size := range []int{0, 1, 9, 10} {
		for _, r := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader} {
			got, err := io.ReadAll(&capped{r: r(strings.NewReader(strings.Repeat("x", size))), left: 9})
			switch {
			case size <= 9 && (err != nil || len(got) != size):
				t.Fatalf("%d bytes under a cap of 9: %d, %v", size, len(got), err)
			case size > 9 && !errors.Is(err, ErrUploadTooLarge):
				t.Fatalf("%d bytes under a cap of 9: %d, %v; want ErrUploadTooLarge", size, len(got), err)
			}
		}
	}
}
