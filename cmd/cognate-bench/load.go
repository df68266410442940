package main

import (
	"sort"
	"sync"
	"time"
)

// result is one operation's measurements.
type result struct {
	n         int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration // successful calls only
	firstErr  error
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.n-r.errors) / r.elapsed.Seconds()
}

// pct returns the p-th percentile latency of successful calls.
func (r result) pct(p int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := (len(r.latencies)*p + 99) / 100
	if i > 0 {
		i--
	}
	return r.latencies[min(i, len(r.latencies)-1)].Round(10 * time.Microsecond)
}

// load runs call from n goroutines until d has passed, and measures it.
func load(call func() error, n int, d time.Duration) result {
	deadline := time.Now().Add(d)
	parts := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range parts {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := call()
				r.n++
				if err != nil {
					r.errors++
					if r.firstErr == nil {
						r.firstErr = err
					}
					continue
				}
				r.latencies = append(r.latencies, time.Since(t0))
			}
		}(&parts[i])
	}
	wg.Wait()
	total := result{elapsed: time.Since(start)}
	for _, p := range parts {
		total.n += p.n
		total.errors += p.errors
		total.latencies = append(total.latencies, p.latencies...)
		if total.firstErr == nil {
			total.firstErr = p.firstErr
		}
	}
	sort.Slice(total.latencies, func(i, j int) bool { return total.latencies[i] < total.latencies[j] })
	return total
}
