package sfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/engine"
)

// Tag operations: TagResource, UntagResource and ListTagsForResource on
// state machines and activities (engine/tags.go), and the tags
// CreateStateMachine and CreateActivity take.

type awsTag struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

// tagsIn reads the tags of a request; each tag without a key is a
// violation, as AWS answers.
func tagsIn(field string, in []awsTag) ([]engine.Tag, error) {
	tags := make([]engine.Tag, len(in))
	var missing []error
	for i, t := range in {
		if t.Key == nil {
			missing = append(missing, required(fmt.Sprintf("%s.%d.member.key", field, i+1), nil))
			continue
		}
		tags[i] = engine.Tag{Key: *t.Key, Value: orEmpty(t.Value)}
	}
	return tags, errors.Join(missing...)
}

type tagResourceInput struct {
	ResourceArn *string  `json:"resourceArn"`
	Tags        []awsTag `json:"tags"`
}

type untagResourceInput struct {
	ResourceArn *string  `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type resourceRef struct {
	ResourceArn *string `json:"resourceArn"`
}

type tagOut struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type listTagsForResourceOutput struct {
	Tags []tagOut `json:"tags"`
}

// tagTarget reads the resourceArn of a tag operation.
func tagTarget(s *string) (engine.TagTarget, error) {
	if err := required("resourceArn", s); err != nil {
		return engine.TagTarget{}, err
	}
	return engine.ParseTagTarget(*s)
}

// tagResource adds tags to a state machine or an activity.
func (a *api) tagResource(ctx context.Context, in *tagResourceInput) (*struct{}, error) {
	tags, err := tagsIn("tags", in.Tags)
	if err := errors.Join(required("resourceArn", in.ResourceArn), requiredList("tags", in.Tags), err); err != nil {
		return nil, err
	}
	t, err := tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, a.eng.TagResource(ctx, t, tags)
}

// untagResource removes tags by key.
func (a *api) untagResource(ctx context.Context, in *untagResourceInput) (*struct{}, error) {
	if err := errors.Join(required("resourceArn", in.ResourceArn), requiredList("tagKeys", in.TagKeys)); err != nil {
		return nil, err
	}
	t, err := tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, a.eng.UntagResource(ctx, t, in.TagKeys)
}

// listTagsForResource lists a resource's tags in key order.
func (a *api) listTagsForResource(ctx context.Context, in *resourceRef) (*listTagsForResourceOutput, error) {
	t, err := tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags, err := a.eng.ListTags(ctx, t)
	if err != nil {
		return nil, err
	}
	out := &listTagsForResourceOutput{Tags: make([]tagOut, len(tags))}
	for i, t := range tags {
		out.Tags[i] = tagOut(t)
	}
	return out, nil
}
