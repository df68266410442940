// Package benchcpu reports the CPU time a benchmark's operations cost,
// next to their wall time.
//
// On a machine shared with other work, ns/op grows with the load while the
// CPU time an operation consumes barely moves; cpu-µs/op (user + system
// time of the whole process, garbage collection and every goroutine
// included, divided by b.N) is the figure to compare between runs there.
// For a parallel benchmark of a server in the same process it includes the
// client's share.
package benchcpu

import (
	"testing"
)

// Start begins measuring. Call the function it returns once the timed
// loop is done: it adds a cpu-µs/op metric to b.
//
//	done := benchcpu.Start(b)
//	for b.Loop() { ... }
//	done()
//
// Where the process's CPU time cannot be read, it reports nothing.
func Start(b *testing.B) func() {
	b.Helper()
	start, ok := processCPU()
	return func() {
		if end, _ := processCPU(); ok && b.N > 0 {
			used := end - start
			b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/op")
		}
	}
}
