package userpool

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// The identity-provider operations store a pool's external IdPs (SAML,
// OIDC and the social providers) in its settings. Only the configuration
// is kept: federated sign-in through them is not served yet.

// DuplicateProvider is the exception for a provider name or IdP
// identifier a pool already has.
const DuplicateProvider Kind = "DuplicateProviderException"

// maxIdentityProviders is how many IdPs a user pool can have (the
// "Identity providers per user pool" quota).
const maxIdentityProviders = 300

// storedProvider is an identity provider as a pool's settings keep it:
// the provider details without their secrets, which are sealed with the
// server key (client_secret, and SignInWithApple's private_key).
type storedProvider struct {
	Name        string            `json:"Name"`
	Type        string            `json:"Type"`
	Details     map[string]string `json:"Details,omitempty"`
	Sealed      map[string][]byte `json:"Sealed,omitempty"`
	Mapping     map[string]string `json:"Mapping,omitempty"`
	Identifiers []string          `json:"Identifiers,omitempty"`
	Created     time.Time         `json:"Created"`
	Updated     time.Time         `json:"Updated"`
}

// secretDetails are the provider details sealed at rest; shown says
// whether DescribeIdentityProvider returns them (Cognito returns the
// client secret but never Apple's private key).
var secretDetails = map[string]bool{"client_secret": true, "private_key": false}

// requiredDetails are the ProviderDetails keys each provider type needs.
// SAML needs one of MetadataURL and MetadataFile instead.
var requiredDetails = map[string][]string{
	"Google":          {"client_id", "client_secret", "authorize_scopes"},
	"Facebook":        {"client_id", "client_secret", "authorize_scopes"},
	"LoginWithAmazon": {"client_id", "client_secret", "authorize_scopes"},
	"SignInWithApple": {"client_id", "team_id", "key_id", "private_key", "authorize_scopes"},
	"OIDC":            {"client_id", "authorize_scopes", "oidc_issuer", "attributes_request_method"},
	"SAML":            nil,
}

// socialDetails are the endpoint details Cognito fills in for the social
// providers, as DescribeIdentityProvider shows them.
var socialDetails = map[string]map[string]string{
	"Google": {
		"attributes_url": "https://people.googleapis.com/v1/people/me?personFields=", "attributes_url_add_attributes": "true",
		"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "oidc_issuer": "https://accounts.google.com",
		"token_request_method": "POST", "token_url": "https://www.googleapis.com/oauth2/v4/token",
	},
	"LoginWithAmazon": {
		"attributes_url": "https://api.amazon.com/user/profile", "attributes_url_add_attributes": "false",
		"authorize_url": "https://www.amazon.com/ap/oa", "token_request_method": "POST",
		"token_url": "https://api.amazon.com/auth/o2/token",
	},
	"SignInWithApple": {
		"attributes_url_add_attributes": "false", "authorize_url": "https://appleid.apple.com/auth/authorize",
		"oidc_issuer": "https://appleid.apple.com", "token_request_method": "POST",
		"token_url": "https://appleid.apple.com/auth/token",
	},
	"OIDC": {"attributes_url_add_attributes": "false"},
}

// usernameClaim is the provider attribute Cognito maps to username when
// AttributeMapping does not say.
var usernameClaim = map[string]string{
	"Google": "sub", "Facebook": "id", "LoginWithAmazon": "user_id", "SignInWithApple": "sub", "OIDC": "sub",
}

