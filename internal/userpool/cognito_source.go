package userpool

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Built-in lazy migration from a live Cognito pool. A pool copied by
// `cognate migrate-from-cognito` remembers the Cognito pool it came from
// (its CognitoSource). The copied users have no password here, since AWS
// never gives hashes: the first password sign-in of such a user
// (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH's PASSWORD, the
// managed login page) checks the password against the old pool, and when
// the old pool takes it, the password is stored here (argon2id and an SRP
// verifier) and the sign-in goes on as for any user; later sign-ins, SRP
// ones included, no longer ask the old pool. A name no user holds here is
// looked up in the old pool as the UserMigration trigger would
// (migration.go), at sign-in and at ForgotPassword. A wrong password
// counts toward the name's lockout as any wrong password does. Clearing
// the source (the --finish flag of the command) ends the migration.

// CognitoSource is the Cognito user pool a pool was copied from, and what
// the server needs to ask it: an app client for sign-ins (with its secret,
// if it has one) and, optionally, AWS credentials for AdminGetUser of
// users not copied yet (without them the server's own AWS credential
// chain is used).
type CognitoSource struct {
	Region     string
	UserPoolID string
	ClientID   string
	// Endpoint is the Cognito endpoint URL; "" means AWS's for Region.
	Endpoint        string
	ClientSecret    string
	AccessKeyID     string
	SecretAccessKey string
}

// storedSource is a CognitoSource in a pool's settings, its secrets
// sealed under the master key, bound to the pool.
type storedSource struct {
	Region      string            `json:"Region"`
	UserPoolID  string            `json:"UserPoolId"`
	ClientID    string            `json:"ClientId"`
	Endpoint    string            `json:"Endpoint,omitempty"`
	AccessKeyID string            `json:"AccessKeyId,omitempty"`
	Sealed      map[string][]byte `json:"Sealed,omitempty"`
}

// sourceSecretAAD binds a sealed secret of a pool's source to the pool.
func sourceSecretAAD(poolID, name string) []byte {
	return []byte("cognito-source\x00" + poolID + "\x00" + name)
}

// OldUser is a user of the old pool as AdminGetUser describes it.
type OldUser struct {
	Username   string
	Status     string
	Enabled    bool
	Attributes map[string]string // sub among them
}

// OldPool asks a Cognito pool about its users; the app gives one that
// speaks to AWS (or any endpoint) with aws-sdk-go-v2.
type OldPool interface {
	// CheckPassword signs name in at the old pool with pw, and returns
	// what the answer shows; ErrOldRefused when the old pool refuses the
	// name or the password, ErrOldResetRequired when it wants the user to
	// reset it, another error when it cannot be asked (ErrOldBusy among
	// its causes when it throttles). Each method bounds its own time.
	CheckPassword(ctx context.Context, src CognitoSource, name, pw string) (*OldSignIn, error)
	// GetUser reads name (a username or alias) with AdminGetUser;
	// ErrOldRefused when the old pool has no such user.
	GetUser(ctx context.Context, src CognitoSource, name string) (*OldUser, error)
	// StartSRP starts USER_SRP_AUTH at the old pool with the client's
	// SRP_A and returns its PASSWORD_VERIFIER challenge parameters and
	// Session; ErrOldRefused when it does not know name.
	StartSRP(ctx context.Context, src CognitoSource, name, srpA string) (map[string]string, string, error)
	// FinishSRP gives the old pool the client's PASSWORD_VERIFIER answer
	// (resp) and returns what the answer shows, as CheckPassword does.
	FinishSRP(ctx context.Context, src CognitoSource, session string, resp map[string]string) (*OldSignIn, error)
}

// OldSignIn is what an old pool's answer to a right password shows.
type OldSignIn struct {
	// Status is CONFIRMED, FORCE_CHANGE_PASSWORD when the old pool asks
	// for a new password, or UNCONFIRMED when it says the user is not
	// confirmed (it checks the password first).
	Status string
	// User is the user as the old pool's tokens read it (GetUser), when
	// it gave tokens; nil otherwise (an MFA step, a new password).
	User *OldUser
}

// ErrOldRefused is an old pool's "no": no such user, or a wrong password.
var ErrOldRefused = errors.New("userpool: the old Cognito pool refused")

// ErrOldResetRequired is an old pool's PasswordResetRequiredException:
// the user must reset their password there. Cognito may answer it
// whatever the password (AdminResetUserPassword deactivates the
// password), so it says nothing of pw, which is not kept: the client is
// told PasswordResetRequiredException, as Cognito tells it, and
// ForgotPassword here sets a new password (a copied user's attempt counts
// toward the lockout as a wrong password; a user not copied is created
// RESET_REQUIRED, as at ForgotPassword).
var ErrOldResetRequired = errors.New("userpool: the old Cognito pool requires a password reset")

