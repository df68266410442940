package app_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics with Prometheus's own text parser.
func (s *server) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := s.http.Client().Get(s.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("the Prometheus text parser refuses /metrics: %v", err)
	}
	return fams
}

// metricValue is the value of the series of family with the given labels
// (a counter's count, a histogram's sample count), 0 when absent.
func metricValue(fams map[string]*dto.MetricFamily, family string, labels map[string]string) float64 {
	f := fams[family]
	if f == nil {
		return 0
	}
	total := 0.0
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		}
	}
	return total
}

// TestMetrics: /metrics is Prometheus text that a real parser reads, and
// it moves with traffic: requests by API, operation and error, sign-ins by
// flow and outcome, tokens, codes sent, the hashing queue and storage.
func TestMetrics(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(&cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}})
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "mia", "Correct-Horse-9")
	before := s.scrape(t)

	s.signIn(clientID, "mia", "Correct-Horse-9")
	wantCode(t, s.passwordSignIn(clientID, "mia", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
	result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("noa"),
		Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("email", "noa@example.com")}})).must(t)
	after := s.scrape(t)

	for _, c := range []struct {
		family string
		labels map[string]string
	}{
		{"cognate_requests_total", map[string]string{"api": "cognito-idp", "operation": "InitiateAuth", "error": ""}},
		{"cognate_requests_total", map[string]string{"api": "cognito-idp", "operation": "InitiateAuth", "error": "NotAuthorizedException"}},
		{"cognate_request_duration_seconds", map[string]string{"api": "cognito-idp", "operation": "SignUp"}},
		{"cognate_sign_ins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "outcome": "tokens"}},
		{"cognate_sign_ins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "outcome": "failure"}},
		{"cognate_tokens_issued_total", map[string]string{"use": "access"}},
		{"cognate_tokens_issued_total", map[string]string{"use": "id"}},
		{"cognate_codes_sent_total", map[string]string{"channel": "email"}},
		{"cognate_password_hash_wait_seconds", nil},
		{"cognate_storage_duration_seconds", map[string]string{"kind": "tx"}},
		{"cognate_storage_duration_seconds", map[string]string{"kind": "read"}},
	} {
		if got, was := metricValue(after, c.family, c.labels), metricValue(before, c.family, c.labels); got <= was {
			t.Errorf("%s%v did not move: %v -> %v", c.family, c.labels, was, got)
		}
	}
	if metricValue(after, "go_goroutines", nil) == 0 || metricValue(after, "process_cpu_seconds_total", nil) == 0 {
		t.Error("the Go runtime's and the process's metrics are missing")
	}
	if metricValue(after, "cognate_storage_errors_total", nil) != 0 {
		t.Error("storage errors counted on a healthy server")
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := newServer(t, "sqlite")
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := s.http.Client().Get(s.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
	}
	s.app.Close() // the database goes away
	resp, err := s.http.Client().Get(s.http.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with the database closed = %d, want 503", resp.StatusCode)
	}
}

// from returns client options that send requests as if from addr,
// through a trusted proxy.
func from(addr string) func(*cip.Options) {
	return func(o *cip.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue("X-Forwarded-For", addr))
	}
}

func isThrottled(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "TooManyRequestsException"
}

// TestPasswordSprayIsThrottled: one address trying a wrong password on
// many users is refused further sign-ins, even right ones, while other
// addresses sign in; guessing one user's password meets the lockout, not
// the spray rule; X-Forwarded-For counts only from trusted proxies.
func TestPasswordSprayIsThrottled(t *testing.T) {
	cfg := newConfig(t, "sqlite")
	cfg.PasswordSpray, cfg.TrustedProxies = "5/10m", "127.0.0.1"
	s := start(t, cfg)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	for _, u := range []string{"victim", "bystander"} {
		s.user(poolID, u, "Correct-Horse-9")
	}
	signIn := func(addr, user, pw string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": pw}}, from(addr))
		return err
	}
	// One user, many wrong passwords: the lockout's business.
	for range 8 {
		if err := signIn("198.51.100.20", "victim", "Wrong-Horse-9"); isThrottled(err) {
			t.Fatal("guessing one user's password was answered by the spray rule")
		}
	}
	// Many users, one wrong password each: a spray.
	for i := range 5 {
		if err := signIn("203.0.113.66", fmt.Sprintf("user%d", i), "Summer2026!"); isThrottled(err) {
			t.Fatalf("throttled after %d users", i)
		}
	}
	if err := signIn("203.0.113.66", "bystander", "Correct-Horse-9"); !isThrottled(err) {
		t.Fatalf("the spraying address is not throttled: %v", err)
	}
	if err := signIn("198.51.100.9", "bystander", "Correct-Horse-9"); err != nil {
		t.Fatalf("another address cannot sign in: %v", err)
	}
	if v := metricValue(s.scrape(t), "cognate_throttled_requests_total", map[string]string{"category": "UserAuthentication", "scope": "spray"}); v < 1 {
		t.Errorf("throttled sign-ins not counted: %v", v)
	}

	// Without a trusted proxy, X-Forwarded-For is the client's to say and
	// counts for nothing: every request here is 127.0.0.1's.
	cfg = newConfig(t, "sqlite")
	cfg.PasswordSpray = "3/10m"
	s = start(t, cfg)
	poolID = s.pool(nil)
	clientID, _ = s.appClient(poolID, false)
	s.user(poolID, "bystander", "Correct-Horse-9")
	for i := range 3 {
		_ = signIn(fmt.Sprintf("192.0.2.%d", i), fmt.Sprintf("user%d", i), "Summer2026!")
	}
	if err := signIn("192.0.2.99", "bystander", "Correct-Horse-9"); !isThrottled(err) {
		t.Fatalf("a forged X-Forwarded-For escaped the spray rule: %v", err)
	}
}

// TestRateLimitByCategory: a limit of a category refuses the requests
// past it with TooManyRequestsException; requests signed with the root
// credentials are the operator's and not limited.
func TestRateLimitByCategory(t *testing.T) {
	cfg := newConfig(t, "sqlite")
	cfg.RateLimits = "address:UserCreation=0.01/3"
	s := start(t, cfg)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	var throttled int
	for i := range 5 {
		_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(fmt.Sprintf("u%d", i)),
			Password: aws.String("Correct-Horse-9")})
		if isThrottled(err) {
			throttled++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if throttled != 2 {
		t.Fatalf("%d of 5 sign-ups throttled, want 2 past the burst of 3", throttled)
	}
	for i := range 5 {
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(fmt.Sprintf("a%d", i)),
			MessageAction: types.MessageActionTypeSuppress})).must(t)
	}
}

