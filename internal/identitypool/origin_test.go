package identitypool

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestOriginOfLogins(t *testing.T) {
	a := originSession{UserPoolID: "us-east-1_a", Sub: "s1", OriginJTI: "j1"}
	b := originSession{UserPoolID: "us-east-1_b", Sub: "s2", OriginJTI: "j2"}
	cases := []struct {
		name   string
		logins []*login
		want   tokenOrigin
	}{
		{"no logins", nil, tokenOrigin{}},
		{"developer: unbounded", []*login{{kind: kindDeveloper}}, tokenOrigin{}},
		{"user pool", []*login{{kind: kindUserPool, until: 2000, sessions: []originSession{a}}},
			tokenOrigin{Exp: 2000, Sessions: []originSession{a}}},
		{"earliest exp, every session once", []*login{
			{kind: kindCognito, until: 3000, sessions: []originSession{a, b}},
			{kind: kindUserPool, until: 2500, sessions: []originSession{a}},
			{kind: kindOIDC, until: 0},
		}, tokenOrigin{Exp: 2500, Sessions: []originSession{a, b}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := (&resolution{logins: c.logins}).origin()
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("origin = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestOriginCapsExp(t *testing.T) {
	now := time.Unix(1000, 0)
	sess := []originSession{{UserPoolID: "p", Sub: "s", OriginJTI: "j"}}
	cases := []struct {
		name       string
		origin     tokenOrigin
		ttl        time.Duration
		wantExp    int64
		wantOrigin tokenOrigin
	}{
		{"unbounded: the token is its own origin", tokenOrigin{}, 10 * time.Minute, 1600, tokenOrigin{Exp: 1600}},
		{"origin later than the ttl", tokenOrigin{Exp: 5000, Sessions: sess}, 10 * time.Minute, 1600, tokenOrigin{Exp: 5000, Sessions: sess}},
		{"origin sooner than the ttl", tokenOrigin{Exp: 1300, Sessions: sess}, 10 * time.Minute, 1300, tokenOrigin{Exp: 1300, Sessions: sess}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp, o := c.origin.capped(now, c.ttl)
			if exp != c.wantExp || !reflect.DeepEqual(o, c.wantOrigin) {
				t.Fatalf("capped = %d %+v, want %d %+v", exp, o, c.wantExp, c.wantOrigin)
			}
		})
	}
}

func TestClaimUnix(t *testing.T) {
	cases := []struct {
		v    any
		want int64
	}{
		{float64(1700000000), 1700000000},
		{json.Number("1700000000"), 1700000000},
		{json.Number("1.7e9"), 1700000000},
		{json.Number("soon"), 0},
		{"1700000000", 0},
		{nil, 0},
		{float64(-5), 0},
		{math.NaN(), 0},
		{math.Inf(1), 0},
	}
	for _, c := range cases {
		if got := claimUnix(c.v); got != c.want {
			t.Errorf("claimUnix(%#v) = %d, want %d", c.v, got, c.want)
		}
	}
}
