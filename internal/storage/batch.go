package storage

import "time"

// NextBatch sizes the next of a series of transactions that should each take
// about target, after one of n items took took: in proportion after a slower
// one, half as large again after one quicker than half of target, within lo
// and hi. Growing by half, not doubling, keeps a quick transaction from being
// followed by one that takes twice the target or more (the time per item
// varies with what the items touch); shrinking in proportion, not by half,
// brings a batch that took ten times its target back at once.
func NextBatch(n int, took, target time.Duration, lo, hi int) int {
	switch {
	case took > target:
		n = int(int64(n) * int64(target) / int64(took))
	case took < target/2:
		n += max(n/2, 1)
	}
	return min(max(n, lo), hi)
}
