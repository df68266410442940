package app_test

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// This file generates query-protocol (STS, IAM) requests from the models:
// the plausible form of each operation's input and mutations of each
// parameter - wrong types, huge, invalid UTF-8 and NUL values, and list
// and map indexes that are out of range, malformed or deeply nested.

// queryForm flattens a plausible input of shapeName into form parameters.
func (g *generator) queryForm(name, shapeName, prefix string, depth int, out url.Values) {
	s := g.m.Shapes[shapeName]
	if s == nil || depth > 4 {
		return
	}
	switch s.Type {
	case "structure":
		for mn, ref := range s.Members {
			g.queryForm(mn, ref.Shape, join(prefix, mn), depth+1, out)
		}
	case "list":
		g.queryForm(name, s.Member.Shape, prefix+".member.1", depth+1, out)
	case "map":
		out.Set(prefix+".entry.1.key", "k")
		g.queryForm(name, s.Value.Shape, prefix+".entry.1.value", depth+1, out)
	default:
		out.Set(prefix, fmt.Sprint(g.plausible(name, shapeName, depth)))
	}
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// queryCases returns the forms for action: no parameters, the plausible
// form (signed and unsigned) and each parameter mutated, sampled down to
// at most limit cases.
func (g *generator) queryCases(action string, limit int) []queryCase {
	base := url.Values{}
	if in := g.m.Operations[action].Input; in != nil {
		g.queryForm("", in.Shape, "", 0, base)
	}
	form := func(v url.Values) url.Values {
		out := url.Values{"Action": {action}, "Version": {g.m.Metadata.APIVersion}}
		for k, vs := range v {
			out[k] = vs
		}
		return out
	}
	out := []queryCase{
		{op: action, what: "no parameters", form: form(nil)},
		{op: action, what: "plausible", form: form(base)},
		{op: action, what: "plausible unsigned", form: form(base), unsigned: true},
	}
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	hostile := []string{"", "-1", "1.5", "99999999999999999999999", "true", "NaN", "1e999",
		strings.Repeat("A", 900<<10), "a\xff\xfeb", "a\x00b", "\u0000", "{}", "[]", "null"}
	var more []queryCase
	for _, k := range keys {
		name := k[strings.LastIndex(k, ".")+1:]
		for _, w := range g.fx.wrong[name] {
			more = append(more, queryCase{op: action, what: k + "=wrong id", form: form(with1(base, k, w))})
		}
		for i, h := range hostile {
			more = append(more, queryCase{op: action, what: fmt.Sprintf("%s=hostile#%d", k, i), form: form(with1(base, k, h))})
		}
		for _, suffix := range []string{".member.1", ".member.0", ".member.-1", ".member.x", ".member.99999999999",
			".member.2147483648", ".entry.1.key", ".entry.0.value", "." + strings.Repeat("member.1.", 500) + "x", ".", ".."} {
			v := with1(base, k+suffix, "x")
			more = append(more, queryCase{op: action, what: k + suffix[:min(len(suffix), 30)], form: form(v)})
		}
		v := with1(base, k, "a")
		v.Add(k, "b")
		more = append(more, queryCase{op: action, what: k + " twice", form: form(v)})
		if i := strings.LastIndex(k, ".member."); i >= 0 {
			n := with1(base, k[:i]+".member."+strconv.Itoa(1<<20), "x")
			more = append(more, queryCase{op: action, what: k + " sparse list", form: form(n)})
		}
	}
	var keep, sample []queryCase
	for _, c := range more {
		if strings.Contains(c.what, "wrong id") {
			keep = append(keep, c)
		} else {
			sample = append(sample, c)
		}
	}
	out = append(out, keep...)
	g.rng.Shuffle(len(sample), func(i, j int) { sample[i], sample[j] = sample[j], sample[i] })
	if room := max(limit-len(out), 0); room < len(sample) {
		sample = sample[:room]
	}
	return append(out, sample...)
}

// queryCase is one query-protocol request.
type queryCase struct {
	op, what string
	form     url.Values
	unsigned bool
}

func with1(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for kk, vs := range v {
		out[kk] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}
