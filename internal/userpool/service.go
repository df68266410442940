package userpool

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/esdk"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// Deps are the parts a Service is built from.
type Deps struct {
	Store     storage.Store
	Tokens    *token.Issuer
	Ring      *secret.KeyRing
	Hasher    *password.Hasher
	Messenger messaging.Messenger
	// SMS delivers text messages (codes to phone numbers); nil means
	// Messenger.
	SMS    messaging.Messenger
	Logger *slog.Logger
	// AccountID goes into ARNs; PublicURL is the base of token issuers.
	AccountID string
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LockoutMax caps the sign-in lockout after failed passwords; 0
	// means DefaultLockoutMax.
	LockoutMax time.Duration
	// ReadOnlyAttributes, when set, names attributes of a pool that no
	// app client may write, whatever its WriteAttributes say: those the
	// server itself maintains (an identity pool's identity-id write-back
	// attribute). It is asked when a pool is loaded into the cache.
	ReadOnlyAttributes func(ctx context.Context, poolID string) ([]string, error)
	// Functions invokes the pools' Lambda triggers; nil means the server
	// has no Lambda endpoint, and pools cannot set triggers.
	Functions triggers.Invoker
	// SenderKey wraps the codes given to custom sender triggers of pools
	// without a KMSKeyID (a raw AES keyring); nil means none.
	SenderKey esdk.Keyring
	// KMS, when set, returns the keyring of a pool's KMSKeyID (AWS KMS).
	KMS func(keyARN string) esdk.Keyring
	// OldPool reaches the Cognito pools that copied pools migrate their
	// users from (cognito_source.go); nil turns the lazy migration off.
	OldPool OldPool
}

// Service implements the user-pool operations.
type Service struct {
	store     storage.Store
	tokens    *token.Issuer
	ring      *secret.KeyRing
	hasher    *password.Hasher
	messenger messaging.Messenger
	sms       messaging.Messenger
	log       *slog.Logger
	accountID string
	publicURL string
	now       func() time.Time
	cache     *cache
	readOnly  func(ctx context.Context, poolID string) ([]string, error)
	secret    serverSecret
	fakeSRP   fakeSRP
	gates     *gates
	lockCap   time.Duration // the longest sign-in lockout (lockoutFor)
	fns       triggers.Invoker
	senderKey esdk.Keyring
	kms       func(keyARN string) esdk.Keyring
	old       OldPool
	// imports wakes the import runner (RunImportJobs).
	imports chan struct{}
	// deletions wakes the deletion runner (RunPoolDeletions).
	deletions chan struct{}
	// marks holds, under marksMu, the pools this node marked for deletion
	// and when, on the local monotonic clock (zero while the mark is
	// being written): the runner waits the cache's TTL from then (see
	// pool_delete.go).
	marksMu sync.Mutex
	marks   map[string]time.Time
	// rekeying holds, under rekeyMu, the pools whose sign-in rules this
	// node is changing (rekey.go), so that its changes of a pool run one
	// at a time, and of different pools side by side; the pool's lease,
	// held as node for rekeyLease between renewals, makes them one at a
	// time across nodes (rekey_claim.go).
	rekeyMu  sync.Mutex
	rekeying map[string]chan struct{}
	// node names this Service as the owner of leases.
	node string
	// rekeyLease is how long a lease lasts unrenewed (tests shorten it).
	rekeyLease time.Duration
	// rekeyHook, set by tests, runs after the read-only check of a
	// change of sign-in rule ("checked"), inside each re-keying batch
	// once its users are read ("listed") and after each committed batch
	// ("batch").
	rekeyHook func(event string)
	// importHook, set by tests, runs after each batch an import job
	// commits.
	importHook func()
	// deleteHook, set by tests, runs when the deletion runner starts
	// deleting a pool's users.
	deleteHook func()
}

// New returns a Service.
func New(d Deps) *Service {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	sms := d.SMS
	if sms == nil {
		sms = d.Messenger
	}
	lockCap := d.LockoutMax
	if lockCap <= 0 {
		lockCap = DefaultLockoutMax
	}
	s := &Service{
		sms:       sms,
		store:     d.Store,
		tokens:    d.Tokens,
		ring:      d.Ring,
		hasher:    d.Hasher,
		messenger: d.Messenger,
		log:       log,
		accountID: d.AccountID,
		publicURL: d.PublicURL,
		now:       func() time.Time { return now().UTC() },
		cache:     newCache(cacheTTL, now),
		readOnly:  d.ReadOnlyAttributes,
		gates:     newGates(),
		lockCap:   lockCap,
		fns:       d.Functions,
		senderKey: d.SenderKey,
		old:       d.OldPool,
		kms:       d.KMS,
		imports:   make(chan struct{}, 1),
		deletions: make(chan struct{}, 1),
		marks:     map[string]time.Time{},
	}
	s.node, s.rekeyLease = secret.RandomString(16, secret.Alnum), rekeyLease
	s.rekeying = map[string]chan struct{}{}
	return s
}

type regionKey struct{}

// WithRegion returns ctx carrying the region of a signed request (from its
// SigV4 credential scope). Operations that create resources need it.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

func regionFrom(ctx context.Context) string {
	r, _ := ctx.Value(regionKey{}).(string)
	return r
}

// issuer returns the iss claim of a pool's tokens.
func (s *Service) issuer(poolID string) string { return s.publicURL + "/" + poolID }

func (s *Service) poolARN(p storage.Pool) string {
	return "arn:aws:cognito-idp:" + p.Region + ":" + s.accountID + ":userpool/" + p.ID
}