// ErrOldBusy is an old pool's throttling (TooManyRequestsException): the
// client is told TooManyRequestsException, which the SDKs retry.
var ErrOldBusy = errors.New("userpool: the old Cognito pool throttles requests")

// SetCognitoSource makes the pool remember src as the pool it was copied
// from, turning the lazy migration on; nil forgets it, turning it off
// (the pool stays marked as copied: removeUser).
func (s *Service) SetCognitoSource(ctx context.Context, poolID string, src *CognitoSource) error {
	return s.updatePool(ctx, poolID, func(_ *storage.Pool, cfg *poolConfig) error {
		if src == nil {
			cfg.CognitoSource = nil
			return nil
		}
		st := &storedSource{Region: src.Region, UserPoolID: src.UserPoolID, ClientID: src.ClientID,
			Endpoint: src.Endpoint, AccessKeyID: src.AccessKeyID, Sealed: map[string][]byte{}}
		for name, v := range map[string]string{"ClientSecret": src.ClientSecret, "SecretAccessKey": src.SecretAccessKey} {
			if v != "" {
				st.Sealed[name] = s.ring.Seal([]byte(v), sourceSecretAAD(poolID, name))
			}
		}
		cfg.CognitoSource, cfg.CognitoCopied = st, true
		return nil
	})
}

// FinishCognitoSource turns the pool's lazy migration off and makes the
// copied users who never signed in since (no password here, CONFIRMED or
// FORCE_CHANGE_PASSWORD) RESET_REQUIRED, so that a password sign-in tells
// them to reset it, as after Cognito's CSV import. It returns how many
// users it changed; a pool without a source is left as it is (0, false).
func (s *Service) FinishCognitoSource(ctx context.Context, poolID string) (int, bool, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil || p.cfg.CognitoSource == nil {
		return 0, false, err
	}
	if err := s.SetCognitoSource(ctx, poolID, nil); err != nil {
		return 0, false, err
	}
	n := 0
	pg := storage.Page{Limit: 500}
	for {
		users, next, err := s.store.Users().List(ctx, poolID, pg)
		if err != nil {
			return n, true, err
		}
		for _, u := range users {
			if u.PasswordHash != "" || (u.Status != "CONFIRMED" && u.Status != "FORCE_CHANGE_PASSWORD") {
				continue
			}
			changed := false
			_, err := s.updateUser(ctx, p, u.Sub, func(_ storage.Stores, cur *storage.User) error {
				changed = cur.PasswordHash == "" && cur.Status == u.Status
				if !changed {
					return errNoChange
				}
				cur.Status = "RESET_REQUIRED"
				return nil
			})
			if err != nil {
				return n, true, err
			}
			if changed {
				n++
			}
		}
		if next == "" {
			return n, true, nil
		}
		pg.Token = next
	}
}

// cognitoSource opens the pool's source; nil when it has none or the
// server has no way to reach one.
func (s *Service) cognitoSource(p *pool) (*CognitoSource, error) {
	st := p.cfg.CognitoSource
	if st == nil || s.old == nil {
		return nil, nil
	}
	src := &CognitoSource{Region: st.Region, UserPoolID: st.UserPoolID, ClientID: st.ClientID,
		Endpoint: st.Endpoint, AccessKeyID: st.AccessKeyID}
	for name, dst := range map[string]*string{"ClientSecret": &src.ClientSecret, "SecretAccessKey": &src.SecretAccessKey} {
		sealed, ok := st.Sealed[name]
		if !ok {
			continue
		}
		plain, err := s.ring.Open(sealed, sourceSecretAAD(p.rec.ID, name))
		if err != nil {
			return nil, fmt.Errorf("userpool: %s of the Cognito source of %s: %w", name, p.rec.ID, err)
		}
		*dst = string(plain)
	}
	return src, nil
}

