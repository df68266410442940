package console

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/identitypool"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

func TestIdentityIDInText(t *testing.T) {
	const id = "us-east-1:6c1f3a2b-1d2e-4f5a-8b9c-0d1e2f3a4b5c"
	for _, c := range []struct{ in, want string }{
		{id, id},
		{"private/" + id + "/photo.jpg", id},
		{"s3://bucket/private/" + id + "/a/b.png", id},
		{"private/ap-southeast-2:6c1f3a2b-1d2e-4f5a-8b9c-0d1e2f3a4b5c/x", "ap-southeast-2:6c1f3a2b-1d2e-4f5a-8b9c-0d1e2f3a4b5c"},
		{"private/us-east-1%3A6c1f3a2b-1d2e-4f5a-8b9c-0d1e2f3a4b5c/x", ""}, // the handler unescapes first
		{"private/photo.jpg", ""},
		{"us-east-1:not-a-uuid", ""},
	} {
		if got := identityIDPattern.FindString(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseWhen(t *testing.T) {
	day := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		end  bool
		want time.Time
		bad  bool
	}{
		{"", false, time.Time{}, false},
		{"2026-01-31", false, day, false},
		{"2026-01-31", true, day.Add(24*time.Hour - time.Microsecond), false},
		{"2026-01-31T10:00:00Z", false, day.Add(10 * time.Hour), false},
		{"2026-01-31T10:00", false, day.Add(10 * time.Hour), false},
		{"yesterday", false, time.Time{}, true},
	} {
		got, err := parseWhen(c.in, c.end)
		if (err != nil) != c.bad || !got.Equal(c.want) {
			t.Errorf("%q end=%v: %v %v", c.in, c.end, got, err)
		}
		if c.bad && !errors.Is(err, errBadInput) {
			t.Errorf("%q: error %v is not bad input", c.in, err)
		}
	}
}

func TestAuditFilterQuery(t *testing.T) {
	q := url.Values{"pool": {" us-east-1_abc "}, "type": {"LoginLinked"}, "from": {"2026-01-01"}, "next": {"tok"}}
	f, d, err := auditFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	if f.UserPoolID != "us-east-1_abc" || f.Type != "LoginLinked" || f.From.IsZero() || !f.To.IsZero() {
		t.Errorf("filter %+v", f)
	}
	if d.Query != "from=2026-01-01&pool=us-east-1_abc&type=LoginLinked" {
		t.Errorf("query %q (the page token is not part of it)", d.Query)
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		msg    string
	}{
		{&userpool.Error{Kind: userpool.UserNotFound, Message: "User does not exist."}, http.StatusNotFound, "User does not exist."},
		{&userpool.Error{Kind: userpool.InvalidParameter, Message: "bad"}, http.StatusBadRequest, "InvalidParameterException: bad"},
		{&identitypool.Error{Kind: identitypool.ResourceNotFound, Message: "Identity 'x' not found."}, http.StatusNotFound, "Identity 'x' not found."},
		{storage.ErrNotFound, http.StatusNotFound, "Not found."},
		{errors.Join(errBadInput, errors.New("x")), http.StatusBadRequest, ""},
		{errors.New("disk on fire"), http.StatusInternalServerError, "Internal error: see the server log."},
	} {
		status, msg := describe(c.err)
		if status != c.status || (c.msg != "" && msg != c.msg) {
			t.Errorf("%v: %d %q", c.err, status, msg)
		}
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"ann": "ann", "": "", "=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"Admin=root": "Admin=root",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
