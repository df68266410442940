package userpool

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// SRP verifiers. Every password a user gets passes through hashPassword,
// which also computes the salt and verifiers USER_SRP_AUTH needs. A
// verifier v = g^x binds the pool name and one user id, the one the
// challenge shows as USER_ID_FOR_SRP (see srpUserID). A user gets, under
// one salt, the verifiers the pool's challenges can show (srpNeeds): one
// bound to their username as the pool compares it (lower-cased where
// usernames are case-insensitive) where challenges show usernames, and
// one bound to their sub where a challenge may show the sub instead,
// which is when they sign in by an alias (so that a challenge never maps
// an email address, phone number or preferred_username to a username), or
// when the username is the sub. A pool without alias attributes thus
// keeps one verifier a user, as Cognito does. A user who lacks the
// verifier a challenge would be shown by (aliases added to the pool
// later) is shown by the one they have, the username, as Cognito shows
// it, until their next password sign-in adds the other (upgradeSRP). The
// stored forms are in srp_stored.go.
//
// A verifier lets whoever holds it test password guesses offline as fast as
// a plain hash, so each is sealed with the server key, bound to its pool and
// user; the salt is stored in hex, as SALT is sent.

func srpVerifierAAD(u *storage.User) []byte {
	return []byte("srp-verifier:" + u.PoolID + ":" + u.Sub)
}

// srpNeeds reports which verifiers a password of u gets in pool p: one
// bound to the username's key where challenges show usernames and the
// username is not the sub, one bound to the sub wherever a challenge may
// show the sub (a user signing in by an alias, or every challenge where
// names are not shown).
func (p *pool) srpNeeds(u *storage.User) (byName, bySub bool) {
	byName = p.srpShowsNames() && p.key(u.Username) != u.Sub
	return byName, !byName || len(p.cfg.AliasAttributes) > 0
}

// srpVerifiersFor computes a new salt and the sealed verifiers of pw for u
// in pool p, as stored in SRPSalt and SRPVerifier.
func (s *Service) srpVerifiersFor(p *pool, u *storage.User, pw string) (salt string, verifiers storage.SRPVerifiers) {
	pool := srp.PoolName(u.PoolID)
	rawSalt := srp.NewSalt()
	needName, needSub := p.srpNeeds(u)
	var byName, bySub []byte
	if needName {
		byName = s.ring.Seal(srp.VerifierWithSalt(pool, p.key(u.Username), pw, rawSalt), srpVerifierAAD(u))
	}
	if needSub {
		bySub = s.ring.Seal(srp.VerifierWithSalt(pool, u.Sub, pw, rawSalt), srpVerifierAAD(u))
	}
	verifiers = encodeSRP(byName, bySub)
	if to := p.cfg.Rekey; needName && to != nil && to.To != nil && p.withRule(*to.To).key(u.Username) != p.key(u.Username) {
		// The pool is moving to a rule under which the username has
		// another key, and re-keying may have passed this user: bind the
		// name's verifier to the old key explicitly, as re-keying does
		// (dropNameVerifier), not to whatever the key is when it is read.
		held := storage.User{SRPVerifier: verifiers}
		dropNameVerifier(&held, p.key(u.Username))
		verifiers = held.SRPVerifier
	}
	return hex.EncodeToString(rawSalt), verifiers
}

// pinNameVerifier pins u's verifier bound to the username's key, newly
// made under made (a node's cached pool), to the key it was made for when
// in, the pool in force (inForce), reads that binding as another key: a
// re-key passed made's rule meanwhile. It does as re-keying does
// (dropNameVerifier). Left alone, the verifier would be read as bound to
// a key it was not made for, and hasCurrentSRP would call it current, so
// USER_SRP_AUTH would fail until the next password change.
func pinNameVerifier(made, in *pool, u *storage.User) {
	if made == in {
		return
	}
	key := made.key(u.Username)
	moved := in.key(u.Username) != key
	if to := in.cfg.Rekey; to != nil && to.To != nil && in.withRule(*to.To).key(u.Username) != key {
		moved = true
	}
	if moved {
		dropNameVerifier(u, key)
	}
}

// srpBindings maps each user id one of u's verifiers binds to that sealed
// verifier (nil when stored text does not decode).
func (p *pool) srpBindings(u *storage.User) map[string][]byte {
	if u.SRPVerifier == "" || u.SRPSalt == "" {
		return nil
	}
	bs, text := parseSRP(u.SRPVerifier)
	out := make(map[string][]byte, len(bs))
	for _, b := range bs {
		switch {
		case b.kind == srpBySub:
			out[u.Sub] = b.sealed
		case b.kind == srpByName:
			out[p.key(u.Username)] = b.sealed
		case !text:
			out[b.id] = b.sealed
		case p.key(u.Username) == u.Sub:
			out[u.Sub] = b.sealed // one id: the username is the sub
		default:
			out[u.Username] = b.sealed // stored before there were two
		}
	}
	return out
}

// hasCurrentSRP reports whether u has the verifiers srpVerifiersFor gives
// (not missing, not stored before there were two), in the binary form.
func (p *pool) hasCurrentSRP(u *storage.User) bool {
	if _, text := parseSRP(u.SRPVerifier); text {
		return false
	}
	b := p.srpBindings(u)
	_, bySub := b[u.Sub]
	_, byName := b[p.key(u.Username)]
	needName, needSub := p.srpNeeds(u)
	return (bySub || !needSub) && (byName || !needName)
}

