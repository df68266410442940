package userpool

import (
	"context"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// SignUp registers a user through an app client. The user starts
// UNCONFIRMED; a code goes to the first auto-verified attribute it has.
func (s *Service) SignUp(ctx context.Context, in *cip.SignUpRequest) (*cip.SignUpResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	if boolv(p.cfg.AdminCreateUserConfig.AllowAdminCreateUserOnly) {
		return nil, errorf(NotAuthorized, "SignUp is not permitted for this user pool")
	}
	if in.Password == "" {
		return nil, errorf(InvalidParameter, "A password is required to sign up.")
	}
	for _, a := range in.UserAttributes {
		if _, ok := p.schemaAttribute(a.Name); !ok {
			return nil, schemaError(a.Name, "Attribute does not exist in the schema.")
		}
	}
	if p.aliasAttribute("preferred_username") {
		for _, a := range in.UserAttributes {
			if a.Name == "preferred_username" {
				// Cognito: an alias preferred_username is set once confirmed.
				return nil, errorf(InvalidParameter, "preferred_username can't be set at sign-up when it is an alias; set it once the user is confirmed.")
			}
		}
	}
	u, err := p.newUser(in.Username, in.UserAttributes, writer{client: cl}, s.now())
	if err != nil {
		return nil, err
	}
	if err := p.checkPassword(in.Password); err != nil {
		return nil, err
	}
	if existing, err := s.findUser(ctx, p, in.Username); err != nil {
		return nil, err
	} else if existing != nil {
		return nil, lookupConflict(p, storage.LookupUsername)
	}
	ctx = withClientMetadata(ctx, in.ClientMetadata)
	pre, err := s.preSignUp(ctx, p, cl, u, "PreSignUp_SignUp", in.UserAttributes, in.ValidationData)
	if err != nil {
		return nil, err
	}
	np, err := s.hashPassword(ctx, p, u, in.Password)
	if err != nil {
		return nil, err
	}
	s.putPassword(u, np)
	u.Status = "UNCONFIRMED"
	confirmed, err := autoConfirm(u, pre)
	if err != nil {
		return nil, err
	}
	attr, sendCode := p.destination(u)
	sendCode = sendCode && !confirmed
	code := newCodeValue()
	err = s.userTx(ctx, func(tx storage.Stores) error {
		var cur *pool
		var err error
		if confirmed {
			cur, err = s.claimAliases(ctx, tx, p, u, false)
		} else {
			cur, err = s.inForce(ctx, tx, p)
		}
		if err != nil {
			return err
		}
		pinNameVerifier(p, cur, u)
		if err := s.saveInForce(ctx, tx, cur, u, true); err != nil {
			return err
		}
		if err := s.passwordSaved(ctx, tx, p, u); err != nil {
			return err
		}
		if !sendCode {
			return nil
		}
		return s.putCode(ctx, tx, u, purposeSignUp, "", code, signUpCodeTTL)
	})
	if err != nil {
		return nil, err
	}
	out := &cip.SignUpResponse{UserConfirmed: ptr(confirmed), UserSub: u.Sub}
	if sendCode {
		if out.CodeDeliveryDetails, err = s.sendCode(ctx, p, cl, u, attr, u.Attributes[attr], msgSignUp, code); err != nil {
			return nil, err
		}
	}
	s.recordAuthEvent(ctx, p, u.Sub, EventSignUp, eventPass, "")
	if confirmed {
		if err := s.postConfirmation(ctx, p, cl, u, "PostConfirmation_ConfirmSignUp"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newUser builds a user record from a requested username and attributes,
// applying UsernameAttributes (an email or phone number as username makes
// the username the sub) and the schema.
func (p *pool) newUser(username string, attrs []cip.AttributeType, w writer, now time.Time) (*storage.User, error) {
	if err := p.checkAttributes(attrs, w, true); err != nil {
		return nil, err
	}
	u := &storage.User{
		PoolID:     p.rec.ID,
		Sub:        uuid.NewString(),
		Username:   canonicalName(username),
		Enabled:    true,
		Attributes: map[string]string{},
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	setAttributes(u.Attributes, attrs)
	if len(p.cfg.UsernameAttributes) > 0 {
		attr, err := p.usernameAttributeOf(username)
		if err != nil {
			return nil, err
		}
		if v, ok := u.Attributes[attr]; ok && v != username {
			return nil, errorf(InvalidParameter, "The %s attribute must match the username.", attr)
		}
		u.Attributes[attr] = username
		u.Username = u.Sub
	} else {
		for _, a := range []string{"email", "phone_number"} {
			if p.aliasAttribute(a) && p.looksLike(a, username) {
				return nil, errorf(InvalidParameter, "Username cannot be of %s format, since user pool is configured for %s alias.", attrWord(a), attrWord(a))
			}
		}
	}
	if missing := p.missingRequired(u.Attributes); missing != "" {
		return nil, schemaError(missing, "The attribute is required")
	}
	return u, nil
}

// usernameAttributeOf says which UsernameAttributes a username is.
func (p *pool) usernameAttributeOf(username string) (string, error) {
	for _, a := range p.cfg.UsernameAttributes {
		if p.looksLike(a, username) {
			return a, nil
		}
	}
	if len(p.cfg.UsernameAttributes) == 2 {
		return "", errorf(InvalidParameter, "Username should be either an email or a phone number.")
	}
	return "", errorf(InvalidParameter, "Username should be %s.", map[string]string{"email": "an email", "phone_number": "a phone number"}[p.cfg.UsernameAttributes[0]])
}

func (p *pool) looksLike(attr, v string) bool {
	if attr == "email" {
		return emailPattern.MatchString(v)
	}
	return phonePattern.MatchString(v)
}

// ConfirmSignUp confirms a user with the code sent at sign-up. With
// PreventUserExistenceErrors, a name no user holds and a user who is not
// UNCONFIRMED both get CodeMismatchException: no code of theirs matches,
// and telling them apart would tell that the name is taken.
func (s *Service) ConfirmSignUp(ctx context.Context, in *cip.ConfirmSignUpRequest) (*cip.ConfirmSignUpResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	hide := cl.preventsExistenceErrors()
	switch {
	case u == nil && hide:
		return nil, errorf(CodeMismatch, msgCodeMismatch)
	case u == nil:
		return nil, errorf(UserNotFound, msgUnknownUsername)
	case u.Status != "UNCONFIRMED" && hide:
		return nil, errorf(CodeMismatch, msgCodeMismatch)
	case u.Status != "UNCONFIRMED":
		return nil, notConfirmable(u)
	}
	c, err := s.verifyCode(ctx, u, purposeSignUp, "", in.ConfirmationCode)
	if err != nil {
		return nil, err
	}
	force := boolv(in.ForceAliasCreation)
	confirmed, err := s.updateUser(ctx, p, u.Sub, func(tx storage.Stores, cur *storage.User) error {
		if attr, ok := p.destination(cur); ok && cur.Status == "UNCONFIRMED" {
			cur.Attributes[attr+"_verified"] = "true"
		}
		if err := s.confirm(ctx, tx, p, cur, force); err != nil {
			return err
		}
		// After the aliases: the right code with an alias another
		// account holds is refused without being used up, so the
		// confirmation can be retried with ForceAliasCreation.
		return consumeCode(ctx, tx, c)
	})
	if e := AsError(err); hide && e != nil && (e.Kind == UserNotFound || e.Kind == NotAuthorized) {
		// Deleted or confirmed by a concurrent request.
		return nil, errorf(CodeMismatch, msgCodeMismatch)
	}
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(withClientMetadata(ctx, in.ClientMetadata), p, cl, confirmed, "PostConfirmation_ConfirmSignUp"); err != nil {
		return nil, err
	}
	return &cip.ConfirmSignUpResponse{}, nil
}

// notConfirmable is the answer for confirming a user who is not
// UNCONFIRMED.
func notConfirmable(u *storage.User) error {
	return errorf(NotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
}

// confirm marks u, as read in tx, CONFIRMED and claims its aliases (with
// force, moving email and phone aliases other users hold); the caller
// saves u in tx.
func (s *Service) confirm(ctx context.Context, tx storage.Stores, p *pool, u *storage.User, force bool) error {
	if u.Status != "UNCONFIRMED" {
		return notConfirmable(u)
	}
	u.Status = "CONFIRMED"
	u.UpdatedAt = s.now()
	_, err := s.claimAliases(ctx, tx, p, u, force)
	return err
}

// msgNoAutoVerification answers ResendConfirmationCode when no code can go
// out: the pool verifies no attribute, or the user has none it verifies.
const msgNoAutoVerification = "Cannot resend codes. Auto verification not turned on."

// ResendConfirmationCode sends a new sign-up code. With
// PreventUserExistenceErrors, a name no user holds, a disabled or confirmed
// user and a user without an address to verify all get a simulated
// delivery (fakeDelivery): AWS documents it for disabled and unknown users,
// and a different answer for confirmed ones would tell that the name is
// taken.
func (s *Service) ResendConfirmationCode(ctx context.Context, in *cip.ResendConfirmationCodeRequest) (*cip.ResendConfirmationCodeResponse, error) {
	cl, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := cl.checkSecretHash(in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	// With PreventUserExistenceErrors, whoever gets no code gets the
	// answer of a name no user holds: a simulated delivery.
	refuse := func(err error) (*cip.ResendConfirmationCodeResponse, error) {
		if !cl.preventsExistenceErrors() {
			return nil, err
		}
		d, ferr := s.fakeDelivery(ctx, p, in.Username, false)
		if ferr != nil {
			return nil, ferr
		}
		return &cip.ResendConfirmationCodeResponse{CodeDeliveryDetails: d}, nil
	}
	if u == nil && !cl.preventsExistenceErrors() {
		return nil, errorf(UserNotFound, msgUnknownUsername)
	}
	subject := unknownSubject(p, in.Username)
	if u != nil {
		subject = userSubject(u)
	}
	if err := s.limitCodeRequests(ctx, p, subject, "signup"); err != nil {
		return nil, err
	}
	if cl.preventsExistenceErrors() && len(p.cfg.AutoVerifiedAttributes) == 0 {
		// The pool's setting, the same answer for every name.
		return nil, errorf(InvalidParameter, msgNoAutoVerification)
	}
	if u == nil {
		return refuse(nil)
	}
	if !u.Enabled && cl.preventsExistenceErrors() {
		return refuse(nil)
	}
	if u.Status != "UNCONFIRMED" {
		return refuse(errorf(InvalidParameter, "User is already confirmed."))
	}
	attr, ok := p.destination(u)
	if !ok {
		return refuse(errorf(InvalidParameter, msgNoAutoVerification))
	}
	code, err := s.newCode(ctx, u, purposeSignUp, "", signUpCodeTTL)
	if err != nil {
		return nil, err
	}
	details, err := s.sendCode(withClientMetadata(ctx, in.ClientMetadata), p, cl, u, attr, u.Attributes[attr], msgResendCode, code)
	if err != nil {
		return nil, err
	}
	s.recordAuthEvent(ctx, p, u.Sub, EventResendCode, eventPass, "")
	return &cip.ResendConfirmationCodeResponse{CodeDeliveryDetails: details}, nil
}
