package app

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Export files (cognate export / cognate import) are JSON Lines. The first
// line is the header {"format": "cognate-export", "version": 1, ...}; each
// other line is one record {"kind": K, "record": R}, where K is "pool",
// "client", "user", "device", "passkey", "group", "member" or
// "signing-key" (and, for a whole server, "role", "role-policy",
// "oidc-provider", "identity-pool", "identity" and "identity-login") and R the stored
// record (internal/storage's types, byte fields in base64), in an order an
// import can follow: a pool before its clients, users and groups, a group
// and its user before their membership. Secrets (client secrets, SRP
// verifiers, MFA settings with TOTP secrets, signing keys' private keys)
// are sealed with the export key, bound to their record; password hashes
// are argon2id (or imported foreign hashes) as stored.

// ExportFormat and ExportVersion name the file format.
const (
	ExportFormat  = "cognate-export"
	ExportVersion = 1
)

// exportHeader is an export file's first line.
type exportHeader struct {
	Format      string    `json:"format"`
	Version     int       `json:"version"`
	ExportedAt  time.Time `json:"exportedAt"`
	UserPoolID  string    `json:"userPoolId,omitempty"`
	SigningKeys bool      `json:"signingKeys"`
}

type exportLine struct {
	Kind   string          `json:"kind"`
	Record json.RawMessage `json:"record"`
}

type membership struct {
	PoolID string
	Group  string
	Sub    string
}

// ExportOptions choose what Export writes.
type ExportOptions struct {
	// UserPoolID, when set, exports that pool only.
	UserPoolID string
	// SigningKeys exports the pools' token signing keys, so that tokens
	// issued before the move verify after it.
	SigningKeys bool
	// Key seals the secrets in the file (32 bytes).
	Key []byte
}

// ReadExportKey reads a --seal-key-file: a base64 256-bit key.
func ReadExportKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s must hold a base64 256-bit key (e.g. from `openssl rand -base64 32`)", path)
	}
	return key, nil
}

func exportRing(key []byte) (*secret.KeyRing, error) {
	return secret.NewKeyRing(map[uint32][]byte{1: key}, 1)
}

// ExportCounts counts the records moved.
type ExportCounts map[string]int

// Export writes the user pools of the server cfg names (stopped or
// serving) to w.
func Export(ctx context.Context, cfg config.Config, getenv func(string) string, w io.Writer, opts ExportOptions) (ExportCounts, error) {
	if err := checkExisting(cfg); err != nil {
		return nil, err
	}
	src, err := secret.ReadKeyRing(cfg.DataDir, getenv)
	if err != nil {
		return nil, err
	}
	dst, err := exportRing(opts.Key)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	counts := ExportCounts{}
	put := func(kind string, rec any) error {
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		counts[kind]++
		return enc.Encode(exportLine{Kind: kind, Record: b})
	}
	if err := enc.Encode(exportHeader{Format: ExportFormat, Version: ExportVersion, ExportedAt: time.Now().UTC(),
		UserPoolID: opts.UserPoolID, SigningKeys: opts.SigningKeys}); err != nil {
		return nil, err
	}
	var pools []storage.Pool
	if opts.UserPoolID != "" {
		p, err := st.Pools().Get(ctx, opts.UserPoolID)
		if err == nil && userpool.Deleting(p) {
			err = storage.ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("user pool %s: %w", opts.UserPoolID, err)
		}
		pools = []storage.Pool{p}
	} else if pools, err = all(ctx, st.Pools().List); err != nil {
		return nil, err
	}
	// A pool being deleted is gone for the export as for the API, and so
	// are the identity logins of its users (exportServerWide).
	deleting := map[string]bool{}
	pools = slices.DeleteFunc(pools, func(p storage.Pool) bool {
		deleting[p.ID] = userpool.Deleting(p)
		return deleting[p.ID]
	})
	for _, p := range pools {
		moved := p
		if err := userpool.ResealPool(&moved, src, dst); err != nil {
			return nil, err
		}
		if err := put("pool", moved); err != nil {
			return nil, err
		}
		if opts.SigningKeys {
			keys, err := st.Keys().List(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			for _, k := range keys {
				if err := token.ResealKey(&k, src, dst); err != nil {
					return nil, err
				}
				if err := put("signing-key", k); err != nil {
					return nil, err
				}
			}
		}
		err := each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.Client, string, error) {
			return st.Clients().List(ctx, p.ID, pg)
		}, func(c storage.Client) error {
			if err := userpool.ResealClient(&c, src, dst); err != nil {
				return err
			}
			return put("client", c)
		})
		if err != nil {
			return nil, err
		}
		err = each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
			return st.Users().List(ctx, p.ID, pg)
		}, func(u storage.User) error {
			if err := userpool.ResealUser(&u, src, dst); err != nil {
				return err
			}
			u.Version = 0
			if err := put("user", u); err != nil {
				return err
			}
			return exportUserExtras(ctx, st, u, src, dst, put)
		})
		if err != nil {
			return nil, err
		}
		err = each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.Group, string, error) {
			return st.Groups().List(ctx, p.ID, pg)
		}, func(g storage.Group) error {
			if err := put("group", g); err != nil {
				return err
			}
			return each(ctx, func(ctx context.Context, pg storage.Page) ([]storage.User, string, error) {
				return st.Groups().Members(ctx, p.ID, g.Name, pg)
			}, func(u storage.User) error {
				return put("member", membership{PoolID: p.ID, Group: g.Name, Sub: u.Sub})
			})
		})
		if err != nil {
			return nil, err
		}
	}
	if opts.UserPoolID == "" {
		if err := exportServerWide(ctx, st, opts, deleting, src, dst, put); err != nil {
			return nil, err
		}
	}
	return counts, bw.Flush()
}

