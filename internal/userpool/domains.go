package userpool

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// A pool can have one prefix domain (myprefix, served by Cognito as
// myprefix.auth.<region>.amazoncognito.com) and one custom domain. The
// pool's settings keep them; a server setting "domain:<name>" holding the
// owning pool's id makes a name unique across pools. A claim whose pool is
// gone, or no longer has the name, is stale and may be taken: the pool's
// settings are the truth, the setting is the lock.

// poolDomains are a pool's domains; UserPoolType's Domain and CustomDomain
// hold their names for DescribeUserPool.
type poolDomains struct {
	Prefix *storedDomain `json:"Prefix,omitempty"`
	Custom *storedDomain `json:"Custom,omitempty"`
}

// storedDomain is a domain and its managed-login settings.
type storedDomain struct {
	Name                string    `json:"Name"`
	ManagedLoginVersion int32     `json:"ManagedLoginVersion"`
	CertificateArn      string    `json:"CertificateArn,omitempty"`
	CloudFront          string    `json:"CloudFront"`
	Created             time.Time `json:"Created"`
}

// reservedDomainWords may not appear in a prefix domain.
var reservedDomainWords = []string{"aws", "amazon", "cognito"}

func domainSetting(name string) string { return "domain:" + name }

// domainLabel is the model's DomainType pattern: a prefix domain is one
// such label, a custom domain two or more joined by dots.
var domainLabel = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

// checkDomainName validates a new domain: a prefix ("myapp") or, for a
// custom domain, a fully qualified name ("auth.example.com").
func checkDomainName(name string, custom bool) error {
	labels := strings.Split(name, ".")
	ok := len(labels) == 1 || custom
	for _, l := range labels {
		ok = ok && domainLabel.MatchString(l)
	}
	if !ok {
		return errorf(InvalidParameter, "1 validation error detected: Value '%s' at 'domain' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: %s", name, domainLabel.String())
	}
	return nil
}

// CreateUserPoolDomain gives a pool its prefix domain or, with
// CustomDomainConfig, its custom domain.
func (s *Service) CreateUserPoolDomain(ctx context.Context, in *cip.CreateUserPoolDomainRequest) (*cip.CreateUserPoolDomainResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	custom := in.CustomDomainConfig != nil
	if custom && in.CustomDomainConfig.CertificateArn == "" {
		return nil, errorf(InvalidParameter, "CustomDomainConfig.CertificateArn is required for a custom domain.")
	}
	if err := checkDomainName(in.Domain, custom); err != nil {
		return nil, err
	}
	if !custom {
		for _, w := range reservedDomainWords {
			if strings.Contains(in.Domain, w) {
				return nil, errorf(InvalidParameter, "Domain cannot contain reserved word: %s", w)
			}
		}
	}
	version, err := loginVersion(in.ManagedLoginVersion, 1)
	if err != nil {
		return nil, err
	}
	d := &storedDomain{Name: in.Domain, ManagedLoginVersion: version, Created: s.now(),
		CloudFront: "d" + secret.RandomString(13, secret.LowerAlnum) + ".cloudfront.net"}
	if custom {
		d.CertificateArn = in.CustomDomainConfig.CertificateArn
	}
	err = s.updatePoolTx(ctx, in.UserPoolId, func(tx storage.Stores, rec *storage.Pool, cfg *poolConfig) error {
		if cfg.Domains == nil {
			cfg.Domains = &poolDomains{}
		}
		slot := &cfg.Domains.Prefix
		if custom {
			slot = &cfg.Domains.Custom
		}
		if *slot != nil {
			return errorf(InvalidParameter, "User pool already has a domain configured.")
		}
		if err := claimDomain(ctx, tx, in.Domain, rec.ID, cfg); err != nil {
			return err
		}
		*slot = d
		cfg.syncDomainNames()
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &cip.CreateUserPoolDomainResponse{ManagedLoginVersion: ptr(version)}
	if custom {
		out.CloudFrontDomain = d.CloudFront
	}
	return out, nil
}

// DescribeUserPoolDomain describes a domain; for a domain no pool of the
// caller's region has, it answers an empty DomainDescription, as Cognito
// does.
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *cip.DescribeUserPoolDomainRequest) (*cip.DescribeUserPoolDomainResponse, error) {
	empty := &cip.DescribeUserPoolDomainResponse{DomainDescription: &cip.DomainDescriptionType{}}
	owner, err := s.store.Settings().Get(ctx, domainSetting(in.Domain))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && len(owner) == 0) {
		return empty, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, string(owner))
	var notFound *Error
	if errors.As(err, &notFound) && notFound.Kind == ResourceNotFound {
		return empty, nil
	}
	if err != nil {
		return nil, err
	}
	if r := regionFrom(ctx); r != "" && r != p.rec.Region {
		return empty, nil
	}
	d, custom := p.cfg.domain(in.Domain)
	if d == nil {
		return empty, nil
	}
	desc := &cip.DomainDescriptionType{
		UserPoolId: p.rec.ID, AWSAccountId: s.accountID, Domain: d.Name,
		S3Bucket: "aws-cognito-prod-" + p.rec.Region + "-assets", CloudFrontDistribution: d.CloudFront,
		Version: d.Created.Format("20060102150405"), Status: "ACTIVE", ManagedLoginVersion: ptr(d.ManagedLoginVersion),
	}
	if custom {
		desc.CustomDomainConfig = &cip.CustomDomainConfigType{CertificateArn: d.CertificateArn}
	}
	return &cip.DescribeUserPoolDomainResponse{DomainDescription: desc}, nil
}

