package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/google/uuid"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// Federated sign-in: a user an external provider vouched for (see
// internal/federation) becomes a user of the pool.
//
//   - An identity linked to a user (AdminLinkProviderForUser, or the
//     automatic link below) signs in as that user.
//   - Otherwise the user is "<ProviderName>_<id>" (id: the provider
//     attribute AttributeMapping maps to username, by default the
//     subject), created at the first sign-in with UserStatus
//     EXTERNAL_PROVIDER, and its mapped attributes are refreshed from the
//     provider at every sign-in, as Cognito does.
//   - Beyond Cognito, a provider whose ProviderDetails say
//     cognate_link_verified_email=true links a first sign-in to the
//     pool's native user with the same email when the provider says the
//     email is verified (email_verified true) and the pool's user has it
//     verified too. An unverified email on either side never links: that
//     would hand the account to whoever typed the address. Each automatic
//     link is an audit event (ProviderLinked).

// DetailLinkVerifiedEmail is the ProviderDetails key that turns on linking
// by verified email for a provider.
const DetailLinkVerifiedEmail = "cognate_link_verified_email"

// statusExternal is the UserStatus of users created by federated sign-in.
const statusExternal = "EXTERNAL_PROVIDER"

// ExternalIdentity is a user as an external provider vouched for them.
type ExternalIdentity struct {
	// Provider is the provider's name in the pool.
	Provider string
	// Subject is the provider's id for the user (OIDC sub, SAML NameID,
	// Facebook id, Amazon user_id).
	Subject string
	// Issuer is the provider's issuer or SAML entity id.
	Issuer string
	// Attributes are what the provider said about the user.
	Attributes map[string]string
}

// FederatedSignIn returns the user that a sign-in through app client
// clientID with an external identity signs in, creating or refreshing
// a federated user as Cognito does (see above). The caller has checked
// the identity (internal/federation) and that the client supports the
// provider; it issues the tokens.
func (s *Service) FederatedSignIn(ctx context.Context, poolID, clientID string, id ExternalIdentity) (*storage.User, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	prov, err := poolProvider(p, "provider", id.Provider)
	if err != nil {
		return nil, err
	}
	if id.Subject == "" {
		return nil, errorf(InvalidParameter, "The identity provider named no user.")
	}
	if u, ok, err := s.LinkedUser(ctx, p.rec.ID, prov.Name, id.Subject); err != nil {
		return nil, err
	} else if ok {
		return enabledUser(u)
	}
	name := prov.Name + "_" + id.Subject
	if claim := prov.Mapping["username"]; claim != "" && id.Attributes[claim] != "" {
		name = prov.Name + "_" + id.Attributes[claim]
	}
	given, err := s.InboundFederation(ctx, p.rec.ID, clientID, name, prov.Name, prov.Type, inboundAttributes(prov.Type, id.Attributes))
	if err != nil {
		return nil, err
	}
	mapped := mapAttributes(prov.Mapping, given)
	if u, err := s.linkedByAttribute(ctx, p, prov, mapped); err != nil || u != nil {
		return u, err
	}
	if existing, err := s.federatedUser(ctx, p, prov.Name, name[len(prov.Name)+1:]); err != nil {
		return nil, err
	} else if existing != nil {
		return s.refreshFederatedUser(ctx, p, existing, mapped)
	}
	if prov.Details[DetailLinkVerifiedEmail] == "true" {
		if u, err := s.linkByVerifiedEmail(ctx, p, prov, id, mapped); err != nil || u != nil {
			return u, err
		}
	}
	return s.createFederatedUser(ctx, p, prov, id, name, mapped)
}

// linkedByAttribute finds the user an OIDC or SAML identity is linked to
// by a mapped attribute: AdminLinkProviderForUser with a
// ProviderAttributeName other than Cognito_Subject names a pool attribute
// the provider's claim is mapped to, and its value.
func (s *Service) linkedByAttribute(ctx context.Context, p *pool, prov *storedProvider, mapped map[string]string) (*storage.User, error) {
	if socialProviders[prov.Type] {
		return nil, nil
	}
	for attr, v := range mapped {
		l, err := s.store.ProviderLinks().Get(ctx, p.rec.ID, prov.Name, v)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && l.AttributeName != attr) {
			continue
		}
		if err != nil {
			return nil, err
		}
		u, err := s.store.Users().GetBySub(ctx, p.rec.ID, l.Sub)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return enabledUser(&u)
	}
	return nil, nil
}

