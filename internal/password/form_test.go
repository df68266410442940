package password

import "testing"

func TestWellFormed(t *testing.T) {
	tests := []struct {
		pw   string
		want bool
	}{
		{"Passw0rd!", true},
		{"correct horse battery 9", true},
		{"a  b", true}, // runs of inner spaces
		{"a\tb", true}, // an inner tab is any character
		{"ab", true},
		{" Passw0rd!", false},
		{"Passw0rd! ", false},
		{"\tPassw0rd!", false},
		{"Passw0rd!\n", false},
		{"Passw0rd!\x0B", false}, // Java's \s has the vertical tab
		{"Pass\nw0rd!", false},   // '.' stops at line terminators
		{"Pass\rw0rd!", false},
		{"Pass \u2028 w0rd!", false},
		{"Pass\u2028w0rd!", true}, // U+2028 is not \s: [\S]+ covers it
		{"a", false},              // two non-space ends
		{"", false},
		{"  ", false},
		{"äö ü€", true},
	}
	for _, tt := range tests {
		if got := WellFormed(tt.pw); got != tt.want {
			t.Errorf("WellFormed(%q) = %v, want %v", tt.pw, got, tt.want)
		}
	}
}
