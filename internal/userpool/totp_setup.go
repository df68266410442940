package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/totp"
)

// TOTP enrollment (SOFTWARE_TOKEN_MFA): AssociateSoftwareToken issues a
// secret, VerifySoftwareToken confirms it with a code from the
// authenticator. Both take the signed-in user's access token, or, during
// sign-in in a pool that requires MFA, the Session of an MFA_SETUP
// challenge; then VerifySoftwareToken returns the Session that completes
// MFA_SETUP, and the authenticator becomes the user's preferred factor.
// With an access token, the user turns the factor on with
// SetUserMFAPreference.

// totpSubject is who enrolls: a signed-in user, or a user in MFA_SETUP.
type totpSubject struct {
	pool   *pool
	client *client
	user   *storage.User
	flow   *flowState // nil with an access token
}

// totpSubjectOf authenticates AccessToken or Session (exactly one).
func (s *Service) totpSubjectOf(ctx context.Context, accessToken, session string) (*totpSubject, error) {
	switch {
	case accessToken != "" && session != "":
		return nil, errorf(InvalidParameter, "Give an AccessToken or a Session, not both.")
	case accessToken != "":
		c, err := s.authenticate(ctx, accessToken)
		if err != nil {
			return nil, err
		}
		return &totpSubject{pool: c.pool, client: c.client, user: c.user}, nil
	case session == "":
		return nil, errorf(InvalidParameter, "An AccessToken or a Session is required.")
	}
	var peek flowState
	if s.ring.OpenJSON(session, flowAAD, s.now(), &peek) != nil {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	cl, err := s.loadClient(ctx, peek.Client)
	if err != nil {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	p, err := s.loadPool(ctx, cl.rec.PoolID)
	if err != nil {
		return nil, err
	}
	st, err := s.openFlow(ctx, cl, session, "MFA_SETUP")
	if err != nil {
		return nil, err
	}
	u, err := s.flowUser(ctx, p, st)
	if err != nil {
		return nil, err
	}
	return &totpSubject{pool: p, client: cl, user: u, flow: st}, nil
}

// AssociateSoftwareToken issues a new TOTP secret for the user. It takes
// effect when VerifySoftwareToken confirms it; until then an authenticator
// verified earlier keeps working.
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *cip.AssociateSoftwareTokenRequest) (*cip.AssociateSoftwareTokenResponse, error) {
	t, err := s.totpSubjectOf(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	if !t.pool.mfaFactors().totp {
		return nil, errorf(SoftwareTokenMFANotFound, "Software token MFA is not enabled for the user pool.")
	}
	pending := totp.NewSecret()
	err = s.editMFA(ctx, t.pool, t.user, func(_ *storage.User, m *userMFA) error {
		m.Pending = pending
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &cip.AssociateSoftwareTokenResponse{SecretCode: pending}
	if t.flow != nil {
		next := *t.flow
		if out.Session, err = s.sealFlow(t.client, &next); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VerifySoftwareToken confirms the secret AssociateSoftwareToken issued
// with a code from the authenticator.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *cip.VerifySoftwareTokenRequest) (*cip.VerifySoftwareTokenResponse, error) {
	t, err := s.totpSubjectOf(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	m, err := s.loadMFA(t.user)
	if err != nil {
		return nil, err
	}
	if m.Pending == "" {
		return nil, errorf(SoftwareTokenMFANotFound, "No software token is associated with the user: call AssociateSoftwareToken first.")
	}
	if t.flow != nil {
		// Counted in the Session before the code is compared.
		if err := s.tryFlow(ctx, t.client, t.flow); err != nil {
			return nil, err
		}
	}
	step, ok, err := s.checkTOTP(ctx, t.user, &userMFA{}, m.Pending, in.UserCode)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(EnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
	}
	checked := m.Pending
	err = s.editMFA(ctx, t.pool, t.user, func(_ *storage.User, m *userMFA) error {
		if m.Pending != checked {
			// A new secret was issued meanwhile: the code was for another.
			return errorf(EnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
		}
		m.TOTP, m.Pending, m.TOTPStep, m.TOTPName = m.Pending, "", step, in.FriendlyDeviceName
		if t.flow != nil {
			m.enable(factorTOTP, true)
			if m.Preferred == "" {
				m.Preferred = factorTOTP
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &cip.VerifySoftwareTokenResponse{Status: "SUCCESS"}
	if t.flow != nil {
		if err := s.spendFlow(ctx, t.client, t.flow); err != nil {
			return nil, err
		}
		next := *t.flow
		next.Verified = true
		if out.Session, err = s.sealFlow(t.client, &next); err != nil {
			return nil, err
		}
	}
	return out, nil
}