// enabledUser refuses a disabled user as sign-in does.
func enabledUser(u *storage.User) (*storage.User, error) {
	if !u.Enabled {
		return nil, errorf(NotAuthorized, "User is disabled.")
	}
	return u, nil
}

// inboundAttributes files the provider's attributes where the inbound
// federation trigger expects them: SAML's in samlResponse, the social
// OAuth providers' in userInfo, the OIDC providers' in idToken.
func inboundAttributes(typ string, attrs map[string]string) triggers.InboundFederationAttributes {
	switch typ {
	case "SAML":
		return triggers.InboundFederationAttributes{SAMLResponse: attrs}
	case "Facebook", "LoginWithAmazon":
		return triggers.InboundFederationAttributes{UserInfo: attrs}
	}
	return triggers.InboundFederationAttributes{IDToken: attrs}
}

// mapAttributes applies an AttributeMapping (pool attribute -> provider
// attribute) to what the provider said.
func mapAttributes(mapping, given map[string]string) map[string]string {
	out := map[string]string{}
	for attr, from := range mapping {
		if attr == "username" {
			continue
		}
		if v, ok := given[from]; ok {
			out[attr] = v
		}
	}
	return out
}

// refreshFederatedUser writes the provider's mapped attributes onto a
// federated user at sign-in.
func (s *Service) refreshFederatedUser(ctx context.Context, p *pool, u *storage.User, mapped map[string]string) (*storage.User, error) {
	if _, err := enabledUser(u); err != nil {
		return nil, err
	}
	changed := false
	for k, v := range mapped {
		if u.Attributes[k] != v {
			changed = true
		}
	}
	if !changed {
		return u, nil
	}
	out, err := s.updateUser(ctx, p, u.Sub, func(_ storage.Stores, u *storage.User) error {
		if !u.Enabled {
			return errorf(NotAuthorized, "User is disabled.")
		}
		for k, v := range mapped {
			u.Attributes[k] = v
		}
		u.UpdatedAt = s.now()
		return nil
	})
	return out, err
}

