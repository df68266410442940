package identitypool

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// Audit event types.
const (
	EventCredentialsIssued   = "CredentialsIssued"
	EventOpenIDToken         = "OpenIdTokenIssued"
	EventIdentityCreated     = "IdentityCreated"
	EventLoginLinked         = "LoginLinked"
	EventLoginUnlinked       = "LoginUnlinked"
	EventIdentitiesMerged    = "IdentitiesMerged"
	EventIdentityDeleted     = "IdentityDeleted"
	EventIdentityPoolDeleted = "IdentityPoolDeleted"
)

// newEvent returns an event with a fresh time-ordered id.
func (s *Service) newEvent(typ string) storage.AuditEvent {
	id, err := uuid.NewV7()
	if err != nil {
		id = uuid.New()
	}
	return storage.AuditEvent{ID: id.String(), Time: s.now(), Type: typ}
}

// eventFor returns an event about identity id in the resolution's context
// (its user, when it has one).
func (r *resolution) eventFor(typ string, id storage.Identity, details map[string]string) storage.AuditEvent {
	e := storage.AuditEvent{Type: typ, IdentityID: id.ID, IdentityPoolID: id.PoolID, Details: details}
	e.UserPoolID, e.UserSub, e.Username = r.userPoolID, r.userSub, r.username
	if e.UserSub == "" {
		for _, l := range r.logins {
			if l.kind == kindUserPool {
				e.UserPoolID, e.UserSub, e.Username = l.userPoolID, l.userSub, l.username
				break
			}
		}
	}
	stamp(&e, r.svc.now().UTC())
	return e
}

// event returns an event about the resolved identity.
func (r *resolution) event(typ, role string, details map[string]string) storage.AuditEvent {
	e := r.eventFor(typ, r.identity, details)
	e.RoleARN = role
	return e
}

// stamp gives an event a time-ordered id and its time, unless set.
func stamp(e *storage.AuditEvent, now time.Time) {
	if e.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			id = uuid.New()
		}
		e.ID = id.String()
	}
	if e.Time.IsZero() {
		e.Time = now
	}
}

// record writes an event outside a transaction. The audit log must not
// fail the operation that already happened: a failure is logged.
func (s *Service) record(ctx context.Context, e storage.AuditEvent) {
	stamp(&e, s.now())
	if err := s.store.Audit().Record(ctx, e); err != nil {
		s.log.Error("identitypool: audit", "type", e.Type, "identity", e.IdentityID, "err", err)
	}
}

// Issuance describes credentials issued by STS's AssumeRoleWithWebIdentity
// for a Cognito OpenID token (the basic flow), for the audit log.
type Issuance struct {
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
	RoleARN        string
	AccessKeyID    string
	Expiration     time.Time
	// Source names the operation, e.g. "sts:AssumeRoleWithWebIdentity".
	Source string
}

// CredentialsIssued records an issuance made outside the identity pool
// (the STS service calls it). It names the user of the identity's first
// linked user-pool login when the issuance does not.
func (s *Service) CredentialsIssued(ctx context.Context, in Issuance) error {
	e := s.newEvent(EventCredentialsIssued)
	e.IdentityID, e.IdentityPoolID, e.RoleARN = in.IdentityID, in.IdentityPoolID, in.RoleARN
	e.UserPoolID, e.Username, e.UserSub = in.UserPoolID, in.Username, in.UserSub
	e.Details = map[string]string{"Source": in.Source, "AccessKeyId": in.AccessKeyID}
	if !in.Expiration.IsZero() {
		e.Details["Expiration"] = in.Expiration.UTC().Format(time.RFC3339)
	}
	if e.UserSub == "" && e.IdentityID != "" {
		logins, err := s.store.Identities().Logins(ctx, e.IdentityID)
		if err != nil {
			return err
		}
		for _, l := range logins {
			if l.UserSub == "" {
				continue
			}
			u, err := s.store.Users().GetBySub(ctx, l.UserPoolID, l.UserSub)
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			e.UserPoolID, e.UserSub, e.Username = l.UserPoolID, l.UserSub, u.Username
			break
		}
	}
	return s.store.Audit().Record(ctx, e)
}

// ListAuditEvents lists audit events newest first, by identity or by user
// (UserPoolId with Username or Sub) and time. An identity of another
// region than the signed one has none.
func (s *Service) ListAuditEvents(ctx context.Context, in *ca.ListAuditEventsInput) (*ca.ListAuditEventsResponse, error) {
	if in.IdentityId != "" && !inRegion(ctx, idRegion(in.IdentityId)) {
		return &ca.ListAuditEventsResponse{Events: []ca.AuditEvent{}}, nil
	}
	f := storage.AuditFilter{IdentityID: in.IdentityId, UserPoolID: in.UserPoolId, UserSub: in.Sub}
	if (in.Username != "" || in.Sub != "") && in.UserPoolId == "" {
		return nil, errorf(InvalidParameter, "UserPoolId is required with Username or Sub.")
	}
	if in.Username != "" {
		u, err := s.users.LookupUser(ctx, in.UserPoolId, in.Username)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, errorf(ResourceNotFound, "User does not exist.")
		}
		if err != nil {
			return nil, err
		}
		if in.Sub != "" && in.Sub != u.Sub {
			return nil, errorf(InvalidParameter, "Username and Sub name different users.")
		}
		f.UserSub = u.Sub
	}
	if in.StartTime != nil {
		f.From = in.StartTime.Time
	}
	if in.EndTime != nil {
		f.To = in.EndTime.Time
	}
	limit := 60
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	events, next, err := s.store.Audit().List(ctx, f, storage.Page{Token: in.NextToken, Limit: limit})
	if err != nil {
		return nil, pageError(err)
	}
	out := &ca.ListAuditEventsResponse{Events: []ca.AuditEvent{}, NextToken: next}
	for _, e := range events {
		out.Events = append(out.Events, ca.AuditEvent{
			EventId: e.ID, EventType: e.Type, EventTime: awstime.New(e.Time), IdentityId: e.IdentityID,
			IdentityPoolId: e.IdentityPoolID, UserPoolId: e.UserPoolID, Username: e.Username, Sub: e.UserSub,
			RoleArn: e.RoleARN, Details: e.Details,
		})
	}
	return out, nil
}

// pageError turns a page token the store did not issue into
// InvalidParameterException.
func pageError(err error) error {
	if errors.Is(err, storage.ErrBadPageToken) {
		return errorf(InvalidParameter, "Invalid pagination token.")
	}
	return err
}
