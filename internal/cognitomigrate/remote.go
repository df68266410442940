package cognitomigrate

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Remote is the userpool.OldPool the server uses: it asks a Cognito pool
// (AWS, or whatever the source's endpoint names) through aws-sdk-go-v2.
type Remote struct {
	// HTTPClient carries the requests; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// Timeout bounds each question to the old pool, retries and every
	// request it takes (SRP takes two, and reading the user one more)
	// included, so that a slow old pool holds a sign-in no longer; 0 means
	// DefaultTimeout.
	Timeout time.Duration

	once     sync.Once
	fallback aws.CredentialsProvider // the server's default credential chain
}

var _ userpool.OldPool = (*Remote)(nil)

// DefaultTimeout is a Remote's Timeout when it sets none: longer than the
// few hundred milliseconds Cognito takes, shorter than the 30 s a client
// or a load balancer in front of the server commonly waits.
const DefaultTimeout = 15 * time.Second

// bound returns ctx with the Remote's deadline.
func (r *Remote) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := r.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

// client returns an SDK client for src, signing with its keys or, when it
// has none, with the server's default AWS credential chain.
func (r *Remote) client(ctx context.Context, src userpool.CognitoSource) *cip.Client {
	hc := r.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	creds := aws.CredentialsProvider(aws.AnonymousCredentials{})
	if src.AccessKeyID != "" {
		creds = credentials.NewStaticCredentialsProvider(src.AccessKeyID, src.SecretAccessKey, "")
	} else {
		r.once.Do(func() {
			if cfg, err := awsconfig.LoadDefaultConfig(ctx); err == nil && cfg.Credentials != nil {
				r.fallback = cfg.Credentials
			}
		})
		if r.fallback != nil {
			creds = r.fallback
		}
	}
	return cip.New(cip.Options{
		Region: src.Region, Credentials: creds, HTTPClient: hc, RetryMaxAttempts: 2,
	}, func(o *cip.Options) {
		if src.Endpoint != "" {
			o.BaseEndpoint = aws.String(src.Endpoint)
		}
	})
}

// CheckPassword signs name in at the old pool: USER_PASSWORD_AUTH, or
// USER_SRP_AUTH when the old client does not allow the former.
func (r *Remote) CheckPassword(ctx context.Context, src userpool.CognitoSource, name, pw string) (*userpool.OldSignIn, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	c := r.client(ctx, src)
	params := map[string]string{"USERNAME": name, "PASSWORD": pw}
	if src.ClientSecret != "" {
		params["SECRET_HASH"] = SecretHash(name, src.ClientID, src.ClientSecret)
	}
	out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(src.ClientID), AuthParameters: params,
	})
	var bad *types.InvalidParameterException
	if errors.As(err, &bad) && strings.Contains(bad.ErrorMessage(), "flow not enabled") {
		out, err = r.signInSRP(ctx, c, src, name, pw)
	}
	return signedIn(ctx, c, out, err)
}

// signedIn reads the old pool's answer to a password or an SRP proof.
// When it answers with tokens, the user is read with them (GetUser), so
// that no AWS credentials are needed to migrate them, or to tell them
// from another user of the same name.
func signedIn(ctx context.Context, c *cip.Client, out *cip.InitiateAuthOutput, err error) (*userpool.OldSignIn, error) {
	status, err := passwordAnswer(out, err)
	if err != nil {
		return nil, err
	}
	res := &userpool.OldSignIn{Status: status}
	// out is nil after "not confirmed", which is an error in the SDK.
	if out != nil && out.AuthenticationResult != nil && out.AuthenticationResult.AccessToken != nil {
		g, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
		if err == nil {
			res.User = oldUser(aws.ToString(g.Username), types.UserStatusTypeConfirmed, true, g.UserAttributes)
		}
	}
	return res, nil
}

