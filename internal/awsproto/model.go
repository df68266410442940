package awsproto

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Model is a compiled botocore service model: operations, their input shapes
// and constraints, ready for Validate. It is immutable after LoadModel and
// safe for concurrent use.
type Model struct {
	targetPrefix string
	signingName  string
	protocol     string
	apiVersion   string
	xmlNamespace string
	ops          map[string]*operation
	// errors maps an exception's wire code and its shape name to how it
	// is written (query protocol).
	errors map[string]errorInfo
	// skipped lists the patterns Go's RE2 cannot compile (lookbehind and
	// the like); members with such a pattern are not pattern-checked.
	skipped []string
	// shapes are the compiled shapes by name.
	shapes map[string]*shape
}

type operation struct {
	name   string
	input  *shape // nil for an operation without input
	noAuth bool
	// resultWrapper is the query protocol's result element, e.g.
	// "GetRoleResult"; empty for an operation without output.
	resultWrapper string
}

// errorInfo is an exception as the model describes it.
type errorInfo struct {
	code   string // wire code, e.g. "NoSuchEntity"
	status int    // HTTP status; 0 when the model gives none
	sender bool   // senderFault: <Type>Sender</Type>
}

type kind uint8

const (
	kString kind = iota
	kBool
	kInteger
	kLong
	kFloat
	kTimestamp
	kBlob
	kStruct
	kList
	kMap
	kDocument
)

// shape is one compiled model shape.
type shape struct {
	name string
	kind kind
	// sensitive is set when this shape or anything it contains is marked
	// sensitive: such values are never echoed in messages.
	sensitive      bool
	hasMin, hasMax bool
	min, max       float64
	pattern        *pattern
	enum           []string
	enumSet        map[string]struct{}
	members        []*member // structure members in model order
	byName         map[string]*member
	elem           *shape // list member
	key, value     *shape // map key and value
}

type member struct {
	name     string // wire name, e.g. "UserPoolId"
	path     string // message name, e.g. "userPoolId"
	index    int
	required bool
	shape    *shape
}

// raw model JSON.
type rawRef struct {
	Shape string `json:"shape"`
}

type rawShape struct {
	Type      string          `json:"type"`
	Members   json.RawMessage `json:"members"`
	Member    rawRef          `json:"member"`
	Key       rawRef          `json:"key"`
	Value     rawRef          `json:"value"`
	Required  []string        `json:"required"`
	Min       *float64        `json:"min"`
	Max       *float64        `json:"max"`
	Pattern   string          `json:"pattern"`
	Enum      []string        `json:"enum"`
	Sensitive bool            `json:"sensitive"`
	Document  bool            `json:"document"`
	Exception bool            `json:"exception"`
	Error     *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    bool   `json:"senderFault"`
	} `json:"error"`
}

