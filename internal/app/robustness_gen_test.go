package app_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/awsmodel"
)

// This file generates hostile requests from the botocore models: a
// plausible input for every operation (members filled from a fixture), and
// mutations of it - wrong JSON types, huge, deep, invalid UTF-8 and NUL
// values, and well-formed but wrong ids and tokens.

// apiModel is the part of a botocore model the generator reads.
type apiModel struct {
	Metadata struct {
		Protocol, TargetPrefix, SigningName, EndpointPrefix, APIVersion string
	} `json:"metadata"`
	Operations map[string]struct {
		Input    *struct{ Shape string }  `json:"input"`
		Errors   []struct{ Shape string } `json:"errors"`
		AuthType string                   `json:"authtype"`
	} `json:"operations"`
	Shapes map[string]*modelShape `json:"shapes"`
}

type modelShape struct {
	Type     string                            `json:"type"`
	Members  map[string]struct{ Shape string } `json:"members"`
	Required []string                          `json:"required"`
	Member   struct{ Shape string }            `json:"member"`
	Key      struct{ Shape string }            `json:"key"`
	Value    struct{ Shape string }            `json:"value"`
	Enum     []string                          `json:"enum"`
	Min      *float64                          `json:"min"`
}

func loadAPIModel(t testing.TB, service string) *apiModel {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(awsmodel.Service(service)))
	if err != nil {
		t.Fatalf("%s model: %v", service, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var m apiModel
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Metadata.SigningName == "" {
		m.Metadata.SigningName = m.Metadata.EndpointPrefix
	}
	return &m
}

// operations returns the model's operation names, sorted, with the ones
// that delete or revoke last so that the rest run against live fixtures.
func (m *apiModel) operations() []string {
	names := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		names = append(names, n)
	}
	destructive := func(n string) bool {
		for _, p := range []string{"Delete", "AdminDelete", "Revoke", "GlobalSignOut", "AdminUserGlobalSignOut", "AdminDisable", "Unlink", "AdminRemove", "Remove"} {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
		return false
	}
	sort.Slice(names, func(i, j int) bool {
		di, dj := destructive(names[i]), destructive(names[j])
		if di != dj {
			return dj
		}
		return names[i] < names[j]
	})
	return names
}

// fixtureValues gives plausible values for members by name (UserPoolId,
// ClientId, Username, AccessToken...) and wrong-but-well-formed ones.
type fixtureValues struct {
	plausible map[string]string         // member name -> a value that names a live fixture
	wrong     map[string][]string       // member name -> well-formed values that name nothing (or something else)
	maps      map[string]map[string]any // map member name -> plausible entries
}

// rawMarker wraps bytes to splice verbatim into the encoded JSON.
type rawMarker struct{ id int }

// generator builds request bodies for one model.
type generator struct {
	// minimal makes plausible fill only required members, so that more
	// requests get past validation to the handlers.
	minimal bool
	m       *apiModel
	fx      *fixtureValues
	rng     *rand.Rand
	raws    [][]byte
}

// plausible returns a value for shape, filled from fixtures by member name.
func (g *generator) plausible(name, shapeName string, depth int) any {
	s := g.m.Shapes[shapeName]
	if s == nil {
		return "x"
	}
	switch s.Type {
	case "structure":
		out := map[string]any{}
		if depth > 3 || g.minimal {
			for _, r := range s.Required {
				out[r] = g.plausible(r, s.Members[r].Shape, depth+1)
			}
			return out
		}
		for mn, ref := range s.Members {
			out[mn] = g.plausible(mn, ref.Shape, depth+1)
		}
		return out
	case "list":
		return []any{g.plausible(name, s.Member.Shape, depth+1)}
	case "map":
		if v, ok := g.fx.maps[name]; ok {
			return v
		}
		k := "k"
		if ks := g.m.Shapes[s.Key.Shape]; ks != nil && len(ks.Enum) > 0 {
			k = ks.Enum[0]
		}
		return map[string]any{k: g.plausible(name, s.Value.Shape, depth+1)}
	case "integer", "long":
		if s.Min != nil {
			return *s.Min
		}
		return 1
	case "double", "float":
		return 1.5
	case "boolean":
		return true
	case "timestamp":
		return 1700000000
	case "blob":
		return base64.StdEncoding.EncodeToString([]byte("blob"))
	}
	if v, ok := g.fx.plausible[name]; ok {
		return v
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	n := 1
	if s.Min != nil && *s.Min > 1 {
		n = int(*s.Min)
	}
	return strings.Repeat("a", n)
}

// raw registers b to be spliced into the JSON in place of the marker.
func (g *generator) raw(b []byte) rawMarker {
	g.raws = append(g.raws, b)
	return rawMarker{len(g.raws) - 1}
}

// hostileNUL is the index of the string with a NUL in hostile's list.
const hostileNUL = 14

// hostile lists the wrong-type and malformed values one member gets.
func (g *generator) hostile() []any {
	deep := bytes.Repeat([]byte("["), 20000)
	deep = append(deep, bytes.Repeat([]byte("]"), 20000)...)
	deepObj := []byte(strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000))
	return []any{
		12345, -1, 1.5e308, 9223372036854775808.0, true, nil,
		map[string]any{"x": 1}, []any{"x", 2, nil}, "", "x",
		strings.Repeat("A", 900<<10), // big but under the 1 MiB limit
		g.raw(deep), g.raw(deepObj),
		g.raw([]byte("\"a\xff\xfeb\xc0\x80\"")), // invalid UTF-8
		"a\x00b",                                // hostileNUL
		g.raw([]byte(`"\u0000\ud800\udfff\ud800"`)),
		g.raw([]byte(`"\u00"`)), g.raw([]byte(`1e999999`)), g.raw([]byte(`-0.0e-0`)),
		map[string]any{"__proto__": map[string]any{}, "": nil},
	}
}

// encode marshals v and splices the raw markers in.
func (g *generator) encode(v any) []byte {
	b, err := json.Marshal(replaceRaw(v))
	if err != nil {
		panic(err)
	}
	for i, r := range g.raws {
		b = bytes.Replace(b, []byte(fmt.Sprintf(`"\u0000raw%d\u0000"`, i)), r, 1)
	}
	return b
}

func replaceRaw(v any) any {
	switch x := v.(type) {
	case rawMarker:
		return fmt.Sprintf("\x00raw%d\x00", x.id)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = replaceRaw(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = replaceRaw(e)
		}
		return out
	}
	return v
}

// path addresses a node of a JSON value: map keys and list indexes.
type path []any

// paths lists the nodes of v (not v itself), depth first.
func paths(v any, prefix path, out *[]path) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := append(append(path{}, prefix...), k)
			*out = append(*out, p)
			paths(x[k], p, out)
		}
	case []any:
		for i, e := range x {
			p := append(append(path{}, prefix...), i)
			*out = append(*out, p)
			paths(e, p, out)
		}
	}
}