// createFederatedUser creates "<provider>_<id>" at its first sign-in.
func (s *Service) createFederatedUser(ctx context.Context, p *pool, prov *storedProvider, id ExternalIdentity, name string, mapped map[string]string) (*storage.User, error) {
	now := s.now()
	u := &storage.User{
		PoolID: p.rec.ID, Sub: uuid.NewString(), Username: canonicalName(name), Status: statusExternal,
		Enabled: true, Attributes: mapped, CreatedAt: now, UpdatedAt: now,
	}
	if missing := p.missingRequired(u.Attributes); missing != "" {
		return nil, schemaError(missing, "The attribute is required")
	}
	primary := identity{
		UserID: id.Subject, ProviderName: prov.Name, ProviderType: prov.Type, Primary: "true",
		DateCreated: strconv.FormatInt(now.UnixMilli(), 10),
	}
	if id.Issuer != "" && prov.Type != "SAML" {
		primary.Issuer = &id.Issuer
	}
	doc, err := json.Marshal([]identity{primary})
	if err != nil {
		return nil, err
	}
	u.Attributes["identities"] = string(doc)
	if _, err := s.preSignUp(ctx, p, nil, u, "PreSignUp_ExternalProvider", nil, nil); err != nil {
		return nil, err
	}
	err = s.userTx(ctx, func(tx storage.Stores) error { return s.saveUser(ctx, tx, p, u, true) })
	var e *Error
	if errors.As(err, &e) && e.Kind == UsernameExists {
		// A concurrent first sign-in created the user: sign in as it.
		existing, err := s.federatedUser(ctx, p, prov.Name, name[len(prov.Name)+1:])
		if err != nil || existing == nil {
			return nil, errors.Join(errorf(UsernameExists, "User account already exists"), err)
		}
		return enabledUser(existing)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// errNotLinked ends an automatic link that, on the user as stored, is not
// to be made.
var errNotLinked = errors.New("userpool: not linked")

// linkByVerifiedEmail links a first federated sign-in to the pool's
// native user with the same verified email, when the provider says the
// email is verified too; nil when there is no such user.
func (s *Service) linkByVerifiedEmail(ctx context.Context, p *pool, prov *storedProvider, id ExternalIdentity, mapped map[string]string) (*storage.User, error) {
	email := mapped["email"]
	if email == "" || id.Attributes["email_verified"] != "true" {
		return nil, nil
	}
	users, _, err := s.store.Users().Search(ctx, p.rec.ID, storage.UserFilter{Key: "email", Value: email}, storage.Page{Limit: 2})
	if err != nil {
		return nil, err
	}
	var native []storage.User
	for _, u := range users {
		if u.Status != statusExternal && u.Attributes["email"] == email && u.Attributes["email_verified"] == "true" {
			native = append(native, u)
		}
	}
	if len(native) != 1 {
		return nil, nil // none, or more than one: no way to choose
	}
	l := storage.ProviderLink{
		PoolID: p.rec.ID, ProviderName: prov.Name, Subject: id.Subject,
		AttributeName: attrCognitoSubject, Sub: native[0].Sub, CreatedAt: s.now(),
	}
	u, err := s.updateUser(ctx, p, native[0].Sub, func(tx storage.Stores, u *storage.User) error {
		if u.Attributes["email"] != email || u.Attributes["email_verified"] != "true" {
			return errNotLinked
		}
		links, err := tx.ProviderLinks().ListByUser(ctx, p.rec.ID, u.Sub)
		if err != nil {
			return err
		}
		if len(links) >= maxLinkedIdentities {
			return errNotLinked
		}
		if err := tx.ProviderLinks().Create(ctx, l); err != nil {
			return err
		}
		return s.setIdentities(p, u, append(links, l))
	})
	switch {
	case errors.Is(err, errNotLinked):
		return nil, nil
	case errors.Is(err, storage.ErrConflict):
		// A concurrent sign-in linked the identity: sign in as its user.
		if u, ok, err := s.LinkedUser(ctx, p.rec.ID, prov.Name, id.Subject); err != nil || !ok {
			return nil, err
		} else {
			return enabledUser(u)
		}
	case err != nil:
		return nil, err
	}
	s.auditPoolChange(ctx, p.rec.ID, "ProviderLinked", map[string]string{
		"provider": prov.Name, "subject": id.Subject, "sub": u.Sub, "username": u.Username, "reason": "verified email",
	})
	return enabledUser(u)
}

// ProviderConfig is an identity provider of a pool as federated sign-in
// uses it: its details with the secrets opened.
type ProviderConfig struct {
	Name, Type string
	Details    map[string]string
	// Mapping is the AttributeMapping (pool attribute -> provider
	// attribute).
	Mapping map[string]string
}

// FederationProvider returns the identity provider of pool poolID named
// name, or, when name is empty, the one with IdP identifier identifier
// (idp_identifier on /oauth2/authorize); ResourceNotFoundException when
// there is none.
func (s *Service) FederationProvider(ctx context.Context, poolID, name, identifier string) (*ProviderConfig, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	for i := range p.cfg.IdentityProviders {
		sp := &p.cfg.IdentityProviders[i]
		if (name != "" && sp.Name == name) || (name == "" && identifier != "" && contains(sp.Identifiers, identifier)) {
			details, err := s.providerDetails(p.rec.ID, sp, true)
			if err != nil {
				return nil, err
			}
			return &ProviderConfig{Name: sp.Name, Type: sp.Type, Details: details, Mapping: sp.Mapping}, nil
		}
	}
	return nil, providerNotFound(name + identifier)
}

// ProviderNames lists the names of the pool's identity providers, for the
// sign-in page's buttons.
func (s *Service) ProviderNames(ctx context.Context, poolID string) []string {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(p.cfg.IdentityProviders))
	for _, sp := range p.cfg.IdentityProviders {
		out = append(out, sp.Name)
	}
	return out
}