// migratePassword checks pw, for a copied user u who has no password
// here yet, against the old pool under u's lockout; when the old pool
// takes it, it is stored here and u is returned as saved, with the status
// the old pool showed. passwordWrong when the old pool refuses it.
func (s *Service) migratePassword(ctx context.Context, p *pool, src *CognitoSource, u *storage.User, pw string) (*storage.User, passwordCheck, error) {
	var saved *storage.User
	reset := false
	res, err := s.guardPassword(ctx, p.rec.ID, userSubject(u), func() (bool, error) {
		in, err := s.old.CheckPassword(ctx, *src, u.Username, pw)
		if errors.Is(err, ErrOldRefused) {
			return false, nil
		}
		if reset = errors.Is(err, ErrOldResetRequired); reset {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if same, err := s.sameOldUser(ctx, p, src, u, in.User, in.Status); !same || err != nil {
			return false, err
		}
		np, err := s.hashPassword(ctx, p, u, pw)
		if err != nil {
			return false, err
		}
		meanwhile := false
		saved, err = s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
			if cur.PasswordHash == "" && cur.Status == "RESET_REQUIRED" {
				// Reset here while the old pool answered (by an
				// administrator who thinks the password stolen, say): the
				// old password must not undo it (copiedWithoutPassword).
				return errorf(PasswordResetRequired, msgResetRequired)
			}
			if meanwhile = cur.PasswordHash != ""; meanwhile {
				return errNoChange
			}
			s.putPassword(cur, np)
			cur.Status = in.Status
			return s.passwordSaved(ctx, tx, p, cur)
		})
		if err != nil || !meanwhile {
			return err == nil, err
		}
		// A concurrent sign-in (or reset) set a password meanwhile: pw is
		// checked against that one.
		ok, err := s.hasher.Verify(ctx, pw, saved.PasswordHash)
		if !ok || err != nil {
			saved = nil
		}
		return ok, err
	})
	if err == nil && saved != nil {
		s.log.Info("user's password migrated from Cognito", "pool", p.rec.ID, "sub", u.Sub)
	}
	if err == nil && res == passwordWrong && reset {
		// Reset at the old pool since the copy: ForgotPassword here sets
		// the new password (the user is copied).
		return nil, res, errorf(PasswordResetRequired, msgResetRequired)
	}
	return saved, res, err
}

// sameOldUser reports whether ou, the old pool's user that took a
// password given for copied user u's username, is u: the same sub. A
// name deleted on the old pool after the copy and signed up there again
// is someone else, whose password must neither become u's nor sign in as
// u; it fails as a wrong password. ou is nil when the old pool's answer
// gave no tokens to read the user with (status: an MFA step, a new
// password, "not confirmed"): the user is then read with AdminGetUser.
// When that cannot be asked (no AWS credentials) nothing shows whose
// password the old pool took: neither the challenge (its USER_ID_FOR_SRP
// is the name, the same for a newcomer) nor its Session (sealed by AWS)
// names the sub. The answer is then refused, never taken unchecked, with
// an error that does not count toward the lockout (the password was right
// for the old pool's user of that name) and tells the client what it can
// do here: UserNotConfirmedException for "not confirmed", as the old pool
// said; for a temporary password (here or there), Cognito's answer to an
// expired one, since only an administrator can set a password for such a
// user here (ForgotPassword refuses FORCE_CHANGE_PASSWORD); else
// PasswordResetRequiredException (ForgotPassword here sends the code to
// the copied user's own address).
func (s *Service) sameOldUser(ctx context.Context, p *pool, src *CognitoSource, u *storage.User, ou *OldUser, status string) (bool, error) {
	if ou == nil {
		got, err := s.old.GetUser(ctx, *src, u.Username)
		switch {
		case errors.Is(err, ErrOldRefused):
			return false, nil // deleted meanwhile
		case errors.Is(err, ErrOldBusy):
			return false, err
		case err != nil:
			s.log.Warn("Cognito source: AdminGetUser failed, so the old pool's answer cannot be checked and is refused (AWS credentials: --store-credentials)",
				"pool", p.rec.ID, "sub", u.Sub, "status", status, "err", err)
			switch {
			case status == "UNCONFIRMED":
				return false, errorf(UserNotConfirmed, msgNotConfirmed)
			case status == "FORCE_CHANGE_PASSWORD" || u.Status == "FORCE_CHANGE_PASSWORD":
				return false, errorf(NotAuthorized, msgTempExpired)
			}
			return false, errorf(PasswordResetRequired, msgResetRequired)
		}
		ou = got
	}
	if ou.Attributes["sub"] == u.Sub {
		return true, nil
	}
	s.log.Warn("Cognito source: the old pool's user of a copied user's username has another sub; its password is refused",
		"pool", p.rec.ID, "sub", u.Sub)
	return false, nil
}