// signInSRP signs in with Cognito's SRP, as the JavaScript SDK's
// authenticateUser does, and returns the old pool's last answer.
func (r *Remote) signInSRP(ctx context.Context, c *cip.Client, src userpool.CognitoSource, name, pw string) (*cip.InitiateAuthOutput, error) {
	cl := srpclient.NewClient(srp.PoolName(src.UserPoolID))
	p, session, err := r.startSRP(ctx, c, src, name, cl.SRPA())
	if err != nil {
		return nil, err
	}
	ch := srpclient.Challenge{UserIDForSRP: p["USER_ID_FOR_SRP"], Salt: p["SALT"], SRPB: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}
	ts := srpclient.Timestamp(time.Now())
	sig, err := cl.Sign(ch, pw, ts)
	if err != nil {
		return nil, fmt.Errorf("cognitomigrate: SRP: %w", err)
	}
	return r.respondSRP(ctx, c, src, session, map[string]string{"USERNAME": ch.UserIDForSRP,
		"PASSWORD_CLAIM_SECRET_BLOCK": ch.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts})
}

// StartSRP starts USER_SRP_AUTH at the old pool with the client's SRP_A.
func (r *Remote) StartSRP(ctx context.Context, src userpool.CognitoSource, name, srpA string) (map[string]string, string, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	return r.startSRP(ctx, r.client(ctx, src), src, name, srpA)
}

func (r *Remote) startSRP(ctx context.Context, c *cip.Client, src userpool.CognitoSource, name, srpA string) (map[string]string, string, error) {
	params := map[string]string{"USERNAME": name, "SRP_A": srpA}
	if src.ClientSecret != "" {
		params["SECRET_HASH"] = SecretHash(name, src.ClientID, src.ClientSecret)
	}
	out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: aws.String(src.ClientID), AuthParameters: params,
	})
	var bad *types.InvalidParameterException
	if errors.As(err, &bad) && strings.Contains(bad.ErrorMessage(), "flow not enabled") {
		// The old client allows no SRP: the relay cannot happen, and the
		// sign-in goes on as for a user without a verifier.
		return nil, "", userpool.ErrOldRefused
	}
	if err != nil {
		if _, err = passwordAnswer(nil, err); err == nil {
			// "Not confirmed" before any proof says nothing of the
			// password: no relay, and the sign-in fails as a wrong one.
			err = userpool.ErrOldRefused
		}
		return nil, "", err
	}
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		return nil, "", fmt.Errorf("cognitomigrate: USER_SRP_AUTH answered %q", out.ChallengeName)
	}
	return out.ChallengeParameters, aws.ToString(out.Session), nil
}

// FinishSRP gives the old pool the client's PASSWORD_VERIFIER answer.
func (r *Remote) FinishSRP(ctx context.Context, src userpool.CognitoSource, session string, resp map[string]string) (*userpool.OldSignIn, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	c := r.client(ctx, src)
	out, err := r.respondSRP(ctx, c, src, session, resp)
	return signedIn(ctx, c, out, err)
}

// respondSRP answers PASSWORD_VERIFIER at the old pool, as InitiateAuth's
// output so that passwordAnswer reads it.
func (r *Remote) respondSRP(ctx context.Context, c *cip.Client, src userpool.CognitoSource, session string, resp map[string]string) (*cip.InitiateAuthOutput, error) {
	answer := map[string]string{}
	for _, k := range []string{"USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		answer[k] = resp[k]
	}
	if src.ClientSecret != "" {
		answer["SECRET_HASH"] = SecretHash(answer["USERNAME"], src.ClientID, src.ClientSecret)
	}
	in := &cip.RespondToAuthChallengeInput{ClientId: aws.String(src.ClientID),
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: answer}
	if session != "" {
		in.Session = aws.String(session)
	}
	ans, err := c.RespondToAuthChallenge(ctx, in)
	if err != nil {
		return nil, err
	}
	return &cip.InitiateAuthOutput{ChallengeName: ans.ChallengeName, AuthenticationResult: ans.AuthenticationResult}, nil
}

