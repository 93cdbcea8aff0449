package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiClient talks to Stepwise's REST API (see package web).
type apiClient struct {
	base string
	key  string
	json bool
	out  io.Writer
	http *http.Client
}

// newAPIClient returns a client of the API at endpoint; with asJSON its
// commands print the API's JSON as is.
func newAPIClient(endpoint, key string, asJSON bool, out io.Writer) *apiClient {
	return &apiClient{
		base: strings.TrimRight(endpoint, "/"),
		key:  key,
		json: asJSON,
		out:  out,
		http: &http.Client{Timeout: time.Minute},
	}
}

// apiError is the REST API's error answer.
type apiError struct {
	Status  int             `json:"-"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// call sends a request with body encoded as JSON (none when nil) and
// returns the response body; an error status is an *apiError.
func (c *apiClient) call(ctx context.Context, method, path string, query url.Values, body any) ([]byte, error) {
	req, err := c.request(ctx, method, path, query, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the API at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return nil, decodeAPIError(resp.StatusCode, data)
	}
	return data, nil
}

// request builds an HTTP request with the bearer token.
func (c *apiClient) request(ctx context.Context, method, path string, query url.Values, body any) (*http.Request, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return req, nil
}

// decodeAPIError reads {"error": {...}}, or describes a body that is not one.
func decodeAPIError(status int, data []byte) error {
	var body struct {
		Error *apiError `json:"error"`
	}
	if err := json.Unmarshal(data, &body); err != nil || body.Error == nil || body.Error.Code == "" {
		return &apiError{Status: status, Code: strings.ReplaceAll(http.StatusText(status), " ", ""), Message: fmt.Sprintf("HTTP %d: %.200s", status, bytes.TrimSpace(data))}
	}
	body.Error.Status = status
	return body.Error
}

// get sends a request and decodes its answer into v; with JSON output it
// prints the answer as is first.
func (c *apiClient) get(ctx context.Context, method, path string, query url.Values, body, v any) error {
	data, err := c.call(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	if c.json {
		c.printJSON(data)
	}
	if v == nil || len(data) == 0 {
		return nil
	}
	return json.Unmarshal(data, v)
}

// printJSON prints an API answer on one line of its own.
func (c *apiClient) printJSON(data []byte) {
	c.out.Write(bytes.TrimRight(data, "\n"))
	fmt.Fprintln(c.out)
}

// executionPath is the path of an execution route; the ARN goes in the
// query (the "-" path segment).
func executionPath(suffix, arn string) (string, url.Values) {
	return "/v1/executions/-" + suffix, url.Values{"arn": {arn}}
}

// machinePath is the path of a state machine route.
func machinePath(name, suffix string) string {
	return "/v1/state-machines/" + url.PathEscape(name) + suffix
}

// jsonValue is text as a JSON value when it is JSON, else as a string
// (which the API reads as a definition or schema in a string, and
// rejects with its diagnostics when that is not JSON either).
func jsonValue(text string) any {
	if json.Valid([]byte(text)) {
		return json.RawMessage(text)
	}
	return text
}
