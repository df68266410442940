package userpool

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Usernames and aliases are Unicode text, and one name has several
// spellings: "é" is U+00E9 in NFC and "e" + U+0301 in NFD (what macOS
// keyboards and some libraries send). Every lookup key is NFC (Unicode
// Standard Annex #15), so both spellings name one user, and a new user's
// username is stored in NFC (canonicalName), so AdminGetUser and the
// tokens show one spelling whichever was typed.
//
// Keys are computed when a user is written. Users written before keys were
// NFC keep their keys until their next write, which recomputes them; to
// find those, lookups try the key the old rule made (legacyKey) first when
// it differs. No migration rewrites them.

// canonicalName is the spelling a new username is stored in: NFC.
func canonicalName(v string) string { return norm.NFC.String(v) }

// key normalises a username or alias for lookup: NFC, and in
// case-insensitive pools lower case (of the NFC form, normalised again, as
// lowering can decompose: "İ" is "i" + U+0307); the user's own case is
// kept for display.
func (p *pool) key(v string) string {
	v = norm.NFC.String(v)
	if p.caseSensitive() {
		return v
	}
	return norm.NFC.String(strings.ToLower(v))
}

// legacyKey is the key v had before keys were NFC: v itself, lower-cased
// in case-insensitive pools.
func (p *pool) legacyKey(v string) string {
	if p.caseSensitive() {
		return v
	}
	return strings.ToLower(v)
}

// getByKey finds the user whose lookup of the given kind is name's key,
// trying the legacy key first when it differs (see canonicalName).
func (s *Service) getByKey(ctx context.Context, p *pool, kind, name string) (storage.User, error) {
	users := s.store.Users()
	if legacy, key := p.legacyKey(name), p.key(name); legacy != key {
		u, err := users.GetByLookup(ctx, p.rec.ID, kind, legacy)
		if !errors.Is(err, storage.ErrNotFound) {
			return u, err
		}
	}
	return users.GetByLookup(ctx, p.rec.ID, kind, p.key(name))
}

// aliasKinds are the attributes a user can sign in with besides the
// username, in the order they are tried.
var aliasKinds = []string{storage.LookupEmail, storage.LookupPhoneNumber, storage.LookupPreferredUsername}