// CreateIdentityProvider adds an external IdP to a pool.
func (s *Service) CreateIdentityProvider(ctx context.Context, in *cip.CreateIdentityProviderRequest) (*describeIdentityProviderOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, ok := requiredDetails[in.ProviderType]; !ok {
		return nil, errorf(InvalidParameter, "%s is not a valid provider type.", in.ProviderType)
	}
	if err := checkProviderName(in.ProviderName, in.ProviderType); err != nil {
		return nil, err
	}
	var out *storedProvider
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		if findProvider(cfg, in.ProviderName) >= 0 {
			return errorf(DuplicateProvider, "A provider with the name %s already exists in this user pool.", in.ProviderName)
		}
		if len(cfg.IdentityProviders) >= maxIdentityProviders {
			return errorf(LimitExceeded, "A user pool can have as many as %d identity providers.", maxIdentityProviders)
		}
		now := s.now()
		sp := storedProvider{Name: in.ProviderName, Type: in.ProviderType, Created: now, Updated: now}
		if err := s.setProvider(p, cfg, &sp, in.ProviderDetails, in.AttributeMapping, in.IdpIdentifiers); err != nil {
			return err
		}
		cfg.IdentityProviders = append(cfg.IdentityProviders, sp)
		out = &sp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.describeProvider(p.rec.ID, out)
}

// DescribeIdentityProvider returns an IdP of a pool.
func (s *Service) DescribeIdentityProvider(ctx context.Context, in *cip.DescribeIdentityProviderRequest) (*describeIdentityProviderOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	i := findProvider(p.cfg, in.ProviderName)
	if i < 0 {
		return nil, providerNotFound(in.ProviderName)
	}
	return s.describeProvider(p.rec.ID, &p.cfg.IdentityProviders[i])
}

// GetIdentityProviderByIdentifier returns the IdP that has an identifier.
func (s *Service) GetIdentityProviderByIdentifier(ctx context.Context, in *cip.GetIdentityProviderByIdentifierRequest) (*describeIdentityProviderOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	for i := range p.cfg.IdentityProviders {
		if contains(p.cfg.IdentityProviders[i].Identifiers, in.IdpIdentifier) {
			return s.describeProvider(p.rec.ID, &p.cfg.IdentityProviders[i])
		}
	}
	return nil, errorf(ResourceNotFound, "Identity provider with identifier %s does not exist.", in.IdpIdentifier)
}

// UpdateIdentityProvider changes an IdP: the ProviderDetails given are
// merged into the stored ones; AttributeMapping and IdpIdentifiers, when
// given, replace the stored ones.
func (s *Service) UpdateIdentityProvider(ctx context.Context, in *cip.UpdateIdentityProviderRequest) (*describeIdentityProviderOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var out *storedProvider
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		i := findProvider(cfg, in.ProviderName)
		if i < 0 {
			return providerNotFound(in.ProviderName)
		}
		old := cfg.IdentityProviders[i]
		details, err := s.providerDetails(p.rec.ID, &old, true)
		if err != nil {
			return err
		}
		for k, v := range in.ProviderDetails {
			details[k] = v
		}
		mapping, ids := old.Mapping, old.Identifiers
		if in.AttributeMapping != nil {
			mapping = in.AttributeMapping
		}
		if in.IdpIdentifiers != nil {
			ids = in.IdpIdentifiers
		}
		sp := storedProvider{Name: old.Name, Type: old.Type, Created: old.Created, Updated: s.now()}
		if err := s.setProvider(p, cfg, &sp, details, mapping, ids); err != nil {
			return err
		}
		cfg.IdentityProviders[i] = sp
		out = &sp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.describeProvider(p.rec.ID, out)
}

