package userpool

import (
	"context"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// pendingPrefix marks the reserved attributes that hold a new email
// address or phone number waiting for verification
// (AttributesRequireVerificationBeforeUpdate). No schema attribute has this
// name, so no caller can write one, and attributeList and clientReadable
// never show one.
const pendingPrefix = "cognate:pending:"

func pendingKey(attr string) string { return pendingPrefix + attr }

// verifiable are the attributes Cognito verifies with a code.
var verifiable = []string{"email", "phone_number"}

// UpdateUserAttributes changes the signed-in user's attributes, as far as
// the client's WriteAttributes allow.
func (s *Service) UpdateUserAttributes(ctx context.Context, in *cip.UpdateUserAttributesRequest) (*cip.UpdateUserAttributesResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if msg := c.pool.unknownAttributes(attributeNames(in.UserAttributes)); msg != "" {
		return nil, errorf(InvalidParameter, "%s", msg)
	}
	details, err := s.updateAttributes(withClientMetadata(ctx, in.ClientMetadata), c.pool, c.user, in.UserAttributes, writer{client: c.client})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserAttributesResponse{CodeDeliveryDetailsList: details}, nil
}

// AdminUpdateUserAttributes changes a user's attributes as an admin, who
// may also mark an email address or phone number verified.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *cip.AdminUpdateUserAttributesRequest) (*cip.AdminUpdateUserAttributesResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if msg := p.unknownAttributes(attributeNames(in.UserAttributes)); msg != "" {
		return nil, errorf(InvalidParameter, "%s", msg)
	}
	if _, err := s.updateAttributes(withClientMetadata(ctx, in.ClientMetadata), p, u, in.UserAttributes, writer{admin: true}); err != nil {
		return nil, err
	}
	return &cip.AdminUpdateUserAttributesResponse{}, nil
}

// DeleteUserAttributes removes attributes of the signed-in user.
func (s *Service) DeleteUserAttributes(ctx context.Context, in *cip.DeleteUserAttributesRequest) (*cip.DeleteUserAttributesResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if msg := c.pool.unknownAttributes(in.UserAttributeNames); msg != "" {
		return nil, errorf(InvalidParameter, "Invalid user attributes: %s", msg)
	}
	if _, err := s.updateAttributes(ctx, c.pool, c.user, deletions(in.UserAttributeNames), writer{client: c.client}); err != nil {
		return nil, err
	}
	return &cip.DeleteUserAttributesResponse{}, nil
}

// AdminDeleteUserAttributes removes attributes of a user as an admin.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *cip.AdminDeleteUserAttributesRequest) (*cip.AdminDeleteUserAttributesResponse, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if msg := p.unknownAttributes(in.UserAttributeNames); msg != "" {
		return nil, errorf(InvalidParameter, "Invalid user attributes: %s", msg)
	}
	if _, err := s.updateAttributes(ctx, p, u, deletions(in.UserAttributeNames), writer{admin: true}); err != nil {
		return nil, err
	}
	return &cip.AdminDeleteUserAttributesResponse{}, nil
}

// deletions turns attribute names into updates with empty values, which
// delete.
func deletions(names []string) []cip.AttributeType {
	out := make([]cip.AttributeType, len(names))
	for i, n := range names {
		out[i] = cip.AttributeType{Name: n}
	}
	return out
}

// updateAttributes applies an update (an empty value deletes) and saves
// the user. A new email address or phone number becomes unverified and,
// when the pool verifies it automatically, gets a code; with
// AttributesRequireVerificationBeforeUpdate the old value stays (and
// still signs the user in) until the new one is verified. An admin who
// sets <attr>_verified to true in the same request skips verification.
func (s *Service) updateAttributes(ctx context.Context, p *pool, u *storage.User, attrs []cip.AttributeType, w writer) ([]cip.CodeDeliveryDetailsType, error) {
	if err := p.checkAttributes(attrs, w, false); err != nil {
		return nil, err
	}
	// Read the user again and write it in one transaction: concurrent
	// updates of different attributes must not drop each other's.
	var send []attrDelivery
	var codes []string
	saved, err := s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		next, deliveries, err := p.applyAttributes(cur, attrs, w)
		if err != nil {
			return err
		}
		*cur = *next
		cur.UpdatedAt = s.now()
		send, codes = deliveries, make([]string, len(deliveries))
		for i, d := range deliveries {
			codes[i] = newCodeValue()
			if err := s.putCode(ctx, tx, cur, purposeVerify+d.attr, d.to, codes[i], verifyCodeTTL); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, asAliasExists(err)
	}
	*u = *saved

	details := []cip.CodeDeliveryDetailsType{}
	for i, d := range send {
		dd, err := s.sendCode(ctx, p, w.client, u, d.attr, d.to, msgUpdateAttribute, codes[i])
		if err != nil {
			return nil, err
		}
		details = append(details, *dd)
	}
	return details, nil
}