// srpVerifier opens u's verifier bound to userID. ok is false when u has
// none bound to it (no password, or one set before Cognate stored
// verifiers of that binding).
func (s *Service) srpVerifier(p *pool, u *storage.User, userID string) (v []byte, ok bool, err error) {
	sealed, found := p.srpBindings(u)[userID]
	if !found {
		return nil, false, nil
	}
	v, err = s.ring.Open(sealed, srpVerifierAAD(u))
	if err != nil {
		return nil, false, fmt.Errorf("userpool: SRP verifier of %s: %w", u.Sub, err)
	}
	return v, true, nil
}

// upgradeSRP gives a user who signed in with the right password, and
// lacks the verifiers hashPassword gives (users whose password was set
// before Cognate stored them, or imported with a foreign hash), those
// verifiers, so that USER_SRP_AUTH works for them from then on as for
// everyone. A password stored as a foreign hash (or argon2id with other
// parameters) is hashed again with Cognate's argon2id in the same
// transaction. It changes nothing when the password changed since it was
// checked.
func (s *Service) upgradeSRP(ctx context.Context, p *pool, u *storage.User, pw string) error {
	rehash := password.NeedsRehash(u.PasswordHash)
	if p.hasCurrentSRP(u) && !rehash {
		return nil
	}
	checked := u.PasswordHash
	salt, verifier := s.srpVerifiersFor(p, u, pw)
	var hash string
	if rehash {
		h, err := s.hasher.Hash(ctx, pw)
		if err != nil {
			return err
		}
		hash = h
	}
	saved, err := s.updateUser(ctx, p, u.Sub, func(_ storage.Stores, cur *storage.User) error {
		if cur.PasswordHash != checked || (p.hasCurrentSRP(cur) && !rehash) {
			return errNoChange
		}
		cur.SRPSalt, cur.SRPVerifier = salt, verifier
		if rehash {
			cur.PasswordHash = hash
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rehash {
		s.log.Info("imported password hash replaced", "pool", p.rec.ID, "sub", u.Sub)
	}
	*u = *saved
	return nil
}

// fakeSRP is the verifier behind challenges for users who cannot pass
// PASSWORD_VERIFIER (unknown, or without a verifier): a verifier for a
// random password, drawn once per process.
type fakeSRP struct {
	once     sync.Once
	verifier []byte
}

func (s *Service) fakeVerifier() []byte {
	f := &s.fakeSRP
	f.once.Do(func() {
		_, f.verifier = srp.NewVerifier("fake", "fake", secret.RandomString(32, secret.Alnum))
	})
	return f.verifier
}

// fakeSalt returns the SALT shown for a name no verifier stands behind:
// stable per pool and name, unguessable without the server secret, and of
// the shape of real salts (16 bytes, padded as srp.NewVerifier pads them).
func (s *Service) fakeSalt(ctx context.Context, p *pool, name string) (string, error) {
	d, err := s.derive(ctx, "srp-salt", p.rec.ID, p.key(name))
	if err != nil {
		return "", err
	}
	salt := d[:16]
	if salt[0]&0x80 != 0 {
		salt = append([]byte{0}, salt...)
	}
	return hex.EncodeToString(salt), nil
}

// srpShowsNames reports whether USER_SRP_AUTH may show a user by name:
// only where usernames are the users' own (no UsernameAttributes, whose
// usernames are subs) and a name that could be a username can be nothing
// else (no preferred_username alias, which can be any name). Elsewhere
// every challenge shows a sub, or a fake one.
func (p *pool) srpShowsNames() bool {
	return len(p.cfg.UsernameAttributes) == 0 && !p.aliasAttribute(storage.LookupPreferredUsername)
}

// srpUserID is the USER_ID_FOR_SRP (and USERNAME) of the challenge for
// user u, named typed: the username as the pool compares it when typed is
// the username and the pool shows names, else the sub (so that an email
// address, phone number or preferred_username never maps to a username).
// A user with one verifier, bound to another id, is shown by that id: the
// username, where the pool needs no other (srpNeeds) or the verifier
// predates that rule.
func (p *pool) srpUserID(u *storage.User, typed string) string {
	id := p.shownUserID(u, typed)
	b := p.srpBindings(u)
	if _, ok := b[id]; !ok && len(b) == 1 {
		for legacy := range b {
			return legacy
		}
	}
	return id
}

// shownUserID is how a challenge before any credential shows user u,
// named typed: by the username as the pool compares it when typed is the
// username and the pool shows names (srpShowsNames), else by the sub.
func (p *pool) shownUserID(u *storage.User, typed string) string {
	if p.srpShowsNames() && p.key(typed) == p.key(u.Username) {
		return p.key(u.Username)
	}
	return u.Sub
}

// fakeUserID returns the USER_ID_FOR_SRP shown for a name no user holds,
// of the form a user would be shown by (srpUserID): a sub-shaped name as a
// sub is shown (lower-cased); the name as the pool compares it where the
// pool shows names and the name could be a username; otherwise a stable
// UUID derived from the server secret, as a sub would be.
func (s *Service) fakeUserID(ctx context.Context, p *pool, name string) (string, error) {
	switch {
	case looksLikeUUID(name):
		return strings.ToLower(name), nil
	case p.srpShowsNames() && !p.aliasShaped(name):
		return p.key(name), nil
	}
	d, err := s.derive(ctx, "srp-user-id", p.rec.ID, p.key(name))
	if err != nil {
		return "", err
	}
	return uuidOf(d), nil
}

// uuidOf formats the first 16 bytes of d as a version-4 UUID, the form of
// a sub.
func uuidOf(d []byte) string {
	b := append([]byte(nil), d[:16]...)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// aliasShaped reports whether name has the form of an email or phone alias
// of the pool, which no username may have (newUser refuses them).
func (p *pool) aliasShaped(name string) bool {
	for _, a := range []string{"email", "phone_number"} {
		if p.aliasAttribute(a) && p.looksLike(a, name) {
			return true
		}
	}
	return false
}
