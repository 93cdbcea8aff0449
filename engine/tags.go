package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// Tags: keys and values on state machines and activities, as AWS's
// TagResource, UntagResource and ListTagsForResource keep them, with AWS's
// limits. They go with their resource when it is deleted.

// Tag limits, as AWS documents them for Step Functions.
const (
	MaxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// tagText is what a tag key or value may hold: Unicode letters, digits,
// white space and _ . : / = + - @.
var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// Tag is a key and value attached to a state machine or an activity.
type Tag = store.Tag

// TagTarget is a resource that takes tags: a state machine (not one of
// its versions or aliases) or an activity, by name.
type TagTarget struct {
	Activity bool
	Name     string
}

// ParseTagTarget reads the ARN of a state machine or an activity; any
// other ARN is ErrInvalidArn.
func ParseTagTarget(s string) (TagTarget, error) {
	if m, err := arn.ParseStateMachine(s); err == nil {
		if m.Version != 0 || m.Alias != "" {
			return TagTarget{}, fmt.Errorf("%w: Invalid Arn: '%s' is a version or alias ARN; tags belong to the state machine %s", ErrInvalidArn, s, m.Unqualified())
		}
		return TagTarget{Name: m.Name}, nil
	}
	if a, err := arn.ParseActivity(s); err == nil {
		return TagTarget{Activity: true, Name: a.Name}, nil
	}
	return TagTarget{}, fmt.Errorf("%w: Invalid Arn: '%s' is not the ARN of a state machine or an activity", ErrInvalidArn, s)
}

// tagTargetARN returns t's ARN on this engine.
func (e *Engine) tagTargetARN(t TagTarget) string {
	if t.Activity {
		return e.arns.Activity(t.Name)
	}
	return e.arns.StateMachine(t.Name)
}

// TagResource adds tags to t, replacing the values of keys it has; a
// resource may hold MaxTags (ErrTooManyTags).
func (e *Engine) TagResource(ctx context.Context, t TagTarget, tags []Tag) error {
	tags, err := checkTags(tags)
	if err != nil {
		return err
	}
	return e.withTagOwner(ctx, t, func(tx pgx.Tx, o store.TagOwner) error {
		return addTags(ctx, tx, o, tags, e.tagTargetARN(t))
	})
}

// UntagResource removes t's tags of those keys; keys it has not are no
// error.
func (e *Engine) UntagResource(ctx context.Context, t TagTarget, keys []string) error {
	return e.withTagOwner(ctx, t, func(tx pgx.Tx, o store.TagOwner) error {
		return store.DeleteTags(ctx, tx, o, keys)
	})
}

// ListTags returns t's tags in key order.
func (e *Engine) ListTags(ctx context.Context, t TagTarget) ([]Tag, error) {
	var tags []Tag
	err := e.withTagOwner(ctx, t, func(tx pgx.Tx, o store.TagOwner) (err error) {
		tags, err = store.ListTags(ctx, tx, o)
		return err
	})
	return tags, err
}

// withTagOwner runs fn in a transaction holding the lock of t's row; a
// missing resource is ErrResourceNotFound.
func (e *Engine) withTagOwner(ctx context.Context, t TagTarget, fn func(pgx.Tx, store.TagOwner) error) error {
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		o, err := store.LockTagOwner(ctx, tx, t.Name, t.Activity)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: Resource not found: '%s'", ErrResourceNotFound, e.tagTargetARN(t))
		}
		if err != nil {
			return err
		}
		return fn(tx, o)
	})
}

// addTags sets tags (checked) on o, within the limit; resource names it
// in the error.
func addTags(ctx context.Context, q store.Querier, o store.TagOwner, tags []Tag, resource string) error {
	if err := store.SetTags(ctx, q, o, tags); err != nil {
		return err
	}
	all, err := store.ListTags(ctx, q, o)
	if err != nil {
		return err
	}
	if len(all) > MaxTags {
		return fmt.Errorf("%w: %s would have %d tags; a resource may have at most %d", ErrTooManyTags, resource, len(all), MaxTags)
	}
	return nil
}

// checkTags checks keys and values against AWS's rules and keeps the last
// value of a key given twice.
func checkTags(tags []Tag) ([]Tag, error) {
	if len(tags) > MaxTags {
		return nil, fmt.Errorf("%w: %d tags given; a resource may have at most %d", ErrTooManyTags, len(tags), MaxTags)
	}
	index := map[string]int{}
	var out []Tag
	for i, t := range tags {
		if err := checkTag(i, t); err != nil {
			return nil, err
		}
		if j, ok := index[t.Key]; ok {
			out[j] = t
			continue
		}
		index[t.Key] = len(out)
		out = append(out, t)
	}
	return out, nil
}

// checkTag checks tag i.
func checkTag(i int, t Tag) error {
	switch n := utf8.RuneCountInString(t.Key); {
	case n == 0 || n > maxTagKeyLen:
		return fmt.Errorf("%w: tags[%d].key has %d characters; a key has 1 to %d", ErrInvalidTag, i, n, maxTagKeyLen)
	case utf8.RuneCountInString(t.Value) > maxTagValueLen:
		return fmt.Errorf("%w: tags[%d].value (key %q) is over %d characters", ErrInvalidTag, i, t.Key, maxTagValueLen)
	case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
		return fmt.Errorf("%w: tags[%d].key %q: keys starting with aws: are reserved", ErrInvalidTag, i, t.Key)
	case !tagText.MatchString(t.Key):
		return fmt.Errorf("%w: tags[%d].key %q: a key holds only letters, digits, spaces and _ . : / = + - @", ErrInvalidTag, i, t.Key)
	case !tagText.MatchString(t.Value):
		return fmt.Errorf("%w: tags[%d].value (key %q): a value holds only letters, digits, spaces and _ . : / = + - @", ErrInvalidTag, i, t.Key)
	}
	return nil
}