// lookupsFor computes the keys by which u can be found: those of the
// pool's rule (ruleLookups) and, while the pool moves to another rule
// (rekey.go), those of that rule too, the current rule's first.
func (p *pool) lookupsFor(u *storage.User) []storage.Lookup {
	out := p.ruleLookups(u)
	if p.cfg.Rekey == nil || p.cfg.Rekey.To == nil {
		return out
	}
	for _, l := range p.withRule(*p.cfg.Rekey.To).ruleLookups(u) {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// ruleLookups computes the keys by which u can be found under the pool's
// rule: the username always; with UsernameAttributes, the email or phone number; with
// AliasAttributes, each alias once the user is confirmed and (for email and
// phone number) the value is verified.
func (p *pool) ruleLookups(u *storage.User) []storage.Lookup {
	out := []storage.Lookup{{Kind: storage.LookupUsername, Key: p.key(u.Username)}}
	for _, kind := range aliasKinds {
		v := u.Attributes[kind]
		if v == "" {
			continue
		}
		switch {
		case p.usernameAttribute(kind):
			out = append(out, storage.Lookup{Kind: kind, Key: p.key(v)})
		case p.aliasAttribute(kind) && u.Status != "UNCONFIRMED" &&
			(kind == storage.LookupPreferredUsername || u.Attributes[kind+"_verified"] == "true"):
			out = append(out, storage.Lookup{Kind: kind, Key: p.key(v)})
		}
	}
	return out
}

// findUser resolves what a caller calls a username: the username itself,
// an email or phone number (UsernameAttributes or AliasAttributes), a
// preferred_username alias, or the sub. It returns nil, nil when no user
// matches.
func (s *Service) findUser(ctx context.Context, p *pool, name string) (*storage.User, error) {
	users := s.store.Users()
	u, err := s.getByKey(ctx, p, storage.LookupUsername, name)
	if err == nil {
		p.hideRemoved(&u)
		return &u, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	for _, kind := range aliasKinds {
		if !p.usernameAttribute(kind) && !p.aliasAttribute(kind) {
			continue
		}
		u, err = s.getByKey(ctx, p, kind, name)
		if err == nil {
			p.hideRemoved(&u)
			return &u, nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
	}
	if looksLikeUUID(name) {
		u, err = users.GetBySub(ctx, p.rec.ID, strings.ToLower(name))
		if err == nil {
			p.hideRemoved(&u)
			return &u, nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// mustFindUser is findUser for admin operations: a missing user is
// UserNotFoundException.
func (s *Service) mustFindUser(ctx context.Context, p *pool, name string) (*storage.User, error) {
	u, err := s.findUser(ctx, p, name)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errorf(UserNotFound, msgUserNotFound)
	}
	return u, nil
}

// adminUser finds the pool and user an admin operation names: a missing
// pool is ResourceNotFoundException, a missing user UserNotFoundException.
func (s *Service) adminUser(ctx context.Context, poolID, username string) (*pool, *storage.User, error) {
	p, err := s.adminPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.mustFindUser(ctx, p, username)
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}

// putUser writes u back and, when u.Version was read with it, counts the
// write so that u can be written again in the same request.
// storage.ErrStale when a concurrent request wrote the user since u was
// read.
func putUser(ctx context.Context, st storage.Stores, u *storage.User) error {
	if err := st.Users().Put(ctx, *u); err != nil {
		return err
	}
	if u.Version != 0 {
		u.Version++
	}
	return nil
}

func looksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
		default:
			return false
		}
	}
	return true
}

// saveUser writes u with freshly computed lookups, turning a lookup
// conflict into the exception Cognito gives for it, and a pool or user
// that a concurrent request deleted into ResourceNotFoundException or
// UserNotFoundException.
func (s *Service) saveUser(ctx context.Context, st storage.Stores, p *pool, u *storage.User, create bool) error {
	in, err := s.inForce(ctx, st, p)
	if err != nil {
		return err
	}
	if create { // its verifiers, if any, were made under p
		pinNameVerifier(p, in, u)
	}
	return s.saveInForce(ctx, st, in, u, create)
}

// saveInForce is saveUser for a p that inForce returned in st; the
// caller has pinned u's new SRP verifiers (pinNameVerifier).
func (s *Service) saveInForce(ctx context.Context, st storage.Stores, p *pool, u *storage.User, create bool) error {
	var err error
	u.Lookups = p.lookupsFor(u)
	for _, l := range u.Lookups {
		other, err := st.Users().GetByLookup(ctx, p.rec.ID, l.Kind, l.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if other.Sub == u.Sub {
			continue
		}
		if dropped, err := dropStaleKey(ctx, st, p, &other, l); dropped || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		return lookupConflict(p, l.Kind)
	}
	if create {
		if err = st.Users().Create(ctx, *u); err == nil {
			u.Version = 1
		}
	} else {
		err = putUser(ctx, st, u)
	}
	switch {
	case errors.Is(err, storage.ErrConflict):
		return lookupConflict(p, storage.LookupUsername)
	case errors.Is(err, storage.ErrNotFound) && create:
		// The pool was deleted since the request read it.
		return poolNotFound(p.rec.ID)
	case errors.Is(err, storage.ErrNotFound):
		// The user was deleted since the request read it.
		return errorf(UserNotFound, msgUserNotFound)
	}
	return err
}

// inForce is p, or, when the pool's sign-in rule or re-keying mark in
// st's view of the store differs from p's, the pool as stored: a user's
// keys must be those of the rule in force when the write commits, not of
// a node's cached copy (cacheTTL), which a re-key that does not wait for
// other nodes' caches, or a request that held p for long, would otherwise
// leave behind (rekey.go). Reading the pool's row in the transaction also
// orders the write against a re-key's steps on PostgreSQL (SERIALIZABLE).
// Commonly one narrow read by primary key: the settings are read and
// parsed only when the pool's UpdatedAt differs from p's, and once per
// change of the pool (cache.stored).
func (s *Service) inForce(ctx context.Context, st storage.Stores, p *pool) (*pool, error) {
	at, err := st.Pools().UpdatedAt(ctx, p.rec.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, poolNotFound(p.rec.ID)
	}
	if err != nil || at.Equal(p.rec.UpdatedAt) {
		return p, err
	}
	cur := s.cache.storedPool(p.rec.ID, at)
	if cur == nil {
		rec, err := st.Pools().Get(ctx, p.rec.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, poolNotFound(p.rec.ID)
		}
		if err != nil {
			return nil, err
		}
		if cur, err = parsePool(rec); err != nil {
			return nil, err
		}
		cur.readOnly = p.readOnly
		s.cache.keepStored(cur)
	}
	if sameMark(cur.cfg, p.cfg) {
		return p, nil
	}
	if !maps.Equal(cur.readOnly, p.readOnly) {
		// The kept pool is shared, and the read-only attributes are the
		// caller's (from the server's settings, not the pool's row).
		in := *cur
		in.readOnly = p.readOnly
		return &in, nil
	}
	return cur, nil
}

func lookupConflict(p *pool, kind string) error {
	switch {
	case kind == storage.LookupUsername:
		return errorf(UsernameExists, "User already exists")
	case p.usernameAttribute(kind):
		return errorf(UsernameExists, "An account with the given %s already exists.", attrWord(kind))
	default:
		return errorf(AliasExists, "An account with the given %s already exists.", attrWord(kind))
	}
}

func attrWord(kind string) string {
	if kind == storage.LookupPhoneNumber {
		return "phone_number"
	}
	return kind
}
