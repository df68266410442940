package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Linking: AdminLinkProviderForUser links an identity of an external
// provider (its name and the subject it gives, the SourceUser) to a user
// of the pool (the DestinationUser), so that signing in through the
// provider signs the user in. Links are storage.ProviderLinks; the user's
// "identities" attribute lists them as Cognito does, and ID tokens carry
// it as the "identities" claim. Federated sign-in finds a link with
// LinkedUser.

// providerCognito names the pool's own users in a ProviderUserIdentifier.
const providerCognito = "Cognito"

// attrCognitoSubject is the ProviderAttributeName that names the
// provider's subject itself (its sub, id or user_id), as social providers
// require.
const attrCognitoSubject = "Cognito_Subject"

// maxLinkedIdentities is how many external identities can be linked to
// one user, as the developer guide documents.
const maxLinkedIdentities = 5

// socialProviders are the provider types whose identities are linked by
// their subject only (ProviderAttributeName Cognito_Subject).
var socialProviders = map[string]bool{"Google": true, "Facebook": true, "LoginWithAmazon": true, "SignInWithApple": true}

// identity is one entry of the "identities" attribute, as Cognito writes
// it (primary and dateCreated are strings there).
type identity struct {
	UserID       string  `json:"userId"`
	ProviderName string  `json:"providerName"`
	ProviderType string  `json:"providerType"`
	Issuer       *string `json:"issuer"`
	Primary      string  `json:"primary"`
	DateCreated  string  `json:"dateCreated"`
}

// poolProvider returns the pool's identity provider of that name, or an
// InvalidParameterException naming the side of the request (SourceUser,
// DestinationUser, User) that named it.
func poolProvider(p *pool, side, name string) (*storedProvider, error) {
	for i := range p.cfg.IdentityProviders {
		if p.cfg.IdentityProviders[i].Name == name {
			return &p.cfg.IdentityProviders[i], nil
		}
	}
	return nil, errorf(InvalidParameter, "Invalid %s: provider %s does not exist in the user pool.", side, name)
}

