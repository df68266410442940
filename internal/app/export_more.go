package app

import (
	"context"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// The records of an export beyond user pools: a user's devices and
// passkeys, and (when the whole server is exported) the identity pools
// with their identities, logins and links, the IAM roles with their
// policies, the OpenID Connect providers and the identity pools' OpenID
// token signing keys.

// exportUserExtras writes u's devices and passkeys.
func exportUserExtras(ctx context.Context, st storage.Store, u storage.User, src, dst *secret.KeyRing, put func(string, any) error) error {
	err := each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.Device, string, error) {
		return st.Devices().List(ctx, u.PoolID, u.Sub, pg)
	}, func(d storage.Device) error {
		if err := userpool.ResealDevice(&d, src, dst); err != nil {
			return err
		}
		return put("device", d)
	})
	if err != nil {
		return err
	}
	return each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.Passkey, string, error) {
		return st.Passkeys().List(ctx, u.PoolID, u.Sub, pg)
	}, func(k storage.Passkey) error { return put("passkey", k) })
}

// exportServerWide writes the identity pools, identities, logins, IAM
// roles, policies and OIDC providers; not the logins of users of the user
// pools being deleted (deleting[id]), which the export leaves out.
func exportServerWide(ctx context.Context, st storage.Store, opts ExportOptions, deleting map[string]bool, src, dst *secret.KeyRing, put func(string, any) error) error {
	if opts.SigningKeys {
		keys, err := st.Keys().List(ctx, OpenIDIssuer)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := token.ResealKey(&k, src, dst); err != nil {
				return err
			}
			if err := put("signing-key", k); err != nil {
				return err
			}
		}
	}
	err := each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.Role, string, error) {
		return st.Roles().List(ctx, "/", pg)
	}, func(r storage.Role) error {
		if err := put("role", r); err != nil {
			return err
		}
		ps, err := st.Roles().Policies(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := put("role-policy", p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	providers, err := st.OIDCProviders().List(ctx)
	if err != nil {
		return err
	}
	for _, p := range providers {
		if err := put("oidc-provider", p); err != nil {
			return err
		}
	}
	return each(ctx, st.Identities().ListPools, func(ip storage.IdentityPool) error {
		if err := put("identity-pool", ip); err != nil {
			return err
		}
		return each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.Identity, string, error) {
			return st.Identities().List(ctx, ip.ID, pg)
		}, func(id storage.Identity) error {
			if err := put("identity", id); err != nil {
				return err
			}
			logins, err := st.Identities().Logins(ctx, id.ID)
			if err != nil {
				return err
			}
			for _, l := range logins {
				if deleting[l.UserPoolID] {
					continue
				}
				if err := put("identity-login", l); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
