package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Tag is a key and value attached to a state machine or an activity.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// TagOwner is the resource tags belong to: a state machine or an
// activity, by id (exactly one of the two is set).
type TagOwner struct {
	StateMachineID *int64
	ActivityID     *int64
}

// LockTagOwner locks the state machine (activity false) or the activity
// of that name, so that tag changes to it are serialised, and returns it;
// ErrNotFound when there is none.
func LockTagOwner(ctx context.Context, q Querier, name string, activity bool) (TagOwner, error) {
	var id int64
	var err error
	if activity {
		id, err = queries(q).LockActivityByName(ctx, name)
	} else {
		id, err = queries(q).LockStateMachineByName(ctx, name)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return TagOwner{}, ErrNotFound
	}
	if activity {
		return TagOwner{ActivityID: &id}, err
	}
	return TagOwner{StateMachineID: &id}, err
}

// ListTags returns the owner's tags in key order.
func ListTags(ctx context.Context, q Querier, o TagOwner) ([]Tag, error) {
	rows, err := queries(q).ListTags(ctx, db.ListTagsParams{StateMachineID: o.StateMachineID, ActivityID: o.ActivityID})
	if err != nil {
		return nil, err
	}
	tags := make([]Tag, len(rows))
	for i, r := range rows {
		tags[i] = Tag(r)
	}
	return tags, nil
}

// SetTags adds tags to the owner, replacing the values of keys it has.
func SetTags(ctx context.Context, q Querier, o TagOwner, tags []Tag) error {
	if len(tags) == 0 {
		return nil
	}
	keys, values := make([]string, len(tags)), make([]string, len(tags))
	for i, t := range tags {
		keys[i], values[i] = t.Key, t.Value
	}
	if err := DeleteTags(ctx, q, o, keys); err != nil {
		return err
	}
	return queries(q).InsertTags(ctx, db.InsertTagsParams{StateMachineID: o.StateMachineID, ActivityID: o.ActivityID, Keys: keys, TagValues: values})
}

// DeleteTags removes the owner's tags of those keys; keys it has not are
// no error.
func DeleteTags(ctx context.Context, q Querier, o TagOwner, keys []string) error {
	return queries(q).DeleteTags(ctx, db.DeleteTagsParams{StateMachineID: o.StateMachineID, ActivityID: o.ActivityID, Keys: keys})
}
