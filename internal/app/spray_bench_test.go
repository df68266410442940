package app_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// BenchmarkPasswordSpray is the load test of the rate limits: 16
// attackers spray one wrong password over many users from one address
// while legitimate users sign in from their own addresses, with the
// default limits.
//
//	go test ./internal/app -run '^$' -bench PasswordSpray -benchtime 2000x
//
// It reports how many of the attackers' guesses were checked (answered
// NotAuthorizedException) rather than refused (TooManyRequestsException),
// and the share of legitimate sign-ins that succeeded.
func BenchmarkPasswordSpray(b *testing.B) {
	cfg := newConfig(b, "sqlite")
	cfg.TrustedProxies = "127.0.0.1"
	cfg.PasswordSpray = "50/15m" // the default
	s := start(b, cfg)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	const legit = 4
	for i := range legit {
		s.user(poolID, fmt.Sprintf("user%d", i), "Correct-Horse-9")
	}
	signIn := func(addr, user, pw string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": pw}}, from(addr))
		return err
	}
	var checked, refused, legitOK, legitFailed atomic.Int64
	var next atomic.Int64
	done := make(chan struct{})
	var legitWG sync.WaitGroup
	for i := range legit {
		legitWG.Add(1)
		go func() {
			defer legitWG.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := signIn(fmt.Sprintf("198.51.100.%d", 10+i), fmt.Sprintf("user%d", i), "Correct-Horse-9"); err != nil {
					legitFailed.Add(1)
				} else {
					legitOK.Add(1)
				}
			}
		}()
	}
	b.ResetTimer()
	var attackers sync.WaitGroup
	for range 16 {
		attackers.Add(1)
		go func() {
			defer attackers.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				err := signIn("203.0.113.66", fmt.Sprintf("target%d", n), "Winter2026!")
				if isThrottled(err) {
					refused.Add(1)
				} else {
					checked.Add(1)
				}
			}
		}()
	}
	attackers.Wait()
	b.StopTimer()
	close(done)
	legitWG.Wait()
	b.ReportMetric(float64(checked.Load()), "guesses-checked")
	b.ReportMetric(float64(refused.Load()), "guesses-refused")
	total := legitOK.Load() + legitFailed.Load()
	if total > 0 {
		b.ReportMetric(100*float64(legitOK.Load())/float64(total), "legit-ok-%")
	}
	if legitFailed.Load() > 0 {
		b.Errorf("%d legitimate sign-ins failed during the spray", legitFailed.Load())
	}
	if b.N > 100 && checked.Load() > 50+16 {
		b.Errorf("%d guesses checked; the spray rule allows 50 users (plus those in flight)", checked.Load())
	}
}
