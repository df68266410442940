package userpool

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// EventUsernameConfigurationUpdated is the audit event of
// UpdateUsernameConfiguration.
const EventUsernameConfigurationUpdated = "UsernameConfigurationUpdated"

// maxCollisionsShown bounds how many colliding groups of users the refusal
// of UpdateUsernameConfiguration names.
const maxCollisionsShown = 20

// UpdateUsernameConfiguration (CognateAdmin) makes a pool's usernames, and
// the email addresses, phone numbers and preferred_usernames its users sign
// in with, case-sensitive or case-insensitive after the pool was created.
// Every user gets the lookup keys of the new rule, in short transactions
// (changeSignInRule, rekey.go), with the pool correct throughout (so a user found as "Ann" before is found as
// "ann" too, or no longer). Going case-insensitive is refused, naming the
// users, when two users' names (or sign-in aliases) differ only in case.
// Users keep their passwords; a user whose username's key changes keeps
// only the SRP verifier bound to their sub (which USER_SRP_AUTH challenges
// then show), or, having none, the one bound to their old key (which they
// then show), until their next password change or USER_PASSWORD_AUTH
// sign-in. The change is audited (UsernameConfigurationUpdated). Other
// nodes apply it within their pool cache's lifetime.
func (s *Service) UpdateUsernameConfiguration(ctx context.Context, in *ca.UpdateUsernameConfigurationInput) (*ca.UsernameConfiguration, error) {
	if in.CaseSensitive == nil {
		return nil, errorf(InvalidParameter, "CaseSensitive is required.")
	}
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	want := *in.CaseSensitive
	_, rekeyed, err := s.changeSignInRule(ctx, p, func(r signInRule) (signInRule, error) {
		r.CaseSensitive = want
		return r, nil
	}, "Usernames cannot become case-insensitive", true)
	if err != nil {
		return nil, err
	}
	s.auditPoolChange(ctx, p.rec.ID, EventUsernameConfigurationUpdated, map[string]string{
		"CaseSensitive": strconv.FormatBool(want), "UsersRekeyed": strconv.Itoa(rekeyed),
	})
	return &ca.UsernameConfiguration{UserPoolId: p.rec.ID, CaseSensitive: ptr(want), UsersRekeyed: ptr(int32(rekeyed))}, nil
}

// collisions finds the lookup keys that more than one user would hold. It
// keeps one name per key, and all of them only for keys held twice, so a
// pool of a million users costs one map entry per key.
type collisions struct {
	first  map[storage.Lookup]string
	shared map[storage.Lookup][]string
}

func newCollisions() *collisions {
	return &collisions{first: map[storage.Lookup]string{}, shared: map[storage.Lookup][]string{}}
}

// add records that user name would hold l.
func (c *collisions) add(l storage.Lookup, name string) {
	first, ok := c.first[l]
	switch {
	case !ok:
		c.first[l] = name
	case c.shared[l] == nil:
		c.shared[l] = []string{first, name}
	default:
		c.shared[l] = append(c.shared[l], name)
	}
}

// err is the refusal naming the users of up to maxCollisionsShown shared
// keys, or nil when no key is shared.
func (c *collisions) err(refusal string) error {
	var groups []string
	for l, names := range c.shared {
		sort.Strings(names)
		groups = append(groups, fmt.Sprintf("%s (%s)", strings.Join(names, ", "), attrWord(l.Kind)))
	}
	if len(groups) == 0 {
		return nil
	}
	sort.Strings(groups)
	shown := groups[:min(len(groups), maxCollisionsShown)]
	more := ""
	if len(groups) > len(shown) {
		more = fmt.Sprintf("; and %d more", len(groups)-len(shown))
	}
	return errorf(InvalidParameter, "%s: %d groups of users would share a name: %s%s. Rename or delete all but one user of each and try again.",
		refusal, len(groups), strings.Join(shown, "; "), more)
}

// dropNameVerifier keeps only the user's SRP verifier bound to their sub
// (see srpBindings) when they have one: the one bound to the username was
// made for oldKey, the key of the old rule. A user whose only verifier is
// bound to the username keeps it, bound to oldKey by name, which their
// challenges then show (srpUserID) until their next password sign-in.
func dropNameVerifier(u *storage.User, oldKey string) {
	bs, text := parseSRP(u.SRPVerifier)
	switch {
	case text:
		if _, bySub, ok := strings.Cut(string(u.SRPVerifier), "."); ok && bySub != "" {
			u.SRPVerifier = storage.SRPVerifiers("." + bySub)
		}
	case len(bs) == 2:
		u.SRPVerifier = encodeSRP(nil, bs[1].sealed)
	case len(bs) == 1 && bs[0].kind == srpByName && len(oldKey) <= 255:
		u.SRPVerifier = encodeSRPBindings(false, []srpBinding{{kind: srpByID, id: oldKey, sealed: bs[0].sealed}})
	case len(bs) == 1 && bs[0].kind == srpByName:
		u.SRPVerifier = "" // a key too long to store: the next password sign-in gives new verifiers
	}
}

// auditPoolChange records a change of a pool's settings in the audit log.
// The change has happened: a failure to record it is logged.
func (s *Service) auditPoolChange(ctx context.Context, poolID, kind string, details map[string]string) {
	id, err := uuid.NewV7()
	if err != nil {
		id = uuid.New()
	}
	e := storage.AuditEvent{ID: id.String(), Time: s.now(), Type: kind, UserPoolID: poolID, Details: details}
	if err := s.store.Audit().Record(ctx, e); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("userpool: audit", "type", kind, "pool", poolID, "err", err)
	}
}
