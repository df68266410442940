package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Audit events of the CognateAdmin operations that change a pool's custom
// attributes.
const (
	EventCustomAttributeDeleted = "CustomAttributeDeleted"
	EventCustomAttributeUpdated = "CustomAttributeUpdated"
)

// sweepBatch is how many users one transaction of DeleteCustomAttribute's
// sweep reads: other writes wait for at most one batch.
const sweepBatch = 100

// maxUsersNamed bounds the users a report of these operations names.
const maxUsersNamed = 20

// DeleteCustomAttribute (CognateAdmin) removes a custom attribute, which
// Cognito cannot. One transaction takes it out of the schema and out of
// every app client's ReadAttributes and WriteAttributes, and marks it
// removed: from then on no AdminGetUser, ListUsers, GetUser or new ID
// token shows a value of it, and it cannot be added back. The values are then deleted from the
// users in batches of sweepBatch users, one transaction each, so that a
// pool of a million users is never locked as a whole; the last step lifts
// the mark. The sweep starts once other nodes' cached schemas (cacheTTL)
// have expired. A call that fails during the sweep (or whose caller gives up)
// is finished by calling it again. An app client whose Read or
// WriteAttributes would be left empty (which means every attribute) is
// refused, named. ID tokens issued before keep the claim until they
// expire. Audited (CustomAttributeDeleted).
func (s *Service) DeleteCustomAttribute(ctx context.Context, in *ca.DeleteCustomAttributeInput) (*ca.CustomAttributeDeletion, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	base := customBase(in.Name)
	if base == "" {
		return nil, errorf(InvalidParameter, "%s is not a custom attribute.", in.Name)
	}
	var name string
	var clients []string
	resumed := false
	err = s.updatePoolTx(ctx, p.rec.ID, func(tx storage.Stores, rec *storage.Pool, cfg *poolConfig) error {
		name, clients, resumed = "", nil, false
		i := customIndex(cfg.SchemaAttributes, base)
		if i < 0 {
			for _, r := range cfg.RemovedAttributes {
				if customBase(r) == base {
					name, resumed = r, true // a sweep to finish
					return nil
				}
			}
			return errorf(InvalidParameter, "user.%s: Attribute does not exist in the schema.", in.Name)
		}
		name = cfg.SchemaAttributes[i].Name
		var err error
		if clients, err = dropFromClients(ctx, tx, rec.ID, name); err != nil {
			return err
		}
		cfg.SchemaAttributes = append(cfg.SchemaAttributes[:i:i], cfg.SchemaAttributes[i+1:]...)
		cfg.RemovedAttributes = append(cfg.RemovedAttributes, name)
		return nil
	})
	for _, id := range clients {
		s.cache.forgetClient(id)
	}
	if err != nil {
		return nil, err
	}
	if !resumed {
		// Other nodes serve the old schema from their caches for up to
		// their lifetime, and may accept a value meanwhile: the sweep
		// starts after it.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(s.cache.ttl):
		}
	}
	swept, err := s.sweepAttribute(ctx, p.rec.ID, name)
	if err != nil {
		return nil, err
	}
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		kept := cfg.RemovedAttributes[:0]
		for _, r := range cfg.RemovedAttributes {
			if r != name {
				kept = append(kept, r)
			}
		}
		cfg.RemovedAttributes = kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.auditPoolChange(ctx, p.rec.ID, EventCustomAttributeDeleted, map[string]string{
		"Name": name, "UsersUpdated": strconv.Itoa(swept), "ClientsUpdated": strconv.Itoa(len(clients)),
	})
	return &ca.CustomAttributeDeletion{UserPoolId: p.rec.ID, Name: name,
		UsersUpdated: ptr(int32(swept)), ClientsUpdated: ptr(int32(len(clients)))}, nil
}