// with returns a deep copy of v with the node at p replaced by val.
func with(v any, p path, val any) any {
	if len(p) == 0 {
		return val
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = e
		}
		out[p[0].(string)] = with(x[p[0].(string)], p[1:], val)
		return out
	case []any:
		out := append([]any(nil), x...)
		out[p[0].(int)] = with(x[p[0].(int)], p[1:], val)
		return out
	}
	return v
}

// at returns the node at p and the member name it is under.
func at(v any, p path) (any, string) {
	name := ""
	for _, k := range p {
		switch x := v.(type) {
		case map[string]any:
			name = k.(string)
			v = x[name]
		case []any:
			v = x[k.(int)]
		}
	}
	return v, name
}

// fuzzCase is one request body for one operation.
type fuzzCase struct {
	op, what string
	body     func() []byte
	unsigned bool
}

func fixed(b []byte) func() []byte { return func() []byte { return b } }

// cases returns the bodies for op: empty objects (signed and unsigned),
// the plausible input, each node of it with each hostile value and each
// wrong id, sampled down to at most limit cases.
func (g *generator) cases(op string, limit int) []fuzzCase {
	var base, minimal any = map[string]any{}, map[string]any{}
	if in := g.m.Operations[op].Input; in != nil {
		base = g.plausible("", in.Shape, 0)
		g.minimal = true
		minimal = g.plausible("", in.Shape, 0)
		g.minimal = false
	}
	plain := g.encode(base)
	out := []fuzzCase{
		{op: op, what: "{}", body: fixed([]byte("{}"))},
		{op: op, what: "{} unsigned", body: fixed([]byte("{}")), unsigned: true},
		{op: op, what: "plausible unsigned", body: fixed(plain), unsigned: true},
		{op: op, what: "not JSON", body: fixed([]byte(`{"a":`))},
		{op: op, what: "array body", body: fixed([]byte(`[]`))},
		{op: op, what: "plausible", body: fixed(plain)},
		{op: op, what: "minimal", body: fixed(g.encode(minimal))},
	}
	var more []fuzzCase
	for _, b := range []struct {
		what string
		v    any
	}{{"minimal", minimal}, {"full", base}} {
		more = append(more, g.mutations(op, b.what, b.v)...)
	}
	more = append(more, fuzzCase{op: op, what: "unknown member", body: fixed(g.encode(with(base, path{"NoSuchMember"}, map[string]any{"a": []any{1}})))})
	// Wrong ids are always kept, and up to maxNUL strings with a NUL
	// character (storage cannot hold one: the write must fail as bad
	// input); the other hostile values are sampled.
	const maxNUL = 24
	var keep, nul, sample []fuzzCase
	for _, c := range more {
		switch {
		case strings.Contains(c.what, "wrong id"):
			keep = append(keep, c)
		case strings.HasSuffix(c.what, fmt.Sprintf("=hostile#%d", hostileNUL)):
			nul = append(nul, c)
		default:
			sample = append(sample, c)
		}
	}
	g.rng.Shuffle(len(nul), func(i, j int) { nul[i], nul[j] = nul[j], nul[i] })
	out = append(out, keep...)
	out = append(out, nul[:min(len(nul), maxNUL)]...)
	g.rng.Shuffle(len(sample), func(i, j int) { sample[i], sample[j] = sample[j], sample[i] })
	if room := limit - len(out); room < len(sample) {
		if room < 0 {
			room = 0
		}
		sample = sample[:room]
	}
	return append(out, sample...)
}

// mutations returns base with each node replaced by each wrong id its
// member name has and by each hostile value.
func (g *generator) mutations(op, what string, base any) []fuzzCase {
	var ps []path
	paths(base, nil, &ps)
	var more []fuzzCase
	for _, p := range ps {
		node, name := at(base, p)
		if _, ok := node.(string); ok {
			for _, w := range g.fx.wrong[name] {
				more = append(more, fuzzCase{op: op, what: fmt.Sprintf("%s %v=wrong id %.40q", what, p, w), body: fixed(g.encode(with(base, p, w)))})
			}
		}
		for i := range len(g.hostile()) {
			p := p
			more = append(more, fuzzCase{op: op, what: fmt.Sprintf("%s %v=hostile#%d", what, p, i), body: func() []byte {
				g.raws = g.raws[:0]
				return g.encode(with(base, p, g.hostile()[i]))
			}})
		}
		g.raws = g.raws[:0]
	}
	return more
}
