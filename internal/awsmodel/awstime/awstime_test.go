package awstime

import (
	"encoding/json"
	"testing"
	"time"
)

func TestMarshal(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.UnixMilli(1795628511896), "1795628511.896"},
		{time.UnixMilli(1795628511500), "1795628511.5"},
		{time.UnixMilli(1795628511000), "1795628511"},
		{time.UnixMilli(1795628511009), "1795628511.009"},
		{time.Unix(1795628511, 999999999), "1795628511.999"},
		{time.UnixMilli(-1500), "-1.5"},
		{time.Unix(0, 0), "0"},
	}
	for _, tt := range tests {
		got, err := json.Marshal(New(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"1795628511.896", time.UnixMilli(1795628511896), false},
		{"1795628511", time.Unix(1795628511, 0), false},
		{"1.697031458887E9", time.UnixMilli(1697031458887), false},
		{`"2026-05-20T10:00:00.5Z"`, time.Date(2026, 5, 20, 10, 0, 0, 5e8, time.UTC), false},
		{`"1795628511.25"`, time.UnixMilli(1795628511250), false},
		{"-1.5", time.UnixMilli(-1500), false},
		{"1.", time.Time{}, true},
		{"1.2x", time.Time{}, true},
		{`"yesterday"`, time.Time{}, true},
		{"true", time.Time{}, true},
		{"1e300", time.Time{}, true},
	}
	for _, tt := range tests {
		var got Time
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr {
			t.Errorf("Unmarshal(%s) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !got.Equal(tt.want) {
			t.Errorf("Unmarshal(%s) = %v, want %v", tt.in, got.Time, tt.want)
		}
	}
}

func TestNullKeepsValue(t *testing.T) {
	v := struct{ T *Time }{}
	if err := json.Unmarshal([]byte(`{"T":null}`), &v); err != nil || v.T != nil {
		t.Fatalf("null: %v %v", v.T, err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{"1795628511.896", "1.697031458887E9", `"2026-05-20T10:00:00Z"`, "-0.001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tm Time
		if tm.UnmarshalJSON([]byte(s)) != nil {
			return
		}
		b, _ := tm.MarshalJSON()
		var back Time
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatalf("re-parse of %s failed: %v", b, err)
		}
		if back.UnixMilli() != tm.UnixMilli() {
			t.Fatalf("round trip %s -> %s changed ms: %d vs %d", s, b, back.UnixMilli(), tm.UnixMilli())
		}
	})
}
