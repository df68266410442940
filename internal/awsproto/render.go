package awsproto

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// render formats a raw JSON value the way AWS's Java services print it in
// validation messages: strings bare, lists as [a, b], maps as {k=v}. It
// runs only when a message is being built.
func render(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var val any
	if err := dec.Decode(&val); err != nil {
		return string(raw)
	}
	var b strings.Builder
	renderValue(&b, val)
	return b.String()
}

func renderValue(b *strings.Builder, val any) {
	switch x := val.(type) {
	case string:
		b.WriteString(x)
	case json.Number:
		b.WriteString(x.String())
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			renderValue(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			renderValue(b, x[k])
		}
		b.WriteByte('}')
	}
}
