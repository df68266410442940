package awsproto

import (
	"context"
	"encoding/json"
	"errors"
)

// Op adapts a typed function to a Handler: it decodes the (validated) body
// into a new In, calls fn, and returns its output (nil *Out means {}).
// A JSON value whose type does not fit In is a SerializationException, as
// in the validator; members In does not have are ignored, as AWS does.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Handler {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(body) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, decodeError(err)
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, nil
		}
		return out, nil
	}
}

func decodeError(err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the request"
		}
		return Errorf(TypeSerialization, "%s_VALUE cannot be converted to %s at '%s'.", jsonKind(te.Value), te.Type.String(), field)
	}
	return Errorf(TypeSerialization, "Malformed JSON request body.")
}

func jsonKind(v string) string {
	switch v {
	case "string":
		return "STRING"
	case "bool":
		return "BOOLEAN"
	case "object":
		return "STRUCTURE"
	case "array":
		return "LIST"
	}
	return "NUMBER"
}
