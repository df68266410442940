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
// crash, a caller gone) goes on from the last batch it committed: the
// runner (RunRekeys) resumes it at start-up and then every RekeyPoll, and
// so does the next call of either operation on the pool (the same change
// resumes; another change first finishes or rolls it back). A write of a
// user takes its keys from the rule and mark its transaction reads in the
// pool's row (inForce), not from the node's cached copy, which may be of
// any age by the time a request writes. That read orders the write against
// the steps, which write the row: on SQLite the write holds the one
// writer, so it reads the rule at commit; on PostgreSQL InTx is
// SERIALIZABLE, so a write that read the row before a step and commits
// after it, around a batch that read or wrote its user, fails a
// serialization check (or the user's version) and is retried, reading the
// row anew. Steps 3 and 5 still start cacheTTL after steps 2 and 4
// (waitCaches): until then other nodes may look users up by their cached
// rule, which after step 4 is the old one, whose keys step 5 drops; and a
// path that writes users without reading the pool's row in its
// transaction would leave keys of the cached rule. Between steps 4 and 5, a
// key left over from the old rule that a new write wants is dropped from
// its holder first (saveUser), so leftovers never refuse a write. One node at a time
// works on a pool's change: it holds the pool's lease (rekey_claim.go),
// and every batch and step commits only while it still does and the
// pool's rule and mark are as the change left them (setRekeyIf), so a
// node that lost its lease (stalled past it) stops with
// ConcurrentModificationException instead of writing over its successor.

// rekeyBatchTarget is how long one re-keying transaction should hold the
// writer; the batch grows or shrinks towards it (storage.NextBatch), from
// rekeyBatchMin to rekeyBatchMax users.
const (
	rekeyBatchTarget = 25 * time.Millisecond
	rekeyBatchMin    = 10
	rekeyBatchMax    = 2000
)

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
// the rule stays. A nil change only resumes the change the pool is marked
// with, if any. Another node working on the pool's change refuses it with
// ConcurrentModificationException.
func (s *Service) changeSignInRule(ctx context.Context, p *pool, change func(signInRule) (signInRule, error), refusal string, all bool) (_ signInRule, _ int, err error) {
	unlock, err := s.lockRekey(ctx, p.rec.ID)
	if err != nil {
		return signInRule{}, 0, err
	}
	defer unlock()
	if _, err := s.adminPool(ctx, p.rec.ID); err != nil {
		return signInRule{}, 0, err // no lease for a pool that is not there
	}
	ctx, c, release, err := s.claimRekey(ctx, p.rec.ID)
	if err != nil {
		return signInRule{}, 0, err
	}
	defer func() {
		// A lease the renewer found lost ends ctx: the caller is told why
		// (ConcurrentModificationException), not that ctx ended.
		var lost *Error
		if err != nil && errors.As(context.Cause(ctx), &lost) {
			err = lost
		}
		// A pool deleted under the lease (its region was checked before)
		// ends the change: its lease goes too, not kept for nobody.
		if e := AsError(err); e != nil && e.Kind == ResourceNotFound {
			c.done = true
		}
		release()
	}()
	// Under the lease the pool is read from the store: a cached copy may
	// show another node's change as it was before that node finished, and
	// every step of this one would then be refused (sameMark).
	if p, err = s.storedPool(ctx, p.rec.ID); err != nil {
		return signInRule{}, 0, err
	}
	if rk := p.cfg.Rekey; rk != nil && rk.To != nil {
		// A change cut short before its switch: the same change resumes.
		to := *rk.To
		if change != nil {
			to, err = change(p.rule())
		}
		if err == nil && to.equal(*rk.To) {
			n, err := s.rekeyTo(ctx, c, p, p.rule(), to, refusal, all)
			return to, n, err
		}
	}
	if p, err = s.finishRekey(ctx, c, p.rec.ID); err != nil || change == nil {
		return signInRule{}, 0, err
	}
	from := p.rule()
	to, err := change(from)
	if err != nil || from.equal(to) {
		return to, 0, err
	}
	n, err := s.rekeyTo(ctx, c, p, from, to, refusal, all)
	return to, n, err
}