// attrDelivery is a verification code to send for a changed attribute.
type attrDelivery struct{ attr, to string }

// applyAttributes returns u with an attribute update applied and the
// verification codes to send, or the error that refuses the update. It
// only computes: updateAttributes runs it on the user as stored, inside
// the transaction that saves the result.
func (p *pool) applyAttributes(u *storage.User, attrs []cip.AttributeType, w writer) (*storage.User, []attrDelivery, error) {
	given := make(map[string]string, len(attrs))
	for _, a := range attrs {
		given[a.Name] = a.Value
	}
	for name, v := range given {
		if strings.HasSuffix(name, "_verified") && !w.admin {
			return nil, nil, errorf(NotAuthorized, "A client attempted to write unauthorized attribute")
		}
		if v != "" {
			continue
		}
		if def, _ := p.schemaAttribute(name); boolv(def.Required) {
			return nil, nil, schemaError(name, "The attribute is required")
		}
		if p.usernameAttribute(name) && p.usernameAttributeHeld(u) == name {
			return nil, nil, errorf(InvalidParameter, "Cannot delete the %s attribute: the user signs in with it.", name)
		}
	}

	next := cloneUser(u)
	var send []attrDelivery
	for _, attr := range verifiable {
		v, changed := given[attr]
		if !changed {
			continue
		}
		delete(next.Attributes, pendingKey(attr))
		switch {
		case v == u.Attributes[attr]:
			// Unchanged: its verification stands (unless set alongside).
			if _, ok := given[attr+"_verified"]; !ok {
				delete(given, attr)
			}
		case v == "":
			delete(next.Attributes, attr+"_verified")
			delete(given, attr+"_verified")
		case given[attr+"_verified"] == "true":
			// An admin vouches for the new value.
		case p.verifiesBeforeUpdate(attr) && u.Attributes[attr] != "":
			next.Attributes[pendingKey(attr)] = v
			delete(given, attr)
			send = append(send, attrDelivery{attr, v})
		default:
			given[attr+"_verified"] = "false"
			if contains(p.cfg.AutoVerifiedAttributes, attr) {
				send = append(send, attrDelivery{attr, v})
			}
		}
	}
	for name, v := range given {
		if v == "" {
			delete(next.Attributes, name)
		} else {
			next.Attributes[name] = v
		}
	}
	return next, send, nil
}

// verifiesBeforeUpdate reports whether a change of attr waits for
// verification (AttributesRequireVerificationBeforeUpdate, which Cognito
// applies to auto-verified attributes).
func (p *pool) verifiesBeforeUpdate(attr string) bool {
	us := p.cfg.UserAttributeUpdateSettings
	return us != nil && contains(us.AttributesRequireVerificationBeforeUpdate, attr) &&
		contains(p.cfg.AutoVerifiedAttributes, attr)
}

// usernameAttributeHeld names the UsernameAttributes attribute the user
// signed up with, "" when none.
func (p *pool) usernameAttributeHeld(u *storage.User) string {
	held := ""
	for _, a := range p.cfg.UsernameAttributes {
		if u.Attributes[a] != "" {
			if held != "" {
				return "" // holds both: either may go
			}
			held = a
		}
	}
	return held
}

// cloneUser copies a user deeply enough to change its attributes.
func cloneUser(u *storage.User) *storage.User {
	c := *u
	c.Attributes = make(map[string]string, len(u.Attributes))
	for k, v := range u.Attributes {
		c.Attributes[k] = v
	}
	c.Lookups = append([]storage.Lookup(nil), u.Lookups...)
	return &c
}