// customBase is the bare name of a custom attribute given as
// "custom:<name>", "dev:custom:<name>" or "<name>"; "" for a standard one.
func customBase(name string) string {
	base := strings.TrimPrefix(strings.TrimPrefix(name, "dev:"), "custom:")
	if base == "" || (base == name && isStandardAttribute(name)) {
		return ""
	}
	return base
}

// customIndex finds the custom attribute of that bare name in schema.
func customIndex(schema []cip.SchemaAttributeType, base string) int {
	if i := indexOfAttribute(schema, "custom:"+base); i >= 0 {
		return i
	}
	return indexOfAttribute(schema, "dev:custom:"+base)
}

// dropFromClients takes attribute name out of the Read and WriteAttributes
// of the pool's app clients, through tx, and returns the ids of those it
// changed. Only those two members of a client's settings are rewritten.
func dropFromClients(ctx context.Context, tx storage.Stores, poolID, name string) ([]string, error) {
	var changed []string
	pg := storage.Page{Limit: 60}
	for {
		recs, next, err := tx.Clients().List(ctx, poolID, pg)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(rec.Config, &doc); err != nil {
				return nil, fmt.Errorf("userpool: client %s settings: %w", rec.ID, err)
			}
			dirty := false
			for _, member := range []string{"ReadAttributes", "WriteAttributes"} {
				var list []string
				if raw, ok := doc[member]; !ok || json.Unmarshal(raw, &list) != nil {
					continue
				}
				kept := make([]string, 0, len(list))
				for _, a := range list {
					if a != name {
						kept = append(kept, a)
					}
				}
				if len(kept) == len(list) {
					continue
				}
				if len(kept) == 0 {
					return nil, errorf(InvalidParameter, "App client %s has only %s in its %s, and an empty list allows every attribute: give it other %s first.",
						rec.ID, name, member, member)
				}
				doc[member], _ = json.Marshal(kept)
				dirty = true
			}
			if !dirty {
				continue
			}
			if rec.Config, err = json.Marshal(doc); err != nil {
				return nil, err
			}
			if err := tx.Clients().Update(ctx, rec); err != nil {
				return nil, err
			}
			changed = append(changed, rec.ID)
		}
		if next == "" {
			return changed, nil
		}
		pg.Token = next
	}
}

// sweepAttribute deletes attribute name from every user of the pool that
// holds it, sweepBatch users to a transaction; it returns how many users
// it changed. A batch that meets a concurrent write of one of its users
// is run again (userTx).
func (s *Service) sweepAttribute(ctx context.Context, poolID, name string) (int, error) {
	total := 0
	pg := storage.Page{Limit: sweepBatch}
	for {
		users, next, err := s.store.Users().List(ctx, poolID, pg)
		if err != nil {
			return total, err
		}
		var subs []string
		for i := range users {
			if _, ok := users[i].Attributes[name]; ok {
				subs = append(subs, users[i].Sub)
			}
		}
		n := 0
		if len(subs) > 0 {
			err = s.userTx(ctx, func(tx storage.Stores) error {
				n = 0
				for _, sub := range subs {
					u, err := tx.Users().GetBySub(ctx, poolID, sub)
					if errors.Is(err, storage.ErrNotFound) {
						continue
					}
					if err != nil {
						return err
					}
					if _, ok := u.Attributes[name]; !ok {
						continue
					}
					delete(u.Attributes, name)
					if err := putUser(ctx, tx, &u); err != nil {
						return err
					}
					n++
				}
				return nil
			})
		}
		if err != nil {
			return total, err
		}
		total += n
		if next == "" {
			return total, nil
		}
		pg.Token = next
	}
}

// hideRemoved deletes from u, as read, the values of custom attributes
// that DeleteCustomAttribute is removing (see RemovedAttributes), so that
// reads during its sweep never show them.
func (p *pool) hideRemoved(u *storage.User) {
	for _, name := range p.cfg.RemovedAttributes {
		delete(u.Attributes, name)
	}
}