// rekeyTo is changeSignInRule's work: steps 1 to 5, or, for a pool
// already marked for to, steps 3 to 5 from where c's progress says.
func (s *Service) rekeyTo(ctx context.Context, c *rekeyClaim, p *pool, from, to signInRule, refusal string, all bool) (int, error) {
	old, next := p.withRule(from), p.withRule(to)
	marked := p.withRule(from)
	marked.cfg.Rekey = &rekeyState{To: &to}
	if p.cfg.Rekey == nil {
		if err := s.checkAndMark(ctx, c, p, marked, from, to, refusal); err != nil {
			return 0, err
		}
	}
	// Writes that read the pool's row are ordered against the mark (see
	// above); step 3 starts cacheTTL after it anyway, so that a write that
	// does not read the row, on a node that cached the pool unmarked, has
	// committed before the pass reads its user (a resumed change waits
	// too: the mark may be recent).
	if err := s.waitCaches(ctx); err != nil {
		return 0, err
	}
	// 3. Keys of both rules.
	clash := ""
	changed, err := s.rekeyUsers(ctx, c, marked, func(u *storage.User) bool {
		if old.key(u.Username) != next.key(u.Username) {
			dropNameVerifier(u, old.key(u.Username))
		}
		return all || !slices.Equal(old.lookupsFor(u), next.lookupsFor(u))
	}, &clash)
	if err != nil && clash == "" {
		return 0, err // the mark stays: the change resumes later
	}
	if clash != "" {
		// Roll back: keep the old rule, drop the new rule's keys.
		if err := s.setRekeyIf(ctx, c, marked, func(cfg *poolConfig) { cfg.Rekey = &rekeyState{} }); err != nil {
			return 0, err
		}
		if _, err := s.finishRekey(ctx, c, p.rec.ID); err != nil {
			return 0, err
		}
		return 0, errorf(InvalidParameter, "%s: %s would share a name with another user.", refusal, clash)
	}
	// 4. The switch.
	if err := s.setRekeyIf(ctx, c, marked, func(cfg *poolConfig) {
		applyRule(cfg, to)
		cfg.Rekey = &rekeyState{}
	}); err != nil {
		return 0, err
	}
	// 5. Drop the old rule's keys.
	if _, err := s.finishRekey(ctx, c, p.rec.ID); err != nil {
		return 0, err
	}
	return changed, nil
}

