package identitypool

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// resolution is the outcome of resolving verified logins to an identity.
type resolution struct {
	svc           *Service
	pool          *ipool
	identity      storage.Identity
	logins        []*login
	authenticated bool
	// The user-pool user the request speaks for: that of the first
	// user-pool login presented (or sign-in an OpenID token presented
	// derives from) or, failing that, one linked to the identity.
	userPoolID, userSub, username string
}

// open resolves the identity named by an unsigned request (GetCredentials-
// ForIdentity, GetOpenIdToken): it loads the identity's pool, verifies the
// logins and resolves them.
func (s *Service) open(ctx context.Context, identityID string, logins map[string]string) (*resolution, error) {
	id, err := s.store.Identities().Get(ctx, identityID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, identityNotFound(identityID)
	}
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, s.store, id.PoolID)
	if err != nil {
		return nil, err
	}
	ls, err := s.verifyLogins(ctx, p, logins, false)
	if err != nil {
		return nil, err
	}
	return s.resolve(ctx, p, identityID, ls, false)
}

// resolve finds or creates the identity for verified logins, in one
// transaction, linking new logins and merging identities as the AWS
// developer guide describes. identityID is the identity the caller named
// ("" for GetId). trusted is set for signed developer operations, whose
// caller may link logins to any identity of the pool.
//
// The rules:
//   - no identity named: the logins' identity, or a new one (a guest one
//     without logins, if the pool allows guests);
//   - an identity named without logins: only a guest identity, and only
//     while the pool allows guests;
//   - an identity named with logins: one of them must already belong to
//     it, unless it is a guest identity (whose new logins are linked to
//     it, or which merges into the identity the logins belong to);
//   - logins that belong to other identities merge those into the result;
//     logins that belong to none are linked to it (one per public
//     provider: a second is ResourceConflictException).
//
// Most requests present logins already linked to their identity, which
// changes nothing. Those are first resolved on committed data without a
// transaction (readOnly): the writer is not taken, so they neither wait
// for nor hold up writes. Any other outcome, an error included, is decided
// again in the transaction. A read-only success is consistent: it found
// every login linked to the identity it returns, and a merge or deletion
// moves or removes the logins with the identity in one transaction, so at
// the time of the last read that was the answer.
func (s *Service) resolve(ctx context.Context, p *ipool, identityID string, ls []*login, trusted bool) (*resolution, error) {
	if !trusted {
		if res, err := s.resolveTx(ctx, s.store, p, identityID, ls, false, true); err == nil {
			return res, nil
		}
	}
	var res *resolution
	run := func() error {
		return s.store.InTx(ctx, func(tx storage.Stores) error {
			var err error
			res, err = s.resolveTx(ctx, tx, p, identityID, ls, trusted, false)
			return err
		})
	}
	err := run()
	if errors.Is(err, storage.ErrConflict) {
		// A concurrent request linked the same new login first; now it
		// resolves to that request's identity.
		err = run()
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// errNeedsWrite stops a read-only resolution that would change something.
var errNeedsWrite = errors.New("identitypool: resolution needs a transaction")

// resolveTx resolves in tx. With readOnly it reads through tx (then the
// store itself) and fails with errNeedsWrite before any write.
func (s *Service) resolveTx(ctx context.Context, tx storage.Stores, p *ipool, identityID string, ls []*login, trusted, readOnly bool) (*resolution, error) {
	ids := tx.Identities()
	now := s.now()
	r := &resolution{svc: s, pool: p, logins: ls, authenticated: len(ls) > 0}
	var events []storage.AuditEvent

	var target *storage.Identity
	merged := false
	if identityID != "" {
		id, err := ids.Get(ctx, identityID)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && id.PoolID != p.rec.ID) {
			return nil, identityNotFound(identityID)
		}
		if err != nil {
			return nil, err
		}
		id, merged, err = follow(ctx, ids, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, identityNotFound(identityID) // merged into an identity since deleted
		}
		if err != nil {
			return nil, err
		}
		target = &id
	}

	owners := map[string]storage.Identity{}
	for _, l := range ls {
		l.owner = ""
		var ownerID string
		if l.kind == kindCognito {
			ownerID = l.identityID
		} else {
			row, err := ids.FindLogin(ctx, p.rec.ID, l.provider, l.subject)
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if l.kind == kindUserPool && row.UserSub == "" {
				return nil, errorf(NotAuthorized, "Invalid login token. The user has been deleted.")
			}
			ownerID = row.IdentityID
		}
		var o storage.Identity
		if target != nil && ownerID == target.ID {
			o = *target // the common case: a login of the identity named
		} else {
			var err error
			o, err = ids.Get(ctx, ownerID)
			if err == nil {
				o, _, err = follow(ctx, ids, o)
			}
			if errors.Is(err, storage.ErrNotFound) {
				return nil, errorf(NotAuthorized, "Invalid login token. Its identity no longer exists.")
			}
			if err != nil {
				return nil, err
			}
		}
		if trusted && l.kind == kindDeveloper && target != nil && o.ID != target.ID {
			return nil, errorf(DeveloperUserAlreadyRegistered,
				"The provided developer user identifier is already registered with Cognito under a different identity ID.")
		}
		l.owner = o.ID
		owners[o.ID] = o
	}

	var result storage.Identity
	var guestMerged *storage.Identity
	switch {
	case target == nil && len(owners) > 0:
		result = oldest(owners)
	case target == nil:
		if len(ls) == 0 && !p.cfg.AllowUnauthenticatedIdentities {
			return nil, errorf(NotAuthorized, msgUnauthDisabled)
		}
		if readOnly {
			return nil, errNeedsWrite
		}
		result = storage.Identity{ID: p.rec.Region + ":" + uuid.NewString(), PoolID: p.rec.ID, CreatedAt: now, UpdatedAt: now}
		if err := ids.Create(ctx, result); err != nil {
			return nil, err
		}
		events = append(events, r.eventFor(EventIdentityCreated, result, nil))
	case len(ls) == 0:
		switch {
		case merged:
			return nil, forbidden(identityID)
		case !target.LinkedAt.IsZero():
			return nil, errorf(NotAuthorized, msgLoginsMismatch)
		case !p.cfg.AllowUnauthenticatedIdentities:
			return nil, errorf(NotAuthorized, msgUnauthDisabled)
		}
		result = *target
	default:
		_, owns := owners[target.ID]
		authenticated := merged || !target.LinkedAt.IsZero()
		switch {
		case owns || trusted:
			result = *target
		case authenticated:
			return nil, forbidden(identityID)
		case len(owners) > 0:
			// A guest signing in with a login of another identity: the
			// guest merges into it, as in AWS's "switching identities".
			result = oldest(owners)
			guestMerged = target
		default:
			result = *target
		}
	}

	if readOnly && (guestMerged != nil || mergesOthers(owners, result.ID)) {
		return nil, errNeedsWrite
	}
	if guestMerged != nil {
		ev, err := s.merge(ctx, tx, r, *guestMerged, &result, now)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
	}
	for _, oid := range sortedKeys(owners) {
		if oid == result.ID {
			continue
		}
		ev, err := s.merge(ctx, tx, r, owners[oid], &result, now)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
	}
	for _, l := range ls {
		if l.owner != "" {
			l.owner = result.ID // merged into the result if it was not there
		}
	}

	// The identity's stored logins are needed only to link new ones, or to
	// name the user when no user-pool login was presented; the common
	// case (a known login) needs no read.
	var linked []storage.IdentityLogin
	loaded := false
	load := func() error {
		if loaded {
			return nil
		}
		var err error
		linked, err = ids.Logins(ctx, result.ID)
		loaded = err == nil
		return err
	}
	changed := false
	for _, l := range ls {
		if !l.linkable() || l.owner != "" {
			continue
		}
		if readOnly {
			return nil, errNeedsWrite // a new link
		}
		if err := load(); err != nil {
			return nil, err
		}
		if err := oneLoginPerProvider(linked, l.provider, l.subject, l.kind == kindDeveloper, result.ID); err != nil {
			return nil, err
		}
		if l.kind == kindUserPool {
			// A token outliving its deleted user must not link a login
			// that names nobody.
			if _, err := tx.Users().GetBySub(ctx, l.userPoolID, l.userSub); errors.Is(err, storage.ErrNotFound) {
				return nil, errorf(NotAuthorized, "Invalid login token. The user has been deleted.")
			} else if err != nil {
				return nil, err
			}
		}
		row := storage.IdentityLogin{
			IdentityID: result.ID, IdentityPoolID: p.rec.ID, Provider: l.provider, Subject: l.subject,
			UserPoolID: l.userPoolID, UserSub: l.userSub, CreatedAt: now,
		}
		if err := ids.AddLogin(ctx, row); err != nil {
			return nil, err
		}
		linked = append(linked, row)
		l.owner = result.ID
		changed = true
		ev := r.eventFor(EventLoginLinked, result, map[string]string{"Provider": l.provider})
		ev.UserPoolID, ev.UserSub, ev.Username = l.userPoolID, l.userSub, l.username
		events = append(events, ev)
	}
	if changed {
		if result.LinkedAt.IsZero() {
			result.LinkedAt = now
		}
		result.UpdatedAt = now
		if err := ids.Update(ctx, result); err != nil {
			return nil, err
		}
	}
	r.identity = result

	for _, l := range ls {
		if l.userSub != "" { // a user-pool login, or an OpenID token derived from one
			r.userPoolID, r.userSub, r.username = l.userPoolID, l.userSub, l.username
			break
		}
	}
	if r.userSub == "" && r.authenticated {
		if err := load(); err != nil {
			return nil, err
		}
		if err := r.userFromLinks(ctx, tx, linked); err != nil {
			return nil, err
		}
	}
	for _, e := range events {
		if err := tx.Audit().Record(ctx, e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// userFromLinks names the user of the identity's first linked user-pool
// login, for an identity opened without one (a developer token).
func (r *resolution) userFromLinks(ctx context.Context, tx storage.Stores, linked []storage.IdentityLogin) error {
	for _, l := range linked {
		if l.UserSub == "" {
			continue
		}
		u, err := tx.Users().GetBySub(ctx, l.UserPoolID, l.UserSub)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		r.userPoolID, r.userSub, r.username = l.UserPoolID, l.UserSub, u.Username
		return nil
	}
	return nil
}

// merge moves the logins of from to into and disables from (MergedInto).
func (s *Service) merge(ctx context.Context, tx storage.Stores, r *resolution, from storage.Identity, into *storage.Identity, now time.Time) ([]storage.AuditEvent, error) {
	ids := tx.Identities()
	moving, err := ids.Logins(ctx, from.ID)
	if err != nil {
		return nil, err
	}
	existing, err := ids.Logins(ctx, into.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range moving {
		dev := l.Provider == r.pool.cfg.DeveloperProviderName
		if err := oneLoginPerProvider(existing, l.Provider, l.Subject, dev, into.ID); err != nil {
			return nil, err
		}
		if err := ids.RemoveLogin(ctx, l.IdentityPoolID, l.Provider, l.Subject); err != nil {
			return nil, err
		}
		l.IdentityID = into.ID
		if err := ids.AddLogin(ctx, l); err != nil {
			return nil, err
		}
		existing = append(existing, l)
	}
	from.MergedInto, from.UpdatedAt = into.ID, now
	if err := ids.Update(ctx, from); err != nil {
		return nil, err
	}
	if into.LinkedAt.IsZero() && (len(moving) > 0 || !from.LinkedAt.IsZero()) {
		into.LinkedAt = now
	}
	into.UpdatedAt = now
	if err := ids.Update(ctx, *into); err != nil {
		return nil, err
	}
	ev := r.eventFor(EventIdentitiesMerged, *into, map[string]string{"MergedIdentityId": from.ID})
	return []storage.AuditEvent{ev}, nil
}

// oneLoginPerProvider enforces "You may only link one login per public
// provider" (developer providers may have several user identifiers).
func oneLoginPerProvider(linked []storage.IdentityLogin, provider, subject string, developer bool, identityID string) error {
	if developer {
		return nil
	}
	for _, l := range linked {
		if l.Provider == provider && l.Subject != subject {
			return errorf(ResourceConflict, "Identity '%s' already has a login for %s; only one login per provider can be linked.", identityID, provider)
		}
	}
	return nil
}

// follow walks MergedInto links to the identity that now owns id's logins.
func follow(ctx context.Context, ids storage.Identities, id storage.Identity) (storage.Identity, bool, error) {
	merged := false
	for hops := 0; id.MergedInto != "" && hops < 16; hops++ {
		next, err := ids.Get(ctx, id.MergedInto)
		if err != nil {
			return storage.Identity{}, false, err
		}
		id, merged = next, true
	}
	return id, merged, nil
}

// oldest picks the identity that survives a merge: the oldest.
func oldest(m map[string]storage.Identity) storage.Identity {
	var best storage.Identity
	for _, id := range m {
		if best.ID == "" || id.CreatedAt.Before(best.CreatedAt) ||
			(id.CreatedAt.Equal(best.CreatedAt) && id.ID < best.ID) {
			best = id
		}
	}
	return best
}

// mergesOthers reports whether owners holds identities other than result,
// which resolving merges into it.
func mergesOthers(owners map[string]storage.Identity, result string) bool {
	for id := range owners {
		if id != result {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
