package userpool

import (
	"context"
	"errors"
	"slices"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// A change of a pool's sign-in rule (UpdateSignInAttributes,
// UpdateUsernameConfiguration) re-keys every user, which on a pool of
// 100,000 users took over a minute in one transaction, holding SQLite's
// one writer for all pools. It now runs in steps, none holding the writer
// longer than one batch (rekeyBatchTarget):
//
//  1. a read-only pass refuses a rule under which two users would share a
//     key, naming them (nothing is written);
//  2. the pool is marked (Rekey.To = the new rule): from then on every
//     user written gets the keys of both rules (lookupsFor), so the
//     store's unique index refuses a user that would collide under either;
//  3. batches give every user the keys of both rules; sign-in still uses
//     the old rule, whose keys every user keeps;
//  4. one transaction switches the pool to the new rule (Rekey.To = nil):
//     every user now holds the new rule's keys;
//  5. batches drop the keys only the old rule made, and the mark goes.
//
// When step 3 meets a key another user holds (a user created or changed
// between steps 1 and 2), the change rolls back: the mark loses its To and
// step 5 drops the keys only the new rule made. A change cut short (a
// crash, a caller gone) is resumed by the next call making the same
// change, and finished or rolled back by any other call of either
// operation on the pool. Steps 3 and 5 start once other nodes' cached
// copies of the pool as it was before steps 2 and 4 have expired
// (cacheTTL), so that no node writes a user with keys of a rule the pass
// has dealt with. Between steps 4 and 5, a key left over
// from the old rule that a new write wants is dropped from its holder
// first (saveUser), so leftovers never refuse a write. Nodes do not share
// rekeyMu: each batch and step writes only while the pool's rule and mark
// are as the change left them (setRekeyIf), so a change another node
// rolled back or replaced stops with ConcurrentModificationException.

// rekeyBatchTarget is how long one re-keying transaction should hold the
// writer; the batch grows or shrinks towards it.
const rekeyBatchTarget = 25 * time.Millisecond

// rekeyState marks a pool whose users are being re-keyed.
type rekeyState struct {
	// To is the rule being moved to while users get its keys besides the
	// current rule's; nil once the pool follows its rule and only keys of
	// another rule are left to drop.
	To *signInRule `json:"To,omitempty"`
}

// signInRule is what a user's lookup keys depend on.
type signInRule struct {
	CaseSensitive      bool
	AliasAttributes    []string `json:",omitempty"`
	UsernameAttributes []string `json:",omitempty"`
}

func (r signInRule) equal(o signInRule) bool {
	return r.CaseSensitive == o.CaseSensitive && slices.Equal(r.AliasAttributes, o.AliasAttributes) &&
		slices.Equal(r.UsernameAttributes, o.UsernameAttributes)
}

// rule is the pool's sign-in rule.
func (p *pool) rule() signInRule {
	return signInRule{CaseSensitive: p.caseSensitive(), AliasAttributes: p.cfg.AliasAttributes, UsernameAttributes: p.cfg.UsernameAttributes}
}

// applyRule sets r in cfg.
func applyRule(cfg *poolConfig, r signInRule) {
	cfg.AliasAttributes = slices.Clone(r.AliasAttributes)
	cfg.UsernameAttributes = slices.Clone(r.UsernameAttributes)
	if r.CaseSensitive && cfg.UsernameConfiguration == nil {
		return // unset means case-sensitive; keep it unset
	}
	cfg.UsernameConfiguration = &cip.UsernameConfigurationType{CaseSensitive: ptr(r.CaseSensitive)}
}

// withRule is p under rule r, unmarked.
func (p *pool) withRule(r signInRule) *pool {
	cfg := *p.cfg
	cfg.Rekey = nil
	applyRule(&cfg, r)
	return &pool{rec: p.rec, cfg: &cfg, readOnly: p.readOnly}
}

// changeSignInRule re-keys the users of pool p for the rule change makes
// of the pool's (see above), and returns it with how many users' keys
// under the new rule differ from the old rule's (every user's when all is
// set). refusal begins the message of a refusal. It re-keys nothing when
// the rule stays.
func (s *Service) changeSignInRule(ctx context.Context, p *pool, change func(signInRule) (signInRule, error), refusal string, all bool) (signInRule, int, error) {
	s.rekeyMu.Lock() // one change at a time on this node
	defer s.rekeyMu.Unlock()
	p, err := s.adminPool(ctx, p.rec.ID)
	if err != nil {
		return signInRule{}, 0, err
	}
	if rk := p.cfg.Rekey; rk != nil && rk.To != nil {
		// A change cut short before its switch: the same change resumes.
		if to, err := change(p.rule()); err == nil && to.equal(*rk.To) {
			n, err := s.rekeyTo(ctx, p, p.rule(), to, refusal, all)
			return to, n, err
		}
	}
	if p, err = s.finishRekey(ctx, p.rec.ID); err != nil {
		return signInRule{}, 0, err
	}
	from := p.rule()
	to, err := change(from)
	if err != nil || from.equal(to) {
		return to, 0, err
	}
	n, err := s.rekeyTo(ctx, p, from, to, refusal, all)
	return to, n, err
}

// rekeyTo is changeSignInRule's work: steps 1 to 5.
func (s *Service) rekeyTo(ctx context.Context, p *pool, from, to signInRule, refusal string, all bool) (int, error) {
	old, next := p.withRule(from), p.withRule(to)
	// 1. Read-only: keys two users would share. Username keys change only
	// with the case rule.
	c := newCollisions()
	err := eachUser(ctx, s.store, p.rec.ID, func(u *storage.User) error {
		for _, l := range next.lookupsFor(u) {
			if l.Kind != storage.LookupUsername || from.CaseSensitive != to.CaseSensitive {
				c.add(l, u.Username)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := c.err(refusal); err != nil {
		if p.cfg.Rekey != nil { // a resumed change: roll it back
			if _, ferr := s.finishRekey(ctx, p.rec.ID); ferr != nil {
				return 0, ferr
			}
		}
		return 0, err
	}
	if s.rekeyHook != nil {
		s.rekeyHook("checked")
	}
	// 2. The mark.
	if err := s.setRekey(ctx, p.rec.ID, func(cfg *poolConfig) { cfg.Rekey = &rekeyState{To: &to} }); err != nil {
		return 0, err
	}
	marked := p.withRule(from)
	marked.cfg.Rekey = &rekeyState{To: &to}
	// Other nodes write users under the unmarked pool from their caches
	// for up to cacheTTL: step 3 starts after, so no user is missed.
	if err := s.waitCaches(ctx); err != nil {
		return 0, err
	}
	// 3. Keys of both rules.
	clash := ""
	changed, err := s.rekeyUsers(ctx, marked, func(u *storage.User) bool {
		if old.key(u.Username) != next.key(u.Username) {
			dropNameVerifier(u, old.key(u.Username))
		}
		return all || !slices.Equal(old.lookupsFor(u), next.lookupsFor(u))
	}, &clash)
	if err != nil && clash == "" {
		return 0, err // the mark stays: the next call finishes or rolls back
	}
	if clash != "" {
		// Roll back: keep the old rule, drop the new rule's keys.
		if err := s.setRekeyIf(ctx, marked, func(cfg *poolConfig) { cfg.Rekey = &rekeyState{} }); err != nil {
			return 0, err
		}
		if _, err := s.finishRekey(ctx, p.rec.ID); err != nil {
			return 0, err
		}
		return 0, errorf(InvalidParameter, "%s: %s would share a name with another user.", refusal, clash)
	}
	// 4. The switch.
	if err := s.setRekeyIf(ctx, marked, func(cfg *poolConfig) {
		applyRule(cfg, to)
		cfg.Rekey = &rekeyState{}
	}); err != nil {
		return 0, err
	}
	// 5. Drop the old rule's keys.
	if _, err := s.finishRekey(ctx, p.rec.ID); err != nil {
		return 0, err
	}
	return changed, nil
}

// setRekey changes the pool's rule or mark in one short transaction.
func (s *Service) setRekey(ctx context.Context, poolID string, fn func(cfg *poolConfig)) error {
	return s.updatePool(ctx, poolID, func(_ *storage.Pool, cfg *poolConfig) error {
		fn(cfg)
		return nil
	})
}

// waitCaches waits until other nodes' cached copies of a pool changed
// now have expired (cacheTTL).
func (s *Service) waitCaches(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(s.cache.ttl):
		return nil
	}
}

// setRekeyIf is setRekey on a pool whose rule and mark are still those
// of p. Nodes do not share rekeyMu: another node may have rolled back or
// replaced the change meanwhile, and going on would switch or unmark the
// pool over users that node wrote under another rule.
func (s *Service) setRekeyIf(ctx context.Context, p *pool, fn func(cfg *poolConfig)) error {
	return s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		if !sameMark(cfg, p.cfg) {
			return errRekeyMoved()
		}
		fn(cfg)
		return nil
	})
}

// sameMark reports whether pool settings a and b have one sign-in rule
// and one re-keying mark.
func sameMark(a, b *poolConfig) bool {
	ra, rb := (&pool{cfg: a}).rule(), (&pool{cfg: b}).rule()
	if !ra.equal(rb) || (a.Rekey == nil) != (b.Rekey == nil) {
		return false
	}
	if a.Rekey == nil {
		return true
	}
	ta, tb := a.Rekey.To, b.Rekey.To
	return (ta == nil && tb == nil) || (ta != nil && tb != nil && ta.equal(*tb))
}

func errRekeyMoved() error {
	return errorf(ConcurrentModification, "Another request changed the pool's sign-in rules during this change; try again.")
}

// finishRekey completes a change the pool is marked with: one cut short
// before its switch is rolled back, then keys of any other rule are
// dropped and the mark lifted. It returns the pool as it then is.
func (s *Service) finishRekey(ctx context.Context, poolID string) (*pool, error) {
	p, err := s.adminPool(ctx, poolID)
	if err != nil || p.cfg.Rekey == nil {
		return p, err
	}
	if p.cfg.Rekey.To != nil {
		if err := s.setRekeyIf(ctx, p, func(cfg *poolConfig) { cfg.Rekey = &rekeyState{} }); err != nil {
			return nil, err
		}
	}
	// Other nodes caching the pool still marked with To write users with
	// the keys of both rules until their copies expire: a key dropped
	// before would come back after the mark is gone, for good.
	if err := s.waitCaches(ctx); err != nil {
		return nil, err
	}
	plain := p.withRule(p.rule())
	plain.cfg.Rekey = &rekeyState{}
	if _, err := s.rekeyUsers(ctx, plain, nil, nil); err != nil {
		return nil, err
	}
	if err := s.setRekeyIf(ctx, plain, func(cfg *poolConfig) { cfg.Rekey = nil }); err != nil {
		return nil, err
	}
	return s.adminPool(ctx, poolID)
}

// rekeyUsers gives every user of p the keys p.lookupsFor computes, in
// transactions of about rekeyBatchTarget each, after calling each (when
// set) on the user, which may change its SRP verifiers and reports
// whether to count the user. It returns the count. A key another user
// holds stops it with that user's name in *clash (when clash is set) and
// an error.
func (s *Service) rekeyUsers(ctx context.Context, p *pool, each func(*storage.User) bool, clash *string) (int, error) {
	pg := storage.Page{Limit: 100}
	total := 0
	for {
		var next string
		n := 0
		t0 := time.Now()
		err := s.userTx(ctx, func(tx storage.Stores) error {
			// Each batch only while the pool is marked as p (see setRekeyIf).
			rec, err := tx.Pools().Get(ctx, p.rec.ID)
			if errors.Is(err, storage.ErrNotFound) {
				return poolNotFound(p.rec.ID)
			}
			if err != nil {
				return err
			}
			cur, err := parsePool(rec)
			if err != nil {
				return err
			}
			if !sameMark(cur.cfg, p.cfg) {
				return errRekeyMoved()
			}
			users, nxt, err := tx.Users().List(ctx, p.rec.ID, pg)
			if err != nil {
				return err
			}
			next, n = nxt, 0
			for i := range users {
				u := &users[i]
				srp := u.SRPVerifier
				if each != nil && each(u) {
					n++
				}
				keys := p.lookupsFor(u)
				if slices.Equal(keys, u.Lookups) && srp == u.SRPVerifier {
					continue
				}
				if err := s.checkRekeyed(ctx, tx, p, u, keys, clash); err != nil {
					return err
				}
				u.Lookups = keys
				if err := putUser(ctx, tx, u); err != nil {
					return err
				}
			}
			return nil
		})
		if s.rekeyHook != nil && err == nil {
			s.rekeyHook("batch")
		}
		if err != nil {
			return total, err
		}
		total += n
		if next == "" {
			return total, nil
		}
		pg.Token = next
		pg.Limit = nextBatch(pg.Limit, time.Since(t0))
	}
}

// checkRekeyed refuses keys new to u that another user holds, naming u
// in *clash, before a write the unique index would fail (which would
// abort a PostgreSQL transaction).
func (s *Service) checkRekeyed(ctx context.Context, tx storage.Stores, p *pool, u *storage.User, keys []storage.Lookup, clash *string) error {
	var fresh []storage.Lookup
	for _, l := range keys {
		if !slices.Contains(u.Lookups, l) {
			fresh = append(fresh, l)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	taken, err := tx.Users().Taken(ctx, p.rec.ID, fresh)
	if err != nil || len(taken) == 0 {
		return err
	}
	if clash != nil {
		*clash = u.Username
	}
	return errorf(InvalidParameter, "%s would share a name with another user", u.Username)
}

// nextBatch is the size of the next batch after one of n users took d:
// scaled towards rekeyBatchTarget, at most doubled, between 10 and 2,000.
func nextBatch(n int, d time.Duration) int {
	next := 2 * n
	if d > 0 {
		next = min(next, int(int64(n)*int64(rekeyBatchTarget)/int64(d)))
	}
	return max(10, min(next, 2000))
}

// dropStaleKey frees key l from other, which holds it from a rule the pool
// no longer follows (while its keys are being dropped), so that u can
// take it. It reports whether it did.
func dropStaleKey(ctx context.Context, tx storage.Stores, p *pool, other *storage.User, l storage.Lookup) (bool, error) {
	if p.cfg.Rekey == nil || p.cfg.Rekey.To != nil || slices.Contains(p.lookupsFor(other), l) {
		return false, nil
	}
	other.Lookups = slices.DeleteFunc(slices.Clone(other.Lookups), func(x storage.Lookup) bool { return x == l })
	return true, putUser(ctx, tx, other)
}
