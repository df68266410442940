package iam

import (
	"sync"

	"github.com/cognate-dev/cognate/internal/policy"
)

// docCache keeps parsed policy documents by their text. When it holds max
// documents it starts afresh: a crude bound that is enough for the few
// distinct policies a deployment has.
type docCache struct {
	mu   sync.RWMutex
	max  int
	docs map[string]*policy.Document
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, docs: make(map[string]*policy.Document)}
}

// parse returns the parsed document for text, parsing it with fn on a
// miss. Errors are not cached.
func (c *docCache) parse(text string, fn func(string) (*policy.Document, error)) (*policy.Document, error) {
	c.mu.RLock()
	d := c.docs[text]
	c.mu.RUnlock()
	if d != nil {
		return d, nil
	}
	d, err := fn(text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.docs) >= c.max {
		c.docs = make(map[string]*policy.Document)
	}
	c.docs[text] = d
	c.mu.Unlock()
	return d, nil
}
