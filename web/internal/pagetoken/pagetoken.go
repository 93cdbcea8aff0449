// Package pagetoken is the one codec of the page tokens that the REST API
// (cursor, nextCursor) and the AWS JSON protocol (nextToken) hand out:
// base64url of a small JSON object whose "k" names the listing it
// continues. Each API turns a token it cannot use into its own error: REST
// InvalidParameter, AWS InvalidToken.
package pagetoken

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Kinds of listing.
const (
	Machines    = "sm"
	Executions  = "ex"
	History     = "ev"
	Activities  = "ac"
	Connections = "cn"
	Children    = "ch"
	// LogRecords pages log records (Micros and ID: the last record's
	// event time and id).
	LogRecords = "lr"
	// ExpressExecutions pages Express executions (Micros and Name: the
	// last one's start time and ARN).
	ExpressExecutions = "xe"
	// Versions pages a machine's published versions (ID: the last
	// version number; Of: the machine's id).
	Versions = "sv"
	// Aliases pages a machine's aliases (Name: the last alias name).
	Aliases = "sa"
	// MapRuns pages an execution's Map runs (ID: the last one's id).
	MapRuns = "mr"
)

// Token is a position in a listing.
type Token struct {
	Kind string `json:"k"`
	// Name is the last name of a page of state machines or activities,
	// or the ARN of the last Express execution of a page.
	Name string `json:"n,omitempty"`
	// Micros and ID are the position of the last execution of a page (its
	// start time in microseconds and its id); ID alone is the last event
	// of a page of history, or the last child of a page of an execution's
	// children.
	Micros int64 `json:"t,omitempty"`
	ID     int64 `json:"i,omitempty"`
	// Reverse says which way a history token pages.
	Reverse bool `json:"r,omitempty"`
	// Of is the id of the state machine or execution listed, when a token
	// must not continue the listing of another.
	Of int64 `json:"o,omitempty"`
}

// ErrInvalid is the error of a token that does not decode or continues
// another kind of listing.
var ErrInvalid = errors.New("not a page token of this listing")

// String encodes the token.
func (t Token) String() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Ptr returns the encoded token as a pointer, for optional fields.
func (t Token) Ptr() *string {
	s := t.String()
	return &s
}

// Time returns Micros as a time.
func (t Token) Time() time.Time { return time.UnixMicro(t.Micros).UTC() }

// Decode decodes a token of kind; "" is nil, the first page.
func Decode(s, kind string) (*Token, error) {
	if s == "" {
		return nil, nil
	}
	var t Token
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Kind != kind {
		return nil, ErrInvalid
	}
	return &t, nil
}

// ByName reads a page of a listing in name order (state machines,
// activities) after the position of token: list returns up to limit items
// named after its after ("" is the first). It returns the token of the
// next page, or "" when this page is the last.
func ByName[T any](ctx context.Context, kind, token string, limit int,
	list func(ctx context.Context, after string, limit int) ([]T, error), name func(T) string) ([]T, string, error) {
	t, err := Decode(token, kind)
	if err != nil {
		return nil, "", err
	}
	after := ""
	if t != nil {
		after = t.Name
	}
	items, err := list(ctx, after, limit+1)
	if err != nil || len(items) <= limit {
		return items, "", err
	}
	items = items[:limit]
	return items, Token{Kind: kind, Name: name(items[limit-1])}.String(), nil
}
