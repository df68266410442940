package ratelimit

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestAllowBurstThenRate(t *testing.T) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	l := New(Options{Rules: Rules{ScopeAddress: {UserAuthentication: {PerSecond: 2, Burst: 5}}}, Now: c.now})
	allowed := 0
	for range 20 {
		if l.Allow(ScopeAddress, UserAuthentication, "203.0.113.1") {
			allowed++
		}
	}
	if allowed != 5 {
		t.Fatalf("a burst of 20 allowed %d, want the burst of 5", allowed)
	}
	if !l.Allow(ScopeAddress, UserAuthentication, "203.0.113.2") {
		t.Fatal("another address shares the first one's allowance")
	}
	c.t = c.t.Add(time.Second)
	allowed = 0
	for range 20 {
		if l.Allow(ScopeAddress, UserAuthentication, "203.0.113.1") {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("after a second, %d allowed, want the rate of 2", allowed)
	}
	if !l.Allow(ScopeAddress, UserRead, "203.0.113.1") || !l.Allow(ScopeUser, UserAuthentication, "ann") {
		t.Fatal("categories and scopes without a limit are limited")
	}
}

func TestAllowConcurrent(t *testing.T) {
	l := New(Options{Rules: Rules{ScopeUser: {UserAuthentication: {PerSecond: 0.001, Burst: 10}}}})
	var n atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Allow(ScopeUser, UserAuthentication, "ann") {
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if n.Load() != 10 {
		t.Fatalf("200 concurrent requests allowed %d, want 10", n.Load())
	}
}

func TestSprayBlocksAnAddress(t *testing.T) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	l := New(Options{SprayUsers: 3, Window: time.Minute, Now: c.now})
	for range 50 {
		l.WrongPassword("198.51.100.7", "ann") // one user, many times: the lockout's business
	}
	l.WrongPassword("198.51.100.7", "bob")
	if l.Blocked("198.51.100.7") {
		t.Fatal("blocked after wrong passwords for 2 users")
	}
	l.WrongPassword("198.51.100.7", "cy")
	if !l.Blocked("198.51.100.7") || l.Blocked("198.51.100.8") {
		t.Fatal("a third user does not block its address alone")
	}
	c.t = c.t.Add(time.Minute)
	if l.Blocked("198.51.100.7") {
		t.Fatal("still blocked after the window")
	}
	l.Sweep()
	if len(l.shard("198.51.100.7").fails) != 0 {
		t.Fatal("Sweep kept an ended window")
	}
}

func TestParseRules(t *testing.T) {
	r, err := ParseRules("address:UserAuthentication=5/10, user:UserCreation=3, user:UserCreation=0, client:UserRead=100", Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if got := r[ScopeAddress][UserAuthentication]; got != (Limit{5, 10}) {
		t.Errorf("address UserAuthentication = %+v", got)
	}
	if _, ok := r[ScopeUser][UserCreation]; ok {
		t.Error("rate 0 did not remove the limit")
	}
	if got := r[ScopeClient][UserRead]; got != (Limit{100, 100}) {
		t.Errorf("client UserRead = %+v", got)
	}
	if got := Defaults()[ScopeAddress][UserAuthentication]; got != (Limit{200, 400}) {
		t.Errorf("ParseRules changed the defaults: %+v", got)
	}
	if r, _ := ParseRules("off", Defaults()); len(r) != 0 {
		t.Error("off keeps limits")
	}
	for _, bad := range []string{"address:Nope=1", "site:UserRead=1", "address:UserRead=x", "address:UserRead=1/0", "UserRead=1"} {
		if _, err := ParseRules(bad, Defaults()); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCategory(t *testing.T) {
	if got := Category("cognito-idp", "InitiateAuth", "REFRESH_TOKEN_AUTH"); got != UserToken {
		t.Errorf("a refresh is %q, want UserToken", got)
	}
	for _, tc := range []struct{ api, op, want string }{
		{"cognito-idp", "InitiateAuth", UserAuthentication},
		{"cognito-idp", "RespondToAuthChallenge", UserAuthentication},
		{"cognito-idp", "SignUp", UserCreation},
		{"cognito-idp", "ForgotPassword", UserAccountRecovery},
		{"cognito-idp", "ListUsers", UserList},
		{"cognito-identity", "GetId", IdentityPool},
		{"cognito-idp", "CreateGroup", ""},
		{"sts", "GetCallerIdentity", ""},
	} {
		if got := Category(tc.api, tc.op, "USER_SRP_AUTH"); got != tc.want {
			t.Errorf("Category(%s, %s) = %q, want %q", tc.api, tc.op, got, tc.want)
		}
	}
}