// each calls fn on every item of a paged listing.
func each[T any](ctx context.Context, list func(context.Context, storage.Page) ([]T, string, error), fn func(T) error) error {
	pg := storage.Page{Limit: 1000}
	for {
		items, next, err := list(ctx, pg)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		pg.Token = next
	}
}

func all[T any](ctx context.Context, list func(context.Context, storage.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	err := each(ctx, list, func(t T) error { out = append(out, t); return nil })
	return out, err
}

// importChunk is how many records one import transaction writes.
const importChunk = 1000

// Import reads an export file into the storage cfg names, resealing its
// secrets under that server's master key (created, as by serve, when the
// data directory has none). Records whose pool exists already there are
// refused (ErrConflict): import into a server that does not have them.
// Run it while the target server is stopped, or restart it after.
func Import(ctx context.Context, cfg config.Config, getenv func(string) string, r io.Reader, key []byte) (ExportCounts, error) {
	src, err := exportRing(key)
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("app: data directory: %w", err)
		}
	}
	dst, err := secret.LoadKeyRing(cfg.DataDir, getenv)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("import: the file is empty: %w", sc.Err())
	}
	var h exportHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Format != ExportFormat {
		return nil, errors.New("import: not a Cognate export file (its first line is no cognate-export header)")
	}
	if h.Version != ExportVersion {
		return nil, fmt.Errorf("import: export format version %d; this Cognate reads version %d", h.Version, ExportVersion)
	}
	counts := ExportCounts{}
	var chunk []exportLine
	var pools []string
	flush := func() error {
		err := st.InTx(ctx, func(tx storage.Stores) error {
			for _, l := range chunk {
				if err := importRecord(ctx, tx, l, src, dst); err != nil {
					return fmt.Errorf("import: %s record: %w", l.Kind, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, l := range chunk {
			counts[l.Kind]++
		}
		chunk = chunk[:0]
		return nil
	}
	for sc.Scan() {
		var l exportLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return counts, fmt.Errorf("import: line %d: %w", len(chunk)+1, err)
		}
		if l.Kind == "pool" {
			var p struct{ ID string }
			if json.Unmarshal(l.Record, &p) == nil {
				pools = append(pools, p.ID)
			}
		}
		chunk = append(chunk, l)
		if len(chunk) == importChunk {
			if err := flush(); err != nil {
				return counts, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return counts, err
	}
	if err := flush(); err != nil {
		return counts, err
	}
	// Pools exported without their signing keys get new ones here (tokens
	// from the old server do not verify on this one, as export says).
	keys := token.NewIssuer(st.Keys(), dst, time.Now)
	for _, id := range pools {
		if err := keys.EnsureKeys(ctx, id); err != nil {
			return counts, fmt.Errorf("import: signing keys of pool %s: %w", id, err)
		}
	}
	return counts, nil
}

func importRecord(ctx context.Context, tx storage.Stores, l exportLine, src, dst *secret.KeyRing) error {
	raw := l.Record
	switch l.Kind {
	case "pool":
		return importAs(raw, resealWith(userpool.ResealPool, src, dst), func(p storage.Pool) error { return tx.Pools().Create(ctx, p) })
	case "signing-key":
		return importAs(raw, resealWith(token.ResealKey, src, dst), func(k storage.SigningKey) error { return tx.Keys().Create(ctx, k) })
	case "client":
		return importAs(raw, resealWith(userpool.ResealClient, src, dst), func(c storage.Client) error { return tx.Clients().Create(ctx, c) })
	case "user":
		return importAs(raw, resealWith(userpool.ResealUser, src, dst), func(u storage.User) error { return tx.Users().Create(ctx, u) })
	case "device":
		return importAs(raw, resealWith(userpool.ResealDevice, src, dst), func(d storage.Device) error { return tx.Devices().Create(ctx, d) })
	case "group":
		return importAs(raw, nil, func(g storage.Group) error { return tx.Groups().Create(ctx, g) })
	case "member":
		return importAs(raw, nil, func(m membership) error { return tx.Groups().AddMember(ctx, m.PoolID, m.Group, m.Sub) })
	case "passkey":
		return importAs(raw, nil, func(k storage.Passkey) error { return tx.Passkeys().Create(ctx, k) })
	case "role":
		return importAs(raw, nil, func(r storage.Role) error { return tx.Roles().Create(ctx, r) })
	case "role-policy":
		return importAs(raw, nil, func(p storage.RolePolicy) error { return tx.Roles().PutPolicy(ctx, p) })
	case "oidc-provider":
		return importAs(raw, nil, func(p storage.OIDCProvider) error { return tx.OIDCProviders().Create(ctx, p) })
	case "identity-pool":
		return importAs(raw, nil, func(p storage.IdentityPool) error { return tx.Identities().CreatePool(ctx, p) })
	case "identity":
		return importAs(raw, nil, func(id storage.Identity) error { return tx.Identities().Create(ctx, id) })
	case "identity-login":
		return importAs(raw, nil, func(il storage.IdentityLogin) error { return tx.Identities().AddLogin(ctx, il) })
	}
	return fmt.Errorf("unknown kind %q", l.Kind)
}

// importAs decodes a record of type T, reseals its secrets (reseal may be
// nil: the record has none) and writes it.
func importAs[T any](raw json.RawMessage, reseal func(*T) error, write func(T) error) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	if reseal != nil {
		if err := reseal(&v); err != nil {
			return err
		}
	}
	return write(v)
}

// resealWith binds a record's reseal function to the export's key and the
// target's master key.
func resealWith[T any](fn func(*T, *secret.KeyRing, *secret.KeyRing) error, src, dst *secret.KeyRing) func(*T) error {
	return func(v *T) error { return fn(v, src, dst) }
}