// UpdateUserPoolDomain changes a domain's managed-login version and, for a
// custom domain, its certificate.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *cip.UpdateUserPoolDomainRequest) (*cip.UpdateUserPoolDomainResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	out := &cip.UpdateUserPoolDomainResponse{}
	err := s.updatePool(ctx, in.UserPoolId, func(_ *storage.Pool, cfg *poolConfig) error {
		d, custom := cfg.domain(in.Domain)
		if d == nil {
			return errorf(InvalidParameter, "No such domain or user pool exists.")
		}
		if in.CustomDomainConfig != nil {
			if !custom {
				return errorf(InvalidParameter, "CustomDomainConfig can only be set for a custom domain.")
			}
			if in.CustomDomainConfig.CertificateArn == "" {
				return errorf(InvalidParameter, "CustomDomainConfig.CertificateArn is required for a custom domain.")
			}
			d.CertificateArn = in.CustomDomainConfig.CertificateArn
		}
		v, err := loginVersion(in.ManagedLoginVersion, d.ManagedLoginVersion)
		if err != nil {
			return err
		}
		d.ManagedLoginVersion = v
		out.ManagedLoginVersion = ptr(v)
		if custom {
			out.CloudFrontDomain = d.CloudFront
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPoolDomain removes a domain from its pool and frees the name.
func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *cip.DeleteUserPoolDomainRequest) (*cip.DeleteUserPoolDomainResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	err := s.updatePoolTx(ctx, in.UserPoolId, func(tx storage.Stores, rec *storage.Pool, cfg *poolConfig) error {
		d, custom := cfg.domain(in.Domain)
		if d == nil {
			return errorf(InvalidParameter, "No such domain or user pool exists.")
		}
		if custom {
			cfg.Domains.Custom = nil
		} else {
			cfg.Domains.Prefix = nil
		}
		cfg.syncDomainNames()
		return tx.Settings().Put(ctx, domainSetting(in.Domain), nil)
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserPoolDomainResponse{}, nil
}

// releaseDomains frees the names of a deleted pool's domains (those still
// claimed by it). A failure is only logged: a claim whose pool is gone is
// stale and taken over anyway.
func (s *Service) releaseDomains(ctx context.Context, p *pool) {
	for _, name := range []string{p.cfg.Domain, p.cfg.CustomDomain} {
		if name == "" {
			continue
		}
		err := s.store.InTx(ctx, func(tx storage.Stores) error {
			owner, err := tx.Settings().Get(ctx, domainSetting(name))
			if err != nil || string(owner) != p.rec.ID {
				return nil
			}
			return tx.Settings().Put(ctx, domainSetting(name), nil)
		})
		if err != nil {
			s.log.WarnContext(ctx, "userpool: release domain", "pool", p.rec.ID, "domain", name, "err", err)
		}
	}
}

// claimDomain records in tx that the pool owns name, unless another pool
// (or this pool's other domain) has it.
func claimDomain(ctx context.Context, tx storage.Stores, name, poolID string, cfg *poolConfig) error {
	taken := errorf(InvalidParameter, "Domain already associated with another user pool.")
	owner, err := tx.Settings().Get(ctx, domainSetting(name))
	switch {
	case errors.Is(err, storage.ErrNotFound) || (err == nil && len(owner) == 0):
	case err != nil:
		return err
	case string(owner) == poolID:
		if d, _ := cfg.domain(name); d != nil {
			return taken
		}
	default:
		rec, err := tx.Pools().Get(ctx, string(owner))
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err == nil {
			other, err := parsePool(rec)
			if err != nil {
				return err
			}
			if d, _ := other.cfg.domain(name); d != nil && other.cfg.Deleting == nil {
				return taken
			}
		}
	}
	return tx.Settings().Put(ctx, domainSetting(name), []byte(poolID))
}

// domain returns the pool's domain with the name, and whether it is the
// custom one; nil when the pool has no such domain.
func (c *poolConfig) domain(name string) (*storedDomain, bool) {
	if c.Domains == nil || name == "" {
		return nil, false
	}
	if d := c.Domains.Prefix; d != nil && d.Name == name {
		return d, false
	}
	if d := c.Domains.Custom; d != nil && d.Name == name {
		return d, true
	}
	return nil, false
}

// syncDomainNames sets Domain and CustomDomain, which DescribeUserPool
// shows, from the stored domains.
func (c *poolConfig) syncDomainNames() {
	c.Domain, c.CustomDomain = "", ""
	if c.Domains == nil {
		return
	}
	if c.Domains.Prefix != nil {
		c.Domain = c.Domains.Prefix.Name
	}
	if c.Domains.Custom != nil {
		c.CustomDomain = c.Domains.Custom.Name
	}
}

// keepFederation carries the settings that only their own operations
// change (identity providers, resource servers, domains) from old into c,
// for UpdateUserPool, which rebuilds the rest.
func (c *poolConfig) keepFederation(old *poolConfig) {
	c.IdentityProviders = old.IdentityProviders
	c.ResourceServers = old.ResourceServers
	c.Domains = old.Domains
	c.syncDomainNames()
}

// loginVersion checks a ManagedLoginVersion: 1 (classic hosted UI) or 2
// (managed login); def when absent.
func loginVersion(v *int32, def int32) (int32, error) {
	n := int32v(v, def)
	if n != 1 && n != 2 {
		return 0, errorf(InvalidParameter, "ManagedLoginVersion must be 1 or 2.")
	}
	return n, nil
}
