// Package ratelimit limits request rates per source address, per app
// client and per user, by Cognito's quota categories, and stops password
// spraying: an address whose wrong passwords have named too many
// different users is refused further sign-ins for a while. (Guessing one
// user's password is the sign-in lockout's business; trying a few common
// passwords on many users is a spray, which no per-user limit sees.)
//
// Limits are kept in memory on each node (the generic cell rate
// algorithm: one timestamp per key). A limit shared across nodes would
// cost a database round trip, and on SQLite an fsync, on every request:
// more than most operations being limited. Set per-node limits to the
// cluster's limit divided by the nodes behind the load balancer. The
// limit that matters most across nodes, wrong passwords for one user, is
// the sign-in lockout, which is kept in the database and shared.
package ratelimit

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Scopes a limit is counted in.
const (
	ScopeAddress = "address"
	ScopeClient  = "client"
	ScopeUser    = "user"
)

// Limit is a sustained rate with a burst.
type Limit struct {
	PerSecond float64
	Burst     int
}

// Rules are the limits by scope and category; a category without a limit
// in a scope is not limited there.
type Rules map[string]map[string]Limit

// Defaults limit what abuse is made of, per address and per app client:
// sign-ins (credential stuffing; 200 a second from one address is more
// than a node's CPU can check passwords for, and Cognito allows 120 a
// second to a whole account), federated sign-ins and SAML logouts (each
// costs a provider round trip or a signature check), sign-ups and
// account recovery (message floods). Sprays are stopped by the spray rule. Reads and updates, which
// need a valid access token, and refreshes, which need a refresh token
// nobody can guess, are not limited by default: one backend calling
// GetUser a thousand times a second is a customer, not an attack. No
// per-user limit is set by default either: guessing one user's password
// or codes meets the lockout and the codes' attempt limits, which answer
// with Cognito's own errors.
func Defaults() Rules {
	return Rules{
		ScopeAddress: {UserAuthentication: {200, 400}, UserCreation: {50, 200}, UserAccountRecovery: {50, 200}, UserFederation: {50, 200}},
		ScopeClient:  {UserAuthentication: {2000, 4000}, UserCreation: {1000, 2000}, UserAccountRecovery: {1000, 2000}},
	}
}

// Options configure a Limiter.
type Options struct {
	Rules Rules
	// SprayUsers and Window are the spray rule: once wrong passwords from
	// one address have named SprayUsers different users within a Window,
	// its sign-ins are refused until the window ends. SprayUsers 0 turns
	// the rule off.
	SprayUsers int
	Window     time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limiter decides whether requests may proceed. It is safe for concurrent
// use.
type Limiter struct {
	rules  Rules
	spray  int
	window time.Duration
	now    func() time.Time
	seed   maphash.Seed
	shards [64]shard
}

type shard struct {
	mu    sync.Mutex
	cells map[string]time.Time // theoretical arrival time (GCRA)
	fails map[string]*window   // users with wrong passwords, by address
}

type window struct {
	start time.Time
	users map[uint64]struct{} // hashed names, up to the limit
}

// New returns a Limiter.
func New(o Options) *Limiter {
	l := &Limiter{rules: o.Rules, spray: o.SprayUsers, window: o.Window, now: o.Now, seed: maphash.MakeSeed()}
	if l.now == nil {
		l.now = time.Now
	}
	for i := range l.shards {
		l.shards[i].cells = map[string]time.Time{}
		l.shards[i].fails = map[string]*window{}
	}
	return l
}

func (l *Limiter) shard(key string) *shard {
	return &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
}

// Allow counts one request of category in scope for key (an address, a
// client id, a user) and reports whether it is within the limit. An
// empty key, or a category without a limit in that scope, is allowed.
func (l *Limiter) Allow(scope, category, key string) bool {
	lim, ok := l.rules[scope][category]
	if !ok || key == "" || lim.PerSecond <= 0 {
		return true
	}
	interval := time.Duration(float64(time.Second) / lim.PerSecond)
	tolerance := interval * time.Duration(max(lim.Burst, 1))
	id := scope + "\x00" + category + "\x00" + key
	sh := l.shard(id)
	now := l.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	tat := sh.cells[id]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	if next.Sub(now) > tolerance {
		return false
	}
	sh.cells[id] = next
	return true
}

// WrongPassword counts a wrong password for user (a name, as typed, with
// whatever scopes it: pool or client) from address.
func (l *Limiter) WrongPassword(address, user string) {
	if l.spray <= 0 || address == "" {
		return
	}
	sh := l.shard(address)
	now := l.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	w := sh.fails[address]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now, users: map[uint64]struct{}{}}
		sh.fails[address] = w
	}
	if len(w.users) < l.spray {
		w.users[maphash.String(l.seed, user)] = struct{}{}
	}
}

// Blocked reports whether the spray rule refuses sign-ins from address.
func (l *Limiter) Blocked(address string) bool {
	if l.spray <= 0 || address == "" {
		return false
	}
	sh := l.shard(address)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	w := sh.fails[address]
	return w != nil && l.now().Sub(w.start) < l.window && len(w.users) >= l.spray
}

// Sweep forgets cells whose allowance is full again and failure windows
// that ended, so memory follows the active keys. Call it every minute or
// so.
func (l *Limiter) Sweep() {
	now := l.now()
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		for k, tat := range sh.cells {
			if tat.Before(now) {
				delete(sh.cells, k)
			}
		}
		for k, w := range sh.fails {
			if now.Sub(w.start) >= l.window {
				delete(sh.fails, k)
			}
		}
		sh.mu.Unlock()
	}
}

// ParseRules reads limits over base: "off" for none, "" or "default" for
// base, or comma-separated "scope:Category=rate[/burst]" entries that
// replace base's (rate per second; burst defaults to rate; rate 0 removes
// the limit).
func ParseRules(spec string, base Rules) (Rules, error) {
	spec = strings.TrimSpace(spec)
	switch spec {
	case "off":
		return Rules{}, nil
	case "", "default":
		return base, nil
	}
	out := Rules{}
	for scope, m := range base {
		out[scope] = map[string]Limit{}
		for c, lim := range m {
			out[scope][c] = lim
		}
	}
	for entry := range strings.SplitSeq(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		sc, rest, ok := strings.Cut(entry, ":")
		cat, val, ok2 := strings.Cut(rest, "=")
		if !ok || !ok2 || (sc != ScopeAddress && sc != ScopeClient && sc != ScopeUser) || !knownCategory(cat) {
			return nil, fmt.Errorf("%q is not scope:Category=rate[/burst] with scope address, client or user and a quota category", entry)
		}
		rateText, burstText, hasBurst := strings.Cut(val, "/")
		rate, err := strconv.ParseFloat(rateText, 64)
		if err != nil || rate < 0 {
			return nil, fmt.Errorf("%q: the rate must be a number of requests per second", entry)
		}
		burst := int(rate + 0.5)
		if hasBurst {
			if burst, err = strconv.Atoi(burstText); err != nil || burst < 1 {
				return nil, fmt.Errorf("%q: the burst must be a positive whole number", entry)
			}
		}
		if out[sc] == nil {
			out[sc] = map[string]Limit{}
		}
		if rate == 0 {
			delete(out[sc], cat)
			continue
		}
		out[sc][cat] = Limit{PerSecond: rate, Burst: max(burst, 1)}
	}
	return out, nil
}

func knownCategory(c string) bool {
	for _, m := range categories {
		for _, v := range m {
			if v == c {
				return true
			}
		}
	}
	return c == ClientAuthentication || c == UserFederation
}
