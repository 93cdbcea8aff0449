package sfn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// The protocol's conventions for fields: times as epoch seconds, absent
// strings left out, AWS's validation messages; page tokens and ARNs.

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// epoch is a time that AWS JSON protocols write as seconds since the Unix
// epoch, with milliseconds as the fraction.
type epoch time.Time

// MarshalJSON writes the time as a number of seconds.
func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	return []byte(fmt.Sprintf("%d.%03d", sec, frac)), nil
}

// epochOf returns t as an epoch, or nil when t is nil.
func epochOf(t *time.Time) *epoch {
	if t == nil {
		return nil
	}
	e := epoch(*t)
	return &e
}

// nonEmpty returns a pointer to s, or nil when s is empty: AWS leaves
// absent strings out rather than sending them empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orEmpty returns *p, or "" when p is nil.
func orEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// pageToken decodes a nextToken of kind; absent is nil.
func pageToken(token *string, kind string) (*pagetoken.Token, error) {
	t, err := pagetoken.Decode(orEmpty(token), kind)
	if err != nil {
		return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'nextToken %q was not returned by this operation'", orEmpty(token))
	}
	return t, nil
}

// byName reads a page of a listing in name order (see pagetoken.ByName)
// and makes each row an item of the answer.
func byName[T, Item any](ctx context.Context, kind string, page pageRequest,
	list func(ctx context.Context, after string, limit int) ([]T, error), name func(T) string, item func(T) Item) ([]Item, *string, error) {
	limit, err := pageSize(page.MaxResults, 100, 1000)
	if err != nil {
		return nil, nil, err
	}
	rows, next, err := pagetoken.ByName(ctx, kind, orEmpty(page.NextToken), limit, list, name)
	if errors.Is(err, pagetoken.ErrInvalid) {
		_, err = pageToken(page.NextToken, kind)
	}
	if err != nil {
		return nil, nil, err
	}
	items := make([]Item, len(rows))
	for i, row := range rows {
		items[i] = item(row)
	}
	return items, nonEmpty(next), nil
}

// ARNs are parsed by internal/arn; region and account are not checked: a
// machine is found by its name.

// parseQualifiedARN parses a state machine ARN, optionally qualified
// with a version number or an alias.
func parseQualifiedARN(field string, s *string) (arn.StateMachine, error) {
	if err := required(field, s); err != nil {
		return arn.StateMachine{}, err
	}
	ref, err := arn.ParseStateMachine(*s)
	if err != nil {
		return arn.StateMachine{}, awsErrorf(awsInvalidArn, "Invalid Arn: '%s' is not a state machine ARN", *s)
	}
	return ref, nil
}

// parseMachineARN parses a state machine ARN, optionally qualified with a
// version number; an alias ARN is a ValidationException.
func parseMachineARN(field string, s *string) (arn.StateMachine, error) {
	ref, err := parseQualifiedARN(field, s)
	if err == nil && ref.Alias != "" {
		return arn.StateMachine{}, labeledARN("'%s' is an alias ARN, which %s does not take", *s, field)
	}
	return ref, err
}

// executionRef is the executionArn field of a request.
type executionRef struct {
	ExecutionArn *string `json:"executionArn"`
}

// arn checks and returns the executionArn. As on AWS, an Express
// execution's ARN is InvalidArn: no operation on one execution
// (DescribeExecution, GetExecutionHistory, StopExecution,
// RedriveExecution, DescribeStateMachineForExecution) supports them.
func (r executionRef) arn() (string, error) {
	s, err := parseExecutionARN("executionArn", r.ExecutionArn)
	if err != nil {
		return "", err
	}
	if e, _ := arn.ParseExecution(s); e.Express {
		return "", awsErrorf(awsInvalidArn, "Invalid Arn: 'Resource type not valid in this context: express'")
	}
	return s, nil
}

// pageRequest is the paging fields of a list request.
type pageRequest struct {
	MaxResults int     `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

// parseExecutionARN checks the shape of an execution ARN.
func parseExecutionARN(field string, s *string) (string, error) {
	if err := required(field, s); err != nil {
		return "", err
	}
	if _, err := arn.ParseExecution(*s); err != nil {
		return "", awsErrorf(awsInvalidArn, "Invalid Arn: '%s' is not an execution ARN", *s)
	}
	return *s, nil
}

// space is where the resource of an ARN lives; zero if it is no ARN.
func space(s string) arn.Space {
	a, err := arn.Parse(s)
	if err != nil {
		return arn.Space{}
	}
	return arn.Space{Partition: a.Partition, Region: a.Region, Account: a.Account}
}