// passwordAnswer reads what the old pool said of a password. These answers
// come after the password was checked: tokens, a new password to set, an
// MFA step (the old pool may then send the user a code), or "not
// confirmed"; any other is an error. "Reset required" comes whatever the password
// (userpool.ErrOldResetRequired).
func passwordAnswer(out *cip.InitiateAuthOutput, err error) (string, error) {
	var (
		notAuth   *types.NotAuthorizedException
		notFound  *types.UserNotFoundException
		reset     *types.PasswordResetRequiredException
		unconfirm *types.UserNotConfirmedException
	)
	switch {
	case errors.Is(err, userpool.ErrOldRefused), errors.Is(err, userpool.ErrOldResetRequired):
		return "", err
	case errors.As(err, &notAuth), errors.As(err, &notFound):
		return "", userpool.ErrOldRefused
	case errors.As(err, &reset):
		return "", userpool.ErrOldResetRequired
	case errors.As(err, &unconfirm):
		return "UNCONFIRMED", nil
	case err != nil:
		return "", oldPoolError("sign-in", err)
	case out.ChallengeName == types.ChallengeNameTypeNewPasswordRequired:
		return "FORCE_CHANGE_PASSWORD", nil
	case out.AuthenticationResult != nil && out.AuthenticationResult.AccessToken != nil, afterPassword[out.ChallengeName]:
		return "CONFIRMED", nil
	}
	// Neither tokens nor a step that follows a right password (an empty
	// answer, a challenge that may come before the password is checked):
	// nothing says the password was right.
	return "", fmt.Errorf("cognitomigrate: sign-in at the old pool: unexpected answer (challenge %q, tokens %v)",
		out.ChallengeName, out.AuthenticationResult != nil)
}

// afterPassword names the challenges Cognito asks only once the password
// (or the SRP proof) was right: MFA, its choice or setup, a remembered
// device.
var afterPassword = map[types.ChallengeNameType]bool{
	types.ChallengeNameTypeSmsMfa: true, types.ChallengeNameTypeSoftwareTokenMfa: true, types.ChallengeNameTypeEmailOtp: true,
	types.ChallengeNameTypeSelectMfaType: true, types.ChallengeNameTypeMfaSetup: true, types.ChallengeNameTypeDeviceSrpAuth: true,
}

// oldPoolError is a failure to ask the old pool, named by what was asked:
// userpool.ErrOldBusy among its causes when the old pool throttles (which
// the SDK retried already), so that the client is told
// TooManyRequestsException. The SDK's errors name the operation, the
// request id and AWS's message, never a request's parameters, so they may
// be logged.
func oldPoolError(what string, err error) error {
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		return fmt.Errorf("cognitomigrate: %s at the old pool: %w: %w", what, userpool.ErrOldBusy, err)
	}
	return fmt.Errorf("cognitomigrate: %s at the old pool: %w", what, err)
}

// GetUser reads name with AdminGetUser.
func (r *Remote) GetUser(ctx context.Context, src userpool.CognitoSource, name string) (*userpool.OldUser, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	out, err := r.client(ctx, src).AdminGetUser(ctx, &cip.AdminGetUserInput{
		UserPoolId: aws.String(src.UserPoolID), Username: aws.String(name)})
	var notFound *types.UserNotFoundException
	if errors.As(err, &notFound) {
		return nil, userpool.ErrOldRefused
	}
	if err != nil {
		return nil, oldPoolError("AdminGetUser", err)
	}
	return oldUser(aws.ToString(out.Username), out.UserStatus, out.Enabled, out.UserAttributes), nil
}

func oldUser(name string, status types.UserStatusType, enabled bool, attrs []types.AttributeType) *userpool.OldUser {
	u := &userpool.OldUser{Username: name, Status: string(status), Enabled: enabled, Attributes: map[string]string{}}
	for _, a := range attrs {
		u.Attributes[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return u
}

// SecretHash is Cognito's SECRET_HASH: base64(HMAC-SHA256(secret,
// username + client id)).
func SecretHash(username, clientID, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
