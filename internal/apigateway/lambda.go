package apigateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/cognate-dev/cognate/internal/lambdainvoke"
)

// proxyResponse is what a proxy integration's function returns.
type proxyResponse struct {
	StatusCode        *int                `json:"statusCode"`
	Headers           map[string]any      `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// invoke calls the function with the proxy event and answers with what it
// returned.
func (g *Gateway) invoke(w http.ResponseWriter, c *call) (int, error) {
	var event any
	if g.cfg.PayloadVersion == "2.0" {
		event = g.eventV2Of(c)
	} else {
		event = g.eventV1Of(c)
	}
	payload, err := json.Marshal(event)
	if err != nil {
		return 0, err
	}
	out, err := g.cfg.Lambda.Invoke(c.r.Context(), g.cfg.Function, payload)
	var fe *lambdainvoke.FunctionError
	switch {
	case errors.As(err, &fe):
		g.log.Warn("apigateway: function error", "request_id", c.requestID, "type", fe.ErrorType, "message", fe.ErrorMessage)
		return 0, errBadGateway
	case errors.Is(err, lambdainvoke.ErrTimeout):
		return 0, errTimeout
	case err != nil:
		g.log.Warn("apigateway: invoke", "request_id", c.requestID, "err", err)
		return 0, errBadGateway
	}
	resp, ok := g.parseResponse(out)
	if !ok {
		g.log.Warn("apigateway: malformed Lambda proxy response", "request_id", c.requestID)
		return 0, errBadGateway
	}
	h := w.Header()
	for _, k := range sortedKeys(resp.Headers) {
		switch v := resp.Headers[k].(type) {
		case string:
			h.Set(k, v)
		case float64, bool:
			b, _ := json.Marshal(v)
			h.Set(k, string(b))
		}
	}
	for k, vs := range resp.MultiValueHeaders {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, ck := range resp.Cookies {
		h.Add("Set-Cookie", ck)
	}
	var body []byte
	if resp.Body != nil {
		body = []byte(*resp.Body)
		if resp.IsBase64Encoded {
			if body, err = base64.StdEncoding.DecodeString(*resp.Body); err != nil {
				return 0, errBadGateway
			}
		}
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(*resp.StatusCode)
	_, _ = w.Write(body)
	return *resp.StatusCode, nil
}

// parseResponse reads the function's answer. Payload 1.0 needs the proxy
// shape with a statusCode; 2.0 also takes any other JSON value, answered
// as a 200 with that value as the body, as HTTP APIs do.
func (g *Gateway) parseResponse(out []byte) (*proxyResponse, bool) {
	var resp proxyResponse
	isObject := len(bytes.TrimSpace(out)) > 0 && bytes.TrimSpace(out)[0] == '{'
	if isObject && json.Unmarshal(out, &resp) == nil && resp.StatusCode != nil {
		return &resp, *resp.StatusCode >= 100 && *resp.StatusCode <= 599
	}
	if g.cfg.PayloadVersion != "2.0" || !json.Valid(out) {
		return nil, false
	}
	code, body := http.StatusOK, string(out)
	return &proxyResponse{StatusCode: &code, Body: &body, Headers: map[string]any{"Content-Type": "application/json"}}, true
}
