package policy

import (
	"cmp"
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// number is a Numeric* operand. Integers compare exactly (account IDs and
// the like exceed float64's precision); other numbers as float64.
type number struct {
	f     float64
	i     int64
	isInt bool
}

// parseNumber parses a Numeric* operand: an integer or decimal number
// ("10", "-2.5", "1e3"). Hexadecimal, NaN and infinities are refused.
func parseNumber(s string) (number, bool) {
	if s == "" || strings.Trim(s, "0123456789+-.eE") != "" {
		return number{}, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return number{f: float64(i), i: i, isInt: true}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return number{}, false
	}
	return number{f: f}, true
}

// compare returns -1, 0 or +1 as n is less than, equal to or greater than
// m.
func (n number) compare(m number) int {
	if n.isInt && m.isInt {
		return cmp.Compare(n.i, m.i)
	}
	return cmp.Compare(n.f, m.f)
}

// dateLayouts are the W3C profile of ISO 8601 that Date* operators take
// (https://www.w3.org/TR/NOTE-datetime), most precise first. Fractional
// seconds are accepted after the seconds of any layout that has them.
// Without a time zone, a time is UTC.
var dateLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

// parseDate parses a Date* operand: an ISO 8601 date or date-time, or a
// Unix epoch time in seconds (aws:EpochTime).
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if isEpoch(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	if strings.ContainsAny(s, "tz") {
		s = strings.ToUpper(s)
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isEpoch reports whether s is an optionally signed run of digits longer
// than a four-digit year.
func isEpoch(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if len(s) <= 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parsePrefix parses an IpAddress operand: an IPv4 or IPv6 CIDR block, or a
// single address (which IAM reads as /32, or /128 for IPv6). Host bits are
// cleared, and IPv4-mapped IPv6 addresses become IPv4.
func parsePrefix(s string) (netip.Prefix, bool) {
	if !strings.Contains(s, "/") {
		a, ok := parseAddr(s)
		if !ok {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() {
		if bits < 96 {
			return netip.Prefix{}, false
		}
		a, bits = a.Unmap(), bits-96
	}
	return netip.PrefixFrom(a, bits).Masked(), true
}

// parseAddr parses an IP address from a request (aws:SourceIp).
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseBinary decodes a BinaryEquals operand: base64, padded or not.
func parseBinary(s string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return "", false
		}
	}
	return string(b), true
}

// parseNull parses a Null operand: "true" (the key must be absent) or
// "false" (it must be present).
func parseNull(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}