// migrateFromSource is migrateUser for a pool with a Cognito source: the
// old pool checks pw (at sign-in; "" at ForgotPassword) and describes the
// user, who is created here under the old username and sub. A user the
// old pool asks to reset their password is created RESET_REQUIRED,
// without a password, as at ForgotPassword.
func (s *Service) migrateFromSource(ctx context.Context, p *pool, cl *client, src *CognitoSource, name, pw string) (*storage.User, error) {
	status := "RESET_REQUIRED" // ForgotPassword: the code sets the password
	signIn := pw != ""
	var ou *OldUser
	if signIn {
		in, err := s.old.CheckPassword(ctx, *src, name, pw)
		switch {
		case errors.Is(err, ErrOldRefused):
			return nil, errNotMigrated
		case errors.Is(err, ErrOldResetRequired):
			pw = "" // not known to be right: the reset sets the password
		case err != nil:
			return nil, err
		default:
			status, ou = in.Status, in.User
		}
	}
	if ou == nil {
		got, err := s.describeOld(ctx, p, cl, src, name, signIn, status)
		if err != nil {
			return nil, err
		}
		ou = got
	}
	u, err := s.copiedUser(p, ou)
	if err != nil {
		return nil, err
	}
	// A deleted user is refused before the password is hashed, so that
	// their right old password costs no more than a wrong one; the
	// transaction below checks again.
	if gone, err := s.store.DeletedSubs().Has(ctx, p.rec.ID, u.Sub); err != nil || gone {
		if gone {
			s.log.Info("Cognito source: a user deleted here is not created again", "pool", p.rec.ID, "sub", u.Sub)
		}
		return nil, cmp.Or(err, errNotMigrated)
	}
	u.Status = status
	if pw != "" {
		np, err := s.hashPassword(ctx, p, u, pw)
		if err != nil {
			return nil, err
		}
		s.putPassword(u, np)
	}
	err = s.userTx(ctx, func(tx storage.Stores) error {
		// Deleted here during the migration (removeUser): the deletion
		// stands, and the name reads as unknown.
		if gone, err := tx.DeletedSubs().Has(ctx, p.rec.ID, u.Sub); err != nil || gone {
			return cmp.Or(err, errNotMigrated)
		}
		if err := s.saveUser(ctx, tx, p, u, true); err != nil {
			return err
		}
		if pw == "" {
			return nil
		}
		return s.passwordSaved(ctx, tx, p, u)
	})
	if errors.Is(err, errNotMigrated) {
		s.log.Info("Cognito source: a user deleted here is not created again", "pool", p.rec.ID, "sub", u.Sub)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("user migrated from Cognito", "pool", p.rec.ID, "sub", u.Sub, "status", u.Status)
	return u, nil
}

// describeOld reads name at the old pool with AdminGetUser, for a user
// whose check gave no tokens to read them with: ForgotPassword, an
// MFA step or a new password to set (the password was right), "not
// confirmed", or a reset to make. Without AWS credentials that may call
// it, the user cannot be created here; the client is told what Cognito
// says when its UserMigration function fails (migrationRefused: the
// answer of an unknown name, so no user is revealed), or, for a right
// password of a user not confirmed, UserNotConfirmedException (what the
// old pool itself answered). Either way no password is taken, and the
// log says why.
func (s *Service) describeOld(ctx context.Context, p *pool, cl *client, src *CognitoSource, name string, signIn bool, status string) (*OldUser, error) {
	got, err := s.old.GetUser(ctx, *src, name)
	switch {
	case err == nil:
		return got, nil
	case errors.Is(err, ErrOldRefused):
		return nil, errNotMigrated
	case errors.Is(err, ErrOldBusy):
		return nil, err
	}
	s.log.Warn("Cognito source: AdminGetUser failed, so a user new on the old pool is not created here (AWS credentials: --store-credentials)",
		"pool", p.rec.ID, "status", status, "err", err)
	switch {
	case !signIn:
		return nil, errNotMigrated // ForgotPassword: as for an unknown name
	case status == "RESET_REQUIRED": // what the old pool answered
		return nil, errorf(PasswordResetRequired, msgResetRequired)
	case status == "UNCONFIRMED":
		return nil, errorf(UserNotConfirmed, msgNotConfirmed)
	}
	return nil, migrationRefused(cl)
}

// checkPasswordOrOld is checkUserPassword, except that the password of a
// copied user who has none here yet is checked at the old pool (and kept
// here when it is right: migratePassword). It returns u as it is after.
func (s *Service) checkPasswordOrOld(ctx context.Context, p *pool, u *storage.User, name, pw string) (*storage.User, passwordCheck, error) {
	src, err := s.copiedWithoutPassword(p, u)
	if err != nil {
		return u, 0, err
	}
	if src == nil {
		res, err := s.checkUserPassword(ctx, p, u, name, pw)
		return u, res, err
	}
	saved, res, err := s.migratePassword(ctx, p, src, u, pw)
	if saved != nil {
		u = saved
	}
	return u, res, err
}

// copiedWithoutPassword returns the pool's Cognito source when u is a
// user copied from it who has no password here yet; nil otherwise. A
// user whose password was reset here (RESET_REQUIRED) is not one: the
// old pool's password must not undo the reset.
func (s *Service) copiedWithoutPassword(p *pool, u *storage.User) (*CognitoSource, error) {
	if u == nil || u.PasswordHash != "" || u.Status == "RESET_REQUIRED" || p.cfg.CognitoSource == nil {
		return nil, nil
	}
	return s.cognitoSource(p)
}
