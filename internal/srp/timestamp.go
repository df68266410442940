package srp

import (
	"time"
)

// TimestampTolerance is how far the TIMESTAMP of a PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER response may be from the server's clock, either
// way. Cognito does not document its window; five minutes is the usual
// allowance for client clock skew (Kerberos' default), while the sealed
// SECRET_BLOCK's own expiry bounds how long a challenge stays open.
const TimestampTolerance = 5 * time.Minute

// timestampLayout is DateHelper.getNowString's "ddd MMM D HH:mm:ss UTC YYYY":
// English names, day of month without padding, hours, minutes and seconds on
// two digits, always UTC, for example "Tue Nov 3 01:07:05 UTC 2026".
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// FormatTimestamp returns t in UTC as the clients write TIMESTAMP
// (DateHelper.getNowString in amazon-cognito-identity-js, getNowString in
// Amplify v6).
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format(timestampLayout)
}

// ParseTimestamp parses a TIMESTAMP in the clients' format. It also accepts
// what other client ports write: a day padded with a zero or a space
// (strftime's %d and %e) and a one-digit hour. The weekday must be an English
// abbreviation but is not checked against the date, since the signature covers
// the string anyway. Errors are ErrTimestamp.
func ParseTimestamp(s string) (time.Time, error) {
	// The longest valid value is 31 bytes; refuse long input before parsing.
	if len(s) > 40 {
		return time.Time{}, ErrTimestamp
	}
	t, err := time.Parse(timestampLayout, s)
	if err != nil {
		return time.Time{}, ErrTimestamp
	}
	return t, nil
}
