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

// apiError is the REST API's error answer.
type apiError struct {
	Status  int             `json:"-"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// call sends a request with body encoded as JSON (none when nil) and
// returns the response body and status; an error status is an *apiError
// (or, in process, the error behind an internal error).
func (c *client) call(ctx context.Context, method, path string, query url.Values, body any) ([]byte, int, error) {
	req, err := c.request(ctx, method, path, query, body)
	if err != nil {
		return nil, 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot reach the API at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode == http.StatusInternalServerError && c.cause != nil {
		return nil, resp.StatusCode, c.cause()
	}
	if resp.StatusCode >= 300 {
		return nil, resp.StatusCode, decodeAPIError(resp.StatusCode, data)
	}
	return data, resp.StatusCode, nil
}

// request builds an HTTP request with the bearer token.
func (c *client) request(ctx context.Context, method, path string, query url.Values, body any) (*http.Request, error) {
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
func (c *client) get(ctx context.Context, method, path string, query url.Values, body, v any) error {
	data, _, err := c.call(ctx, method, path, query, body)
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
func (c *client) printJSON(data []byte) {
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

// The REST API's JSON, as the commands read it (encoding/json matches
// the fields' names to the keys regardless of case).
type (
	execution struct {
		ARN, Name, StateMachine, StateMachineARN, Status string
		MapRunARN                                        string
		Version, RedriveCount                            int
		Input, Output                                    json.RawMessage
		Error, Cause                                     *string
		StartedAt                                        time.Time
		StoppedAt                                        *time.Time
	}
	event struct {
		ID        int64
		Type      string
		Timestamp time.Time
		State     *string
		Details   json.RawMessage
	}
	stateMachine struct {
		Name, ARN               string
		CreatedAt               time.Time
		LatestVersion, Version  int
		Definition, InputSchema json.RawMessage
		Versions                []struct {
			Version        int
			CreatedAt      time.Time
			HasInputSchema bool
		}
	}
)