// AdminLinkProviderForUser links an external identity (SourceUser) to a
// user of the pool (DestinationUser): a native user named by ProviderName
// Cognito and their username, or a federated user named by provider and
// subject. The source must be an identity of one of the pool's providers,
// named by Cognito_Subject for the social providers, and must not have
// signed in as a user of its own yet (Cognito does not merge users).
// Linking an identity again to the same user changes nothing; to another
// user it is AliasExistsException. A user has at most five links.
func (s *Service) AdminLinkProviderForUser(ctx context.Context, in *cip.AdminLinkProviderForUserRequest) (*Empty, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.SourceUser == nil || in.DestinationUser == nil {
		return nil, errorf(InvalidParameter, "SourceUser and DestinationUser are required.")
	}
	src := in.SourceUser
	switch {
	case src.ProviderName == providerCognito:
		return nil, errorf(InvalidParameter, "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser")
	case src.ProviderName == "" || src.ProviderAttributeName == "" || src.ProviderAttributeValue == "":
		return nil, errorf(InvalidParameter, "Invalid SourceUser: ProviderName, ProviderAttributeName and ProviderAttributeValue are required.")
	}
	prov, err := poolProvider(p, "SourceUser", src.ProviderName)
	if err != nil {
		return nil, err
	}
	if socialProviders[prov.Type] && src.ProviderAttributeName != attrCognitoSubject {
		return nil, errorf(InvalidParameter, "Invalid SourceUser: the ProviderAttributeName of a %s identity must be %s.", prov.Type, attrCognitoSubject)
	}
	dest, err := s.linkDestination(ctx, p, in.DestinationUser)
	if err != nil {
		return nil, err
	}
	if u, err := s.federatedUser(ctx, p, src.ProviderName, src.ProviderAttributeValue); err != nil {
		return nil, err
	} else if u != nil {
		return nil, errorf(InvalidParameter, "Merging is not currently supported, provide a SourceUser that has not been associated with an existing user in the userpool")
	}
	_, err = s.updateUser(ctx, p, dest.Sub, func(tx storage.Stores, u *storage.User) error {
		old, err := tx.ProviderLinks().Get(ctx, p.rec.ID, src.ProviderName, src.ProviderAttributeValue)
		switch {
		case err == nil && old.Sub == u.Sub:
			return errNoChange
		case err == nil:
			return errorf(AliasExists, "The SourceUser is already linked to another user.")
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		links, err := tx.ProviderLinks().ListByUser(ctx, p.rec.ID, u.Sub)
		if err != nil {
			return err
		}
		if len(links) >= maxLinkedIdentities {
			return errorf(LimitExceeded, "A user can have as many as %d linked identities.", maxLinkedIdentities)
		}
		l := storage.ProviderLink{
			PoolID: p.rec.ID, ProviderName: src.ProviderName, Subject: src.ProviderAttributeValue,
			AttributeName: src.ProviderAttributeName, Sub: u.Sub, CreatedAt: s.now(),
		}
		if err := tx.ProviderLinks().Create(ctx, l); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				return errorf(AliasExists, "The SourceUser is already linked to another user.")
			}
			return err
		}
		return s.setIdentities(p, u, append(links, l))
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// linkDestination finds the DestinationUser of a link: a native user by
// username (ProviderName Cognito; ProviderAttributeName is ignored, as in
// Cognito), or a federated user by provider and subject.
func (s *Service) linkDestination(ctx context.Context, p *pool, d *cip.ProviderUserIdentifierType) (*storage.User, error) {
	if d.ProviderName == "" || d.ProviderAttributeValue == "" {
		return nil, errorf(InvalidParameter, "Invalid DestinationUser: ProviderName and ProviderAttributeValue are required.")
	}
	if d.ProviderName == providerCognito {
		return s.mustFindUser(ctx, p, d.ProviderAttributeValue)
	}
	if _, err := poolProvider(p, "DestinationUser", d.ProviderName); err != nil {
		return nil, err
	}
	if u, ok, err := s.LinkedUser(ctx, p.rec.ID, d.ProviderName, d.ProviderAttributeValue); err != nil || ok {
		return u, err
	}
	u, err := s.federatedUser(ctx, p, d.ProviderName, d.ProviderAttributeValue)
	if err == nil && u == nil {
		err = errorf(UserNotFound, msgUserNotFound)
	}
	return u, err
}

// federatedUser returns the user that a first federated sign-in of the
// identity made (the username <provider>_<subject>), or nil.
func (s *Service) federatedUser(ctx context.Context, p *pool, provider, subject string) (*storage.User, error) {
	u, err := s.getByKey(ctx, p, storage.LookupUsername, provider+"_"+subject)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// setIdentities writes the user's "identities" attribute from its links
// (removing it when there are none).
func (s *Service) setIdentities(p *pool, u *storage.User, links []storage.ProviderLink) error {
	u.UpdatedAt = s.now()
	if len(links) == 0 {
		delete(u.Attributes, "identities")
		return nil
	}
	ids := make([]identity, 0, len(links))
	for _, l := range links {
		id := identity{
			UserID: l.Subject, ProviderName: l.ProviderName, Primary: "false",
			DateCreated: strconv.FormatInt(l.CreatedAt.UnixMilli(), 10),
		}
		if prov, err := poolProvider(p, "", l.ProviderName); err == nil {
			id.ProviderType = prov.Type
			if iss := prov.Details["oidc_issuer"]; iss != "" && prov.Type == "OIDC" {
				id.Issuer = &iss
			}
		}
		ids = append(ids, id)
	}
	doc, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	u.Attributes["identities"] = string(doc)
	return nil
}

// AdminDisableProviderForUser stops an external identity from signing in:
// its link to a user is removed (and the user's "identities" attribute
// updated), and a federated user of that identity, if there is one, is
// disabled. For ProviderName Cognito (with ProviderAttributeName
// Cognito_Subject and the username as value) the native user is disabled:
// Cognate has no federated sign-in yet, so a user without a password
// sign-in cannot sign in at all.
func (s *Service) AdminDisableProviderForUser(ctx context.Context, in *cip.AdminDisableProviderForUserRequest) (*Empty, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	who := in.User
	if who == nil || who.ProviderName == "" || who.ProviderAttributeName == "" || who.ProviderAttributeValue == "" {
		return nil, errorf(InvalidParameter, "Invalid User: ProviderName, ProviderAttributeName and ProviderAttributeValue are required.")
	}
	if who.ProviderName == providerCognito {
		if who.ProviderAttributeName != attrCognitoSubject {
			return nil, errorf(InvalidParameter, "Invalid User: the ProviderAttributeName of a Cognito user must be %s.", attrCognitoSubject)
		}
		if err := s.setEnabled(ctx, in.UserPoolId, who.ProviderAttributeValue, false); err != nil {
			return nil, err
		}
		return &Empty{}, nil
	}
	if _, err := poolProvider(p, "User", who.ProviderName); err != nil {
		return nil, err
	}
	unlinked, err := s.unlink(ctx, p, who)
	if err != nil {
		return nil, err
	}
	fed, err := s.federatedUser(ctx, p, who.ProviderName, who.ProviderAttributeValue)
	if err != nil {
		return nil, err
	}
	if fed != nil {
		if err := s.setEnabled(ctx, in.UserPoolId, fed.Username, false); err != nil {
			return nil, err
		}
	} else if !unlinked {
		return nil, errorf(UserNotFound, msgUserNotFound)
	}
	return &Empty{}, nil
}

// unlink removes the link of an identity, if there is one, named by the
// attribute it was linked by, and reports whether there was.
func (s *Service) unlink(ctx context.Context, p *pool, who *cip.ProviderUserIdentifierType) (bool, error) {
	l, err := s.store.ProviderLinks().Get(ctx, p.rec.ID, who.ProviderName, who.ProviderAttributeValue)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && l.AttributeName != who.ProviderAttributeName && who.ProviderAttributeName != attrCognitoSubject) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = s.updateUser(ctx, p, l.Sub, func(tx storage.Stores, u *storage.User) error {
		err := tx.ProviderLinks().Delete(ctx, p.rec.ID, who.ProviderName, who.ProviderAttributeValue)
		if errors.Is(err, storage.ErrNotFound) {
			return errNoChange
		}
		if err != nil {
			return err
		}
		links, err := tx.ProviderLinks().ListByUser(ctx, p.rec.ID, u.Sub)
		if err != nil {
			return err
		}
		return s.setIdentities(p, u, links)
	})
	var e *Error
	if errors.As(err, &e) && e.Kind == UserNotFound {
		return true, nil // the user went with its links
	}
	return err == nil, err
}

// LinkedUser returns the user of the pool that an external identity (a
// provider's name and the subject it gives) is linked to by
// AdminLinkProviderForUser; ok is false when it is linked to no one.
// Federated sign-in calls it to sign a linked identity in as its user.
func (s *Service) LinkedUser(ctx context.Context, poolID, provider, subject string) (u *storage.User, ok bool, err error) {
	l, err := s.store.ProviderLinks().Get(ctx, poolID, provider, subject)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rec, err := s.store.Users().GetBySub(ctx, poolID, l.Sub)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &rec, true, nil
}
