// Package awstime provides Time, the timestamp type of the AWS JSON 1.1
// wire format: epoch seconds as a JSON number, with a millisecond fraction
// (1795628511.896).
package awstime

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Time is a timestamp that marshals to JSON as epoch seconds with
// millisecond precision. It unmarshals JSON numbers (plain or exponent
// notation, as AWS's Java services emit e.g. 1.697031458887E9) and, leniently,
// RFC 3339 strings or numeric strings. JSON null leaves it unchanged.
type Time struct {
	time.Time
}

// New returns a *Time holding t, convenient for optional wire fields.
func New(t time.Time) *Time {
	return &Time{Time: t}
}

// MarshalJSON writes t as epoch seconds, e.g. 1795628511.896; trailing zeros
// of the fraction are dropped (1795628511.5, 1795628511).
func (t Time) MarshalJSON() ([]byte, error) {
	return t.AppendJSON(make([]byte, 0, 24)), nil
}

// AppendJSON appends the JSON encoding of t to b.
func (t Time) AppendJSON(b []byte) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		b = append(b, '-')
		ms = -ms
	}
	sec, frac := ms/1000, ms%1000
	b = strconv.AppendInt(b, sec, 10)
	if frac == 0 {
		return b
	}
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return bytes.TrimRight(b, "0")
}

// UnmarshalJSON parses epoch seconds (number or numeric string) or an
// RFC 3339 string.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("awstime: invalid string timestamp: %w", err)
		}
		if pt, err := time.Parse(time.RFC3339Nano, s); err == nil {
			t.Time = pt
			return nil
		}
		b = []byte(s)
	}
	pt, err := ParseEpoch(string(b))
	if err != nil {
		return err
	}
	t.Time = pt
	return nil
}

// ParseEpoch parses epoch seconds, with an optional fraction or exponent,
// into a UTC time. Decimal fractions are exact to the nanosecond.
func ParseEpoch(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("awstime: empty timestamp")
	}
	intPart, fracPart, hasFrac := s, "", false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'e', 'E':
			return parseFloatEpoch(s)
		case '.':
			intPart, fracPart, hasFrac = s[:i], s[i+1:], true
		}
	}
	sec, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || (hasFrac && fracPart == "") {
		return time.Time{}, fmt.Errorf("awstime: invalid epoch timestamp %q", s)
	}
	var nsec int64
	for i := 0; i < 9; i++ {
		nsec *= 10
		if i < len(fracPart) {
			c := fracPart[i]
			if c < '0' || c > '9' {
				return time.Time{}, fmt.Errorf("awstime: invalid epoch timestamp %q", s)
			}
			nsec += int64(c - '0')
		}
	}
	for i := 9; i < len(fracPart); i++ {
		if c := fracPart[i]; c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("awstime: invalid epoch timestamp %q", s)
		}
	}
	if len(intPart) > 0 && intPart[0] == '-' {
		nsec = -nsec
	}
	return time.Unix(sec, nsec).UTC(), nil
}

func parseFloatEpoch(s string) (time.Time, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return time.Time{}, fmt.Errorf("awstime: invalid epoch timestamp %q", s)
	}
	// Round to microseconds: float64 cannot carry more at today's epochs.
	us := int64(math.Round(f * 1e6))
	return time.UnixMicro(us).UTC(), nil
}