// checkAndMark is steps 1 and 2 of a change of unmarked pool p: it
// refuses a rule under which two users would share a key, then marks the
// pool as marked is.
func (s *Service) checkAndMark(ctx context.Context, c *rekeyClaim, p, marked *pool, from, to signInRule, refusal string) error {
	next := p.withRule(to)
	// 1. Read-only: keys two users would share. Username keys change only
	// with the case rule.
	col := newCollisions()
	err := eachUser(ctx, s.store, p.rec.ID, func(u *storage.User) error {
		for _, l := range next.lookupsFor(u) {
			if l.Kind != storage.LookupUsername || from.CaseSensitive != to.CaseSensitive {
				col.add(l, u.Username)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := col.err(refusal); err != nil {
		return err
	}
	if s.rekeyHook != nil {
		s.rekeyHook("checked")
	}
	// 2. The mark, on the pool as step 1 saw it.
	return s.setRekeyIf(ctx, c, p, func(cfg *poolConfig) { cfg.Rekey = marked.cfg.Rekey })
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

// setRekeyIf changes the rule or mark of pool p in one short
// transaction, while its rule and mark are still those of p and c's lease
// is still held: a node that lost the lease may find the change rolled
// back or replaced by the next holder, and going on would switch or
// unmark the pool over users that node wrote under another rule. The
// pass the new mark calls for starts from the first user (c's progress is
// cleared with it); a pool left unmarked ends the change (c.done).
func (s *Service) setRekeyIf(ctx context.Context, c *rekeyClaim, p *pool, fn func(cfg *poolConfig)) error {
	unmarked := false
	err := s.updatePoolTx(ctx, p.rec.ID, func(tx storage.Stores, _ *storage.Pool, cfg *poolConfig) error {
		if !sameMark(cfg, p.cfg) {
			return errRekeyMoved()
		}
		fn(cfg)
		unmarked = cfg.Rekey == nil
		return s.recordProgress(ctx, tx, c, rekeyProgress{})
	})
	if err == nil {
		c.prog, c.done = rekeyProgress{}, unmarked
	}
	return err
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
func (s *Service) finishRekey(ctx context.Context, c *rekeyClaim, poolID string) (*pool, error) {
	p, err := s.storedPool(ctx, poolID)
	if err != nil || p.cfg.Rekey == nil {
		return p, err
	}
	if p.cfg.Rekey.To != nil {
		if err := s.setRekeyIf(ctx, c, p, func(cfg *poolConfig) { cfg.Rekey = &rekeyState{} }); err != nil {
			return nil, err
		}
	}
	// Nodes that cached the pool before the switch look users up by the
	// old rule's keys until their copies expire, and a write that does not
	// read the pool's row gives keys of both rules: dropping the old keys
	// before would fail those sign-ins, or leave keys that come back after
	// the mark is gone, for good. Writes that read the row are ordered
	// against the switch (see above).
	if err := s.waitCaches(ctx); err != nil {
		return nil, err
	}
	plain := p.withRule(p.rule())
	plain.cfg.Rekey = &rekeyState{}
	if _, err := s.rekeyUsers(ctx, c, plain, nil, nil); err != nil {
		return nil, err
	}
	if err := s.setRekeyIf(ctx, c, plain, func(cfg *poolConfig) { cfg.Rekey = nil }); err != nil {
		return nil, err
	}
	return s.storedPool(ctx, poolID)
}

// rekeyUsers gives every user of p the keys p.lookupsFor computes, in
// transactions of about rekeyBatchTarget each, after calling each (when
// set) on the user, which may change its SRP verifiers and reports
// whether to count the user. It starts after the last user c's progress
// names, and returns the count, that of the batches before included. A key
// another user holds stops it with that user's name in *clash (when clash
// is set) and an error.
//
// Each batch records its progress under c's lease in its transaction, so
// that it commits only while this node holds the lease, and a change cut
// short goes on after the last batch committed. A user written by another
// request between the batch's read and its write is not overwritten: the
// write carries the version read (storage.ErrStale), and the batch is
// read and decided again.
func (s *Service) rekeyUsers(ctx context.Context, c *rekeyClaim, p *pool, each func(*storage.User) bool, clash *string) (int, error) {
	pg := storage.Page{Token: c.prog.Token, Limit: rekeyBatchMin * 10}
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
			if cur.cfg.Deleting != nil {
				return poolNotFound(p.rec.ID) // its users are about to go
			}
			if !sameMark(cur.cfg, p.cfg) {
				return errRekeyMoved()
			}
			users, nxt, err := tx.Users().List(ctx, p.rec.ID, pg)
			if err != nil {
				return err
			}
			next, n = nxt, 0
			if s.rekeyHook != nil {
				s.rekeyHook("listed")
			}
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
			return s.recordProgress(ctx, tx, c, rekeyProgress{Token: next, Count: c.prog.Count + n})
		})
		if errors.Is(err, storage.ErrBadPageToken) && pg.Token != "" && pg.Token == c.prog.Token {
			// A recorded token the store no longer reads (an older
			// release's, a damaged row): the pass starts over, which is
			// correct, only slower; failing would fail every resume.
			s.log.Warn("re-keying: the recorded progress is unreadable; the pass starts over", "lease", c.name)
			c.prog, pg.Token = rekeyProgress{}, ""
			continue
		}
		if err != nil {
			return c.prog.Count, err
		}
		c.prog = rekeyProgress{Token: next, Count: c.prog.Count + n}
		if s.rekeyHook != nil {
			s.rekeyHook("batch")
		}
		if next == "" {
			return c.prog.Count, nil
		}
		pg.Token = next
		pg.Limit = storage.NextBatch(pg.Limit, time.Since(t0), rekeyBatchTarget, rekeyBatchMin, rekeyBatchMax)
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
