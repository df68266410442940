package userpool

import (
	"context"
	"slices"
	"strconv"
	"strings"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Audit events of the CognateAdmin operations that change a pool's
// required and sign-in attributes.
const (
	EventRequiredAttributeUpdated = "RequiredAttributeUpdated"
	EventSignInAttributesUpdated  = "SignInAttributesUpdated"
)

// UpdateCustomAttribute (CognateAdmin) changes a custom attribute's Mutable
// flag and its string or number constraints in one transaction. Users keep
// their values: the new constraints apply when a value is next written,
// and the answer counts (naming up to maxUsersNamed) the users whose
// values they would refuse. AttributeDataType and DeveloperOnlyAttribute
// cannot change (a developer-only attribute is stored under another name).
// Tokens are unchanged. Audited (CustomAttributeUpdated).
func (s *Service) UpdateCustomAttribute(ctx context.Context, in *ca.UpdateCustomAttributeInput) (*ca.CustomAttribute, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	base := customBase(in.Name)
	if base == "" {
		return nil, errorf(InvalidParameter, "%s is not a custom attribute.", in.Name)
	}
	var def cip.SchemaAttributeType
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		i := customIndex(cfg.SchemaAttributes, base)
		if i < 0 {
			return errorf(InvalidParameter, "user.%s: Attribute does not exist in the schema.", in.Name)
		}
		def = cfg.SchemaAttributes[i]
		if in.Mutable != nil {
			def.Mutable = ptr(*in.Mutable)
		}
		if c := in.StringAttributeConstraints; c != nil {
			if def.AttributeDataType != "String" {
				return errorf(InvalidParameter, "%s is a %s attribute: it has no StringAttributeConstraints.", def.Name, def.AttributeDataType)
			}
			def.StringAttributeConstraints = &cip.StringAttributeConstraintsType{MinLength: c.MinLength, MaxLength: c.MaxLength}
		}
		if c := in.NumberAttributeConstraints; c != nil {
			if def.AttributeDataType != "Number" {
				return errorf(InvalidParameter, "%s is a %s attribute: it has no NumberAttributeConstraints.", def.Name, def.AttributeDataType)
			}
			def.NumberAttributeConstraints = &cip.NumberAttributeConstraintsType{MinValue: c.MinValue, MaxValue: c.MaxValue}
		}
		if err := checkConstraints(def.Name, def.AttributeDataType, def); err != nil {
			return err
		}
		cfg.SchemaAttributes[i] = def
		return nil
	})
	if err != nil {
		return nil, err
	}
	count, named, err := s.countUsers(ctx, p.rec.ID, func(u *storage.User) bool {
		v, ok := u.Attributes[def.Name]
		return ok && checkValue(def, v) != nil
	})
	if err != nil {
		return nil, err
	}
	out := &ca.CustomAttribute{UserPoolId: p.rec.ID, Name: def.Name, AttributeDataType: def.AttributeDataType,
		DeveloperOnlyAttribute: def.DeveloperOnlyAttribute, Mutable: def.Mutable,
		UsersOutOfConstraints: ptr(int32(count)), SomeUsersOutOfConstraints: named}
	details := map[string]string{"Name": def.Name, "Mutable": strconv.FormatBool(boolv(def.Mutable)), "UsersOutOfConstraints": strconv.Itoa(count)}
	if c := def.StringAttributeConstraints; c != nil {
		out.StringAttributeConstraints = &ca.StringAttributeConstraintsType{MinLength: c.MinLength, MaxLength: c.MaxLength}
		details["MinLength"], details["MaxLength"] = c.MinLength, c.MaxLength
	}
	if c := def.NumberAttributeConstraints; c != nil {
		out.NumberAttributeConstraints = &ca.NumberAttributeConstraintsType{MinValue: c.MinValue, MaxValue: c.MaxValue}
		details["MinValue"], details["MaxValue"] = c.MinValue, c.MaxValue
	}
	s.auditPoolChange(ctx, p.rec.ID, EventCustomAttributeUpdated, details)
	return out, nil
}

// UpdateRequiredAttribute (CognateAdmin) makes a standard attribute
// required or not. No user changes: users lacking a newly required
// attribute keep signing in, and are asked for it when they next set a
// password in a NEW_PASSWORD_REQUIRED challenge; every user created
// afterwards (SignUp, AdminCreateUser, a federated first sign-in) must
// have it. The answer counts (naming up to maxUsersNamed) the users
// lacking it. Audited (RequiredAttributeUpdated).
func (s *Service) UpdateRequiredAttribute(ctx context.Context, in *ca.UpdateRequiredAttributeInput) (*ca.RequiredAttribute, error) {
	if in.Required == nil {
		return nil, errorf(InvalidParameter, "Required is required.")
	}
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Name == "sub" || in.Name == "identities":
		return nil, errorf(InvalidParameter, "%s cannot be changed.", in.Name)
	case !isStandardAttribute(in.Name) && customBase(in.Name) != "":
		if _, ok := p.schemaAttribute(in.Name); ok {
			return nil, errorf(InvalidParameter, "Required custom attributes are not supported currently.")
		}
	}
	want := *in.Required
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		i := indexOfAttribute(cfg.SchemaAttributes, in.Name)
		if i < 0 || !isStandardAttribute(in.Name) {
			return errorf(InvalidParameter, "user.%s: Attribute does not exist in the schema.", in.Name)
		}
		cfg.SchemaAttributes[i].Required = ptr(want)
		return nil
	})
	if err != nil {
		return nil, err
	}
	count, named, err := s.countUsers(ctx, p.rec.ID, func(u *storage.User) bool { return u.Attributes[in.Name] == "" })
	if err != nil {
		return nil, err
	}
	s.auditPoolChange(ctx, p.rec.ID, EventRequiredAttributeUpdated, map[string]string{
		"Name": in.Name, "Required": strconv.FormatBool(want), "UsersMissing": strconv.Itoa(count),
	})
	return &ca.RequiredAttribute{UserPoolId: p.rec.ID, Name: in.Name, Required: ptr(want),
		UsersMissing: ptr(int32(count)), SomeUsersMissing: named}, nil
}