type rawModel struct {
	Metadata struct {
		Protocol       string `json:"protocol"`
		TargetPrefix   string `json:"targetPrefix"`
		SigningName    string `json:"signingName"`
		EndpointPrefix string `json:"endpointPrefix"`
		APIVersion     string `json:"apiVersion"`
		XMLNamespace   string `json:"xmlNamespace"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input  *rawRef `json:"input"`
		Output *struct {
			Shape         string `json:"shape"`
			ResultWrapper string `json:"resultWrapper"`
		} `json:"output"`
		AuthType string   `json:"authtype"`
		Auth     []string `json:"auth"`
	} `json:"operations"`
	Shapes map[string]*rawShape `json:"shapes"`
}

// LoadModel compiles a botocore service-2.json model, gzip-compressed (as
// awsmodel.Service returns it) or plain.
func LoadModel(gz []byte) (*Model, error) {
	raw := gz
	if len(gz) > 2 && gz[0] == 0x1f && gz[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return nil, fmt.Errorf("awsproto: open model: %w", err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("awsproto: read model: %w", err)
		}
	}
	var rm rawModel
	if err := json.Unmarshal(raw, &rm); err != nil {
		return nil, fmt.Errorf("awsproto: parse model: %w", err)
	}
	m := &Model{
		targetPrefix: rm.Metadata.TargetPrefix,
		signingName:  rm.Metadata.SigningName,
		protocol:     rm.Metadata.Protocol,
		apiVersion:   rm.Metadata.APIVersion,
		xmlNamespace: rm.Metadata.XMLNamespace,
		ops:          make(map[string]*operation, len(rm.Operations)),
		errors:       map[string]errorInfo{},
	}
	if m.signingName == "" {
		m.signingName = rm.Metadata.EndpointPrefix
	}
	c := compiler{raw: rm.Shapes, shapes: map[string]*shape{}, model: m}
	for name, op := range rm.Operations {
		o := &operation{name: name, noAuth: op.AuthType == "none" || slices.Contains(op.Auth, "smithy.api#noAuth")}
		if op.Output != nil {
			o.resultWrapper = op.Output.ResultWrapper
			if o.resultWrapper == "" {
				o.resultWrapper = name + "Result"
			}
		}
		if op.Input != nil {
			in, err := c.shape(op.Input.Shape)
			if err != nil {
				return nil, fmt.Errorf("awsproto: operation %s: %w", name, err)
			}
			o.input = in
		}
		m.ops[name] = o
	}
	for name, rs := range rm.Shapes {
		if !rs.Exception {
			continue
		}
		e := errorInfo{code: name, sender: true}
		if rs.Error != nil {
			e = errorInfo{code: rs.Error.Code, status: rs.Error.HTTPStatusCode, sender: rs.Error.SenderFault}
		}
		m.errors[name] = e
		m.errors[e.code] = e
	}
	for name := range rm.Shapes { // outputs too, so every pattern is checked
		if _, err := c.shape(name); err != nil {
			return nil, fmt.Errorf("awsproto: %w", err)
		}
	}
	markSensitive(c.shapes)
	slices.Sort(m.skipped)
	m.shapes = c.shapes
	return m, nil
}

// DropPattern stops checking the pattern of the named shape, for the few
// shapes whose model pattern is narrower than what the service documents
// and accepts; the domain then validates those values itself. Call it
// before the model serves requests.
func (m *Model) DropPattern(shape string) error {
	s, ok := m.shapes[shape]
	if !ok {
		return fmt.Errorf("awsproto: no shape %q", shape)
	}
	s.pattern = nil
	return nil
}

// SetPattern replaces the pattern of the named shape with match, which
// validation errors quote as src ("Member must satisfy regular expression
// pattern: <src>"), for a shape whose model pattern differs from the rule
// the service applies. Call it before the model serves requests.
func (m *Model) SetPattern(shape, src string, match func(string) bool) error {
	s, ok := m.shapes[shape]
	if !ok {
		return fmt.Errorf("awsproto: no shape %q", shape)
	}
	s.pattern = &pattern{src: src, fn: match}
	return nil
}

// TargetPrefix is the X-Amz-Target prefix, e.g.
// "AWSCognitoIdentityProviderService".
func (m *Model) TargetPrefix() string { return m.targetPrefix }

// SigningName is the SigV4 service name, e.g. "cognito-idp".
func (m *Model) SigningName() string { return m.signingName }

// APIVersion is the model's API version, e.g. "2011-06-15".
func (m *Model) APIVersion() string { return m.apiVersion }

// XMLNamespace is the namespace of the query protocol's XML responses, e.g.
// "https://sts.amazonaws.com/doc/2011-06-15/".
func (m *Model) XMLNamespace() string { return m.xmlNamespace }

// HasOperation reports whether the model defines op.
func (m *Model) HasOperation(op string) bool {
	_, ok := m.ops[op]
	return ok
}

// RequiresSigV4 reports whether op must be signed: false only for
// operations the model marks authtype "none" / smithy.api#noAuth. Unknown
// operations require a signature.
func (m *Model) RequiresSigV4(op string) bool {
	o, ok := m.ops[op]
	return !ok || !o.noAuth
}

// Operations lists the model's operation names, sorted.
func (m *Model) Operations() []string {
	names := make([]string, 0, len(m.ops))
	for n := range m.ops {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// SkippedPatterns lists the model patterns that Go's regexp cannot compile
// and that validation therefore does not check.
func (m *Model) SkippedPatterns() []string { return slices.Clone(m.skipped) }

type compiler struct {
	raw    map[string]*rawShape
	shapes map[string]*shape
	model  *Model
}

func (c *compiler) shape(name string) (*shape, error) {
	if s, ok := c.shapes[name]; ok {
		return s, nil
	}
	rs, ok := c.raw[name]
	if !ok {
		return nil, fmt.Errorf("unknown shape %q", name)
	}
	s := &shape{name: name, sensitive: rs.Sensitive, enum: rs.Enum}
	c.shapes[name] = s // before recursing: shapes may be recursive
	if rs.Min != nil {
		s.hasMin, s.min = true, *rs.Min
	}
	if rs.Max != nil {
		s.hasMax, s.max = true, *rs.Max
	}
	if len(rs.Enum) > 8 {
		s.enumSet = make(map[string]struct{}, len(rs.Enum))
		for _, e := range rs.Enum {
			s.enumSet[e] = struct{}{}
		}
	}
	if rs.Pattern != "" {
		p, err := compilePattern(rs.Pattern)
		if err != nil {
			c.model.skipped = append(c.model.skipped, rs.Pattern)
		} else {
			s.pattern = p
		}
	}
	var err error
	switch rs.Type {
	case "string":
		s.kind = kString
	case "boolean":
		s.kind = kBool
	case "integer":
		s.kind = kInteger
	case "long":
		s.kind = kLong
	case "double", "float":
		s.kind = kFloat
	case "timestamp":
		s.kind = kTimestamp
	case "blob":
		s.kind = kBlob
	case "list":
		s.kind = kList
		s.elem, err = c.shape(rs.Member.Shape)
	case "map":
		s.kind = kMap
		if s.key, err = c.shape(rs.Key.Shape); err == nil {
			s.value, err = c.shape(rs.Value.Shape)
		}
	case "structure":
		s.kind = kStruct
		if rs.Document {
			s.kind = kDocument
			break
		}
		err = c.structure(s, rs)
	default:
		err = fmt.Errorf("shape %q: unsupported type %q", name, rs.Type)
	}
	return s, err
}

func (c *compiler) structure(s *shape, rs *rawShape) error {
	names, refs, err := orderedMembers(rs.Members)
	if err != nil {
		return fmt.Errorf("shape %q: %w", s.name, err)
	}
	s.byName = make(map[string]*member, len(names))
	for i, n := range names {
		ms, err := c.shape(refs[i].Shape)
		if err != nil {
			return fmt.Errorf("shape %q member %s: %w", s.name, n, err)
		}
		mem := &member{name: n, path: lowerFirst(n), index: i, shape: ms, required: slices.Contains(rs.Required, n)}
		s.members = append(s.members, mem)
		s.byName[n] = mem
	}
	return nil
}

// orderedMembers decodes a structure's "members" object keeping model order,
// so that validation messages come out in a stable order.
func orderedMembers(raw json.RawMessage) ([]string, []rawRef, error) {
	if len(raw) == 0 {
		return nil, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	var names []string
	var refs []rawRef
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		var r rawRef
		if err := dec.Decode(&r); err != nil {
			return nil, nil, err
		}
		names = append(names, tok.(string))
		refs = append(refs, r)
	}
	return names, refs, nil
}

// markSensitive propagates sensitivity from members, elements and map
// values to their containers, to a fixed point (shapes may be recursive).
func markSensitive(shapes map[string]*shape) {
	for changed := true; changed; {
		changed = false
		for _, s := range shapes {
			if s.sensitive {
				continue
			}
			for _, child := range s.children() {
				if child.sensitive {
					s.sensitive, changed = true, true
					break
				}
			}
		}
	}
}

func (s *shape) children() []*shape {
	var out []*shape
	for _, m := range s.members {
		out = append(out, m.shape)
	}
	for _, c := range []*shape{s.elem, s.key, s.value} {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// lowerFirst turns a member name into AWS's message path form:
// "UserPoolId" -> "userPoolId".
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