// TestPasswordSprayThroughUserAuth: choice-based sign-in through the API
// is under the spray rule too, whether the password comes with
// InitiateAuth (PREFERRED_CHALLENGE=PASSWORD) or answers SELECT_CHALLENGE,
// and an answer's USERNAME cannot hide the users sprayed (the rule names
// the user by the Session).
func TestPasswordSprayThroughUserAuth(t *testing.T) {
	cfg := newConfig(t, "sqlite")
	cfg.PasswordSpray, cfg.TrustedProxies = "3/10m", "127.0.0.1"
	s := start(t, cfg)
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp}}}})
	clientID := *result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID),
		ClientName: aws.String("choice"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})).must(t).UserPoolClient.ClientId
	for i := range 6 {
		s.user(poolID, fmt.Sprintf("user%d", i), "Correct-Horse-9")
	}
	s.user(poolID, "bystander", "Correct-Horse-9")
	bystander := func(addr string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "bystander", "PASSWORD": "Correct-Horse-9"}}, from(addr))
		return err
	}

	// The password with InitiateAuth.
	for i := range 3 {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserAuth,
			AuthParameters: map[string]string{"USERNAME": fmt.Sprintf("user%d", i), "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Summer2026!"}},
			from("203.0.113.70"))
		wantCode(t, err, "NotAuthorizedException", "")
	}
	if err := bystander("203.0.113.70"); !isThrottled(err) {
		t.Fatalf("USER_AUTH with PREFERRED_CHALLENGE=PASSWORD escaped the spray rule: %v", err)
	}

	// The password answering SELECT_CHALLENGE, every answer naming the
	// same user.
	for i := 3; i < 6; i++ {
		out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserAuth,
			AuthParameters: map[string]string{"USERNAME": fmt.Sprintf("user%d", i)}}, from("203.0.113.71"))).must(t)
		if out.ChallengeName != types.ChallengeNameTypeSelectChallenge {
			t.Fatalf("USER_AUTH: challenge %q, want SELECT_CHALLENGE", out.ChallengeName)
		}
		_, err := s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
			ChallengeName: types.ChallengeNameTypeSelectChallenge, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "user0", "ANSWER": "PASSWORD", "PASSWORD": "Summer2026!"}}, from("203.0.113.71"))
		if err == nil {
			t.Fatal("a wrong password answered SELECT_CHALLENGE")
		}
	}
	if err := bystander("203.0.113.71"); !isThrottled(err) {
		t.Fatalf("a spray answering SELECT_CHALLENGE under one USERNAME escaped the spray rule: %v", err)
	}
	if err := bystander("198.51.100.9"); err != nil {
		t.Fatalf("another address cannot sign in: %v", err)
	}
}