// eachUser calls fn with every user of the pool, read through st a page
// at a time, in ListUsers order; it stops at fn's first error.
func eachUser(ctx context.Context, st storage.Stores, poolID string, fn func(*storage.User) error) error {
	pg := storage.Page{Limit: 1000}
	for {
		users, next, err := st.Users().List(ctx, poolID, pg)
		if err != nil {
			return err
		}
		for i := range users {
			if err := fn(&users[i]); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		pg.Token = next
	}
}

// countUsers counts the pool's users for which match holds, page by page
// (each page its own read), and names the first maxUsersNamed of them.
func (s *Service) countUsers(ctx context.Context, poolID string, match func(*storage.User) bool) (int, []string, error) {
	n, named := 0, []string{}
	pg := storage.Page{Limit: 1000}
	for {
		users, next, err := s.store.Users().List(ctx, poolID, pg)
		if err != nil {
			return 0, nil, err
		}
		for i := range users {
			if match(&users[i]) {
				if n++; len(named) < maxUsersNamed {
					named = append(named, users[i].Username)
				}
			}
		}
		if next == "" {
			return n, named, nil
		}
		pg.Token = next
	}
}

// UpdateSignInAttributes (CognateAdmin) changes a pool's AliasAttributes
// and UsernameAttributes (a member left out stays as it is), which Cognito
// fixes at creation. Every user whose lookup keys change gets those of the
// new rule, in short transactions (changeSignInRule, rekey.go), with the
// pool correct throughout: a user is found by
// a new alias (a verified email or phone number, or preferred_username,
// of a confirmed user) or by the email or phone number that became a
// username at once, and no longer by one removed. Refused, naming the
// users, when two users would share a key. Users keep their usernames,
// passwords and tokens; users created afterwards get a sub as username
// when UsernameAttributes are set, as Cognito gives them. Audited
// (SignInAttributesUpdated).
func (s *Service) UpdateSignInAttributes(ctx context.Context, in *ca.UpdateSignInAttributesInput) (*ca.SignInAttributes, error) {
	if err := checkSignInList("AliasAttributes", in.AliasAttributes, aliasKinds); err != nil {
		return nil, err
	}
	if err := checkSignInList("UsernameAttributes", in.UsernameAttributes, []string{storage.LookupEmail, storage.LookupPhoneNumber}); err != nil {
		return nil, err
	}
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	to, rekeyed, err := s.changeSignInRule(ctx, p, func(r signInRule) (signInRule, error) {
		if in.AliasAttributes != nil {
			r.AliasAttributes = slices.Clone(in.AliasAttributes)
		}
		if in.UsernameAttributes != nil {
			r.UsernameAttributes = slices.Clone(in.UsernameAttributes)
		}
		if len(r.AliasAttributes) > 0 && len(r.UsernameAttributes) > 0 {
			return r, errorf(InvalidParameter, "Only one of AliasAttributes and UsernameAttributes can be set in a User Pool.")
		}
		return r, nil
	}, "The sign-in attributes cannot change", false)
	if err != nil {
		return nil, err
	}
	alias, username := to.AliasAttributes, to.UsernameAttributes
	s.auditPoolChange(ctx, p.rec.ID, EventSignInAttributesUpdated, map[string]string{
		"AliasAttributes": strings.Join(alias, ","), "UsernameAttributes": strings.Join(username, ","),
		"UsersRekeyed": strconv.Itoa(rekeyed),
	})
	return &ca.SignInAttributes{UserPoolId: p.rec.ID, AliasAttributes: alias, UsernameAttributes: username,
		UsersRekeyed: ptr(int32(rekeyed))}, nil
}

// checkSignInList checks a list of sign-in attributes: each one of
// allowed, none twice.
func checkSignInList(member string, list, allowed []string) error {
	for i, a := range list {
		if !slices.Contains(allowed, a) {
			return errorf(InvalidParameter, "%s may hold only %s; %q is not one of them.", member, strings.Join(allowed, ", "), a)
		}
		if slices.Contains(list[:i], a) {
			return errorf(InvalidParameter, "%s lists %s twice.", member, a)
		}
	}
	return nil
}
