package sqlstore

import (
	"testing"
	"time"
)

// TestNextDeleteBatch: Pools.Delete's batch shrinks in proportion after a
// slow batch, grows by half after a quick one, and stays within its bounds.
func TestNextDeleteBatch(t *testing.T) {
	for _, c := range []struct {
		batch int
		took  time.Duration
		want  int
	}{
		{200, deleteBatchTime * 3, 66},
		{200, deleteBatchTime * 2, 100},
		{200, deleteBatchTime / 4, 300},
		{1, 0, deleteBatchMin},
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
