package console

import (
	"context"
	"sync"
	"time"
)

// countTTL is how old a pool's user count may be before a page view
// starts counting again.
const countTTL = time.Minute

// counts remembers the number of users of each pool. Counting reads every
// user of the pool (a second at a million users), so no page waits for it:
// a page shows the last count and, when it is older than countTTL, starts
// a new one in the background.
type counts struct {
	mu sync.Mutex
	m  map[string]*poolCount
}

type poolCount struct {
	n        int
	at       time.Time
	known    bool
	counting bool
}

// userCount returns the last count of the pool's users and whether there
// is one, and starts a count when none is running and the last one is
// older than countTTL.
func (c *Console) userCount(poolID string) (int, bool) {
	c.counts.mu.Lock()
	defer c.counts.mu.Unlock()
	if c.counts.m == nil {
		c.counts.m = map[string]*poolCount{}
	}
	pc := c.counts.m[poolID]
	if pc == nil {
		pc = &poolCount{}
		c.counts.m[poolID] = pc
	}
	now := c.d.Now()
	if !pc.counting && (!pc.known || now.Sub(pc.at) > countTTL) {
		pc.counting = true
		go c.count(poolID, pc)
	}
	return pc.n, pc.known
}

// count counts the pool's users and records the result.
func (c *Console) count(poolID string, pc *poolCount) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := c.d.Store.Users().Count(ctx, poolID)
	c.counts.mu.Lock()
	defer c.counts.mu.Unlock()
	pc.counting = false
	if err != nil {
		c.d.Logger.Warn("console: count users", "pool", poolID, "err", err)
		return
	}
	pc.n, pc.at, pc.known = n, c.d.Now(), true
}