// DeleteIdentityProvider removes an IdP from a pool.
func (s *Service) DeleteIdentityProvider(ctx context.Context, in *cip.DeleteIdentityProviderRequest) (*Empty, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	err := s.updatePool(ctx, in.UserPoolId, func(_ *storage.Pool, cfg *poolConfig) error {
		i := findProvider(cfg, in.ProviderName)
		if i < 0 {
			return providerNotFound(in.ProviderName)
		}
		cfg.IdentityProviders = append(cfg.IdentityProviders[:i:i], cfg.IdentityProviders[i+1:]...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListIdentityProviders lists a pool's IdPs by name, a page at a time.
func (s *Service) ListIdentityProviders(ctx context.Context, in *cip.ListIdentityProvidersRequest) (*cip.ListIdentityProvidersResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	page, next, err := pageAfter(p.cfg.IdentityProviders, func(sp storedProvider) string { return sp.Name },
		in.NextToken, listLimit(in.MaxResults, maxPage))
	if err != nil {
		return nil, err
	}
	out := &cip.ListIdentityProvidersResponse{Providers: []cip.ProviderDescription{}, NextToken: next}
	for _, sp := range page {
		out.Providers = append(out.Providers, cip.ProviderDescription{
			ProviderName: sp.Name, ProviderType: sp.Type,
			CreationDate: awstime.New(sp.Created), LastModifiedDate: awstime.New(sp.Updated),
		})
	}
	return out, nil
}

// describeIdentityProviderOutput is the answer of the operations that
// return one IdP.
type describeIdentityProviderOutput struct {
	IdentityProvider *identityProviderOutput `json:"IdentityProvider"`
}

// identityProviderOutput is an IdP as Cognito sends it: AttributeMapping,
// IdpIdentifiers and ProviderDetails always present.
type identityProviderOutput struct {
	cip.IdentityProviderType
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers"`
}

func (s *Service) describeProvider(poolID string, sp *storedProvider) (*describeIdentityProviderOutput, error) {
	details, err := s.providerDetails(poolID, sp, false)
	if err != nil {
		return nil, err
	}
	out := &identityProviderOutput{
		IdentityProviderType: cip.IdentityProviderType{
			UserPoolId: poolID, ProviderName: sp.Name, ProviderType: sp.Type,
			CreationDate: awstime.New(sp.Created), LastModifiedDate: awstime.New(sp.Updated),
		},
		ProviderDetails: details, AttributeMapping: sp.Mapping, IdpIdentifiers: sp.Identifiers,
	}
	if out.AttributeMapping == nil {
		out.AttributeMapping = map[string]string{}
	}
	if out.IdpIdentifiers == nil {
		out.IdpIdentifiers = []string{}
	}
	return &describeIdentityProviderOutput{IdentityProvider: out}, nil
}

// providerDetails returns an IdP's details with its secrets opened: all
// of them when withHidden, else those Cognito shows.
func (s *Service) providerDetails(poolID string, sp *storedProvider, withHidden bool) (map[string]string, error) {
	out := make(map[string]string, len(sp.Details)+len(sp.Sealed))
	for k, v := range sp.Details {
		out[k] = v
	}
	for k, sealed := range sp.Sealed {
		if !withHidden && !secretDetails[k] {
			continue
		}
		plain, err := s.ring.Open(sealed, providerSecretAAD(poolID, sp.Name, k))
		if err != nil {
			return nil, err
		}
		out[k] = string(plain)
	}
	return out, nil
}

// setProvider validates an IdP's details, attribute mapping and
// identifiers against its type and the pool, and stores them in sp,
// sealing the secrets.
func (s *Service) setProvider(p *pool, cfg *poolConfig, sp *storedProvider, details, mapping map[string]string, ids []string) error {
	if err := checkProviderDetails(sp.Type, details); err != nil {
		return err
	}
	for k := range mapping {
		if k == "username" {
			continue
		}
		if _, ok := (&pool{cfg: cfg}).schemaAttribute(k); !ok {
			return errorf(InvalidParameter, "Attribute mapping contains an attribute that is not in the user pool schema: %s.", k)
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return errorf(InvalidParameter, "Duplicate IdP identifier %s.", id)
		}
		seen[id] = true
		for _, other := range cfg.IdentityProviders {
			if other.Name != sp.Name && contains(other.Identifiers, id) {
				return errorf(DuplicateProvider, "The identifier %s is already used by identity provider %s.", id, other.Name)
			}
		}
	}
	sp.Details, sp.Sealed = map[string]string{}, nil
	for k, v := range socialDetails[sp.Type] {
		sp.Details[k] = v
	}
	if sp.Type == "Facebook" {
		if v := details["api_version"]; v != "" {
			sp.Details["attributes_url"] = "https://graph.facebook.com/" + v + "/me?fields="
			sp.Details["authorize_url"] = "https://www.facebook.com/" + v + "/dialog/oauth"
			sp.Details["token_url"] = "https://graph.facebook.com/" + v + "/oauth/access_token"
		}
		sp.Details["attributes_url_add_attributes"] = "true"
		sp.Details["token_request_method"] = "GET"
	}
	for k, v := range details {
		if _, secret := secretDetails[k]; secret {
			if sp.Sealed == nil {
				sp.Sealed = map[string][]byte{}
			}
			sp.Sealed[k] = s.ring.Seal([]byte(v), providerSecretAAD(p.rec.ID, sp.Name, k))
			continue
		}
		sp.Details[k] = v
	}
	sp.Mapping = make(map[string]string, len(mapping)+1)
	for k, v := range mapping {
		sp.Mapping[k] = v
	}
	if claim, ok := usernameClaim[sp.Type]; ok && sp.Mapping["username"] == "" {
		sp.Mapping["username"] = claim
	}
	sp.Identifiers = ids
	return nil
}

// checkProviderName applies Cognito's naming rules: a social provider is
// named after its type; a SAML or OIDC provider cannot take a social
// provider's name or COGNITO.
func checkProviderName(name, typ string) error {
	social := typ != "SAML" && typ != "OIDC"
	switch {
	case social && name != typ:
		return errorf(InvalidParameter, "The provider name of a %s identity provider must be %s.", typ, typ)
	case !social && (strings.EqualFold(name, "COGNITO") || usernameClaim[name] != "" && name != "OIDC"):
		return errorf(InvalidParameter, "The provider name %s is reserved.", name)
	}
	return nil
}

// checkProviderDetails checks the ProviderDetails keys a type requires.
func checkProviderDetails(typ string, details map[string]string) error {
	var missing []string
	for _, k := range requiredDetails[typ] {
		if strings.TrimSpace(details[k]) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return errorf(InvalidParameter, "ProviderDetails for a %s identity provider must include %s.", typ, strings.Join(missing, ", "))
	}
	for _, k := range []string{"token_request_method", "attributes_request_method"} {
		if m, ok := details[k]; ok && m != "GET" && m != "POST" {
			return errorf(InvalidParameter, "%s must be GET or POST.", k)
		}
	}
	switch typ {
	case "OIDC":
		if m := details["attributes_request_method"]; m != "GET" && m != "POST" {
			return errorf(InvalidParameter, "attributes_request_method must be GET or POST.")
		}
	case "SAML":
		url, file := details["MetadataURL"], details["MetadataFile"]
		if (url == "") == (file == "") {
			return errorf(InvalidParameter, "ProviderDetails for a SAML identity provider must include one of MetadataURL and MetadataFile.")
		}
	}
	return nil
}

// findProvider returns the index of the named IdP, or -1.
func findProvider(cfg *poolConfig, name string) int {
	for i := range cfg.IdentityProviders {
		if cfg.IdentityProviders[i].Name == name {
			return i
		}
	}
	return -1
}

func providerNotFound(name string) *Error {
	return errorf(ResourceNotFound, "Identity provider %s does not exist.", name)
}

func providerSecretAAD(poolID, name, key string) []byte {
	return []byte("idp-secret:" + poolID + "/" + name + "/" + key)
}

// checkSupportedProviders checks an app client's SupportedIdentityProviders:
// each is COGNITO or the name of one of the pool's IdPs.
func checkSupportedProviders(p *pool, names []string) error {
	for _, n := range names {
		if n != "COGNITO" && findProvider(p.cfg, n) < 0 {
			return errorf(InvalidParameter, "The provider %s does not exist for User Pool %s", n, p.rec.ID)
		}
	}
	return nil
}
