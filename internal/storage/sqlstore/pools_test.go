package sqlstore

import (
	"testing"
	"time"
)

// TestNextDeleteBatch: Pools.Delete's batch halves after a slow batch,
// doubles after a quick one, and stays within its bounds.
func TestNextDeleteBatch(t *testing.T) {
	for _, c := range []struct {
		batch int
		took  time.Duration
		want  int
	}{
		{200, deleteBatchTime * 3, 100},
		{200, deleteBatchTime / 4, 400},
		{200, deleteBatchTime * 3 / 4, 200},
		{deleteBatchMin, time.Second, deleteBatchMin},
		{deleteBatchMax, 0, deleteBatchMax},
		{deleteBatchMax - 1, 0, deleteBatchMax},
	} {
		if got := nextDeleteBatch(c.batch, c.took); got != c.want {
			t.Errorf("nextDeleteBatch(%d, %s) = %d, want %d", c.batch, c.took, got, c.want)
		}
	}
}
