package userpool

import (
	"encoding/base64"
	"encoding/binary"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// The stored forms of a user's SRP verifiers (storage.User.SRPVerifier).
//
// Since migration 0019 a password's verifiers are stored as bytes: a tag,
// then the sealed verifiers (see srpVerifiersFor), with no text encoding:
//
//	srpBySub   tag | sealed                   bound to the sub
//	srpByName  tag | sealed                   bound to the username's key (pool.key)
//	srpBoth    tag | len16 | sealed | sealed  the username's key's (len16 bytes), then the sub's
//	srpByID    tag | len8 | id | sealed       bound to id: a username's old key, kept
//	                                          through UpdateUsernameConfiguration
//
// Before that they were base64 text: "<name>.<sub>", a lone "<verifier>"
// bound to the username as stored, or ".<sub>". Those are still read (a
// user's text form is replaced at their next password sign-in, see
// upgradeSRP). A tag is below any character of that text, so the two
// forms never meet.
const (
	srpBySub  = 0x01
	srpByName = 0x02
	srpBoth   = 0x03
	srpByID   = 0x04
)

// srpBinding is one stored verifier and the user id it binds: the sub
// (srpBySub), the username's key (srpByName), or id (srpByID; a text
// form's lone verifier is srpByID with no id: the username as stored).
type srpBinding struct {
	kind   byte
	id     string
	sealed []byte // nil when the text form does not decode
}

// encodeSRP stores the sealed verifiers bound to the username's key
// (byName) and to the sub (bySub); either may be nil, not both.
func encodeSRP(byName, bySub []byte) storage.SRPVerifiers {
	switch {
	case byName == nil:
		return storage.SRPVerifiers(append([]byte{srpBySub}, bySub...))
	case bySub == nil:
		return storage.SRPVerifiers(append([]byte{srpByName}, byName...))
	}
	b := make([]byte, 0, 3+len(byName)+len(bySub))
	b = append(b, srpBoth)
	b = binary.BigEndian.AppendUint16(b, uint16(len(byName)))
	b = append(append(b, byName...), bySub...)
	return storage.SRPVerifiers(b)
}

// encodeSRPBindings stores bindings as parseSRP read them, in the binary
// form (a text form stays text).
func encodeSRPBindings(text bool, bs []srpBinding) storage.SRPVerifiers {
	if text {
		parts := make([]string, 0, 2)
		for _, b := range bs {
			parts = append(parts, base64.RawStdEncoding.EncodeToString(b.sealed))
		}
		if len(bs) == 1 && bs[0].kind == srpBySub {
			return storage.SRPVerifiers("." + parts[0])
		}
		return storage.SRPVerifiers(strings.Join(parts, "."))
	}
	if len(bs) == 1 && bs[0].kind == srpByID {
		b := append([]byte{srpByID, byte(len(bs[0].id))}, bs[0].id...)
		return storage.SRPVerifiers(append(b, bs[0].sealed...))
	}
	var byName, bySub []byte
	for _, b := range bs {
		if b.kind == srpBySub {
			bySub = b.sealed
		} else {
			byName = b.sealed
		}
	}
	return encodeSRP(byName, bySub)
}

// parseSRP reads a stored SRPVerifier. text reports the base64 form. A
// value it cannot read gives no bindings.
func parseSRP(v storage.SRPVerifiers) (bs []srpBinding, text bool) {
	if v == "" {
		return nil, false
	}
	b := []byte(v)
	switch b[0] {
	case srpBySub, srpByName:
		return []srpBinding{{kind: b[0], sealed: b[1:]}}, false
	case srpBoth:
		if len(b) < 3 {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(b[1:3]))
		if len(b) < 3+n {
			return nil, false
		}
		return []srpBinding{{kind: srpByName, sealed: b[3 : 3+n]}, {kind: srpBySub, sealed: b[3+n:]}}, false
	case srpByID:
		if len(b) < 2 || len(b) < 2+int(b[1]) {
			return nil, false
		}
		n := int(b[1])
		return []srpBinding{{kind: srpByID, id: string(b[2 : 2+n]), sealed: b[2+n:]}}, false
	}
	decode := func(s string) []byte {
		raw, err := base64.RawStdEncoding.DecodeString(s)
		if err != nil {
			return nil
		}
		return raw
	}
	parts := strings.Split(string(v), ".")
	switch {
	case len(parts) == 1:
		return []srpBinding{{kind: srpByID, sealed: decode(parts[0])}}, true // id: the username as stored
	case parts[0] == "":
		return []srpBinding{{kind: srpBySub, sealed: decode(parts[1])}}, true
	}
	return []srpBinding{{kind: srpByName, sealed: decode(parts[0])}, {kind: srpBySub, sealed: decode(parts[1])}}, true
}
