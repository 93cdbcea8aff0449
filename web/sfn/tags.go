package sfn

import (
	"context"

	"github.com/stepwise-run/stepwise/engine"
)

// Tag operations: TagResource, UntagResource and ListTagsForResource on
// state machines and activities (engine/tags.go), and the tags
// CreateStateMachine and CreateActivity take.

type awsTag struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

// tagsIn reads the tags of a request; a tag without a key is a
// validation error, as AWS answers.
func tagsIn(field string, in []awsTag) ([]engine.Tag, error) {
	tags := make([]engine.Tag, len(in))
	for i, t := range in {
		if t.Key == nil {
			return nil, awsErrorf(awsValidation, "1 validation error detected: Value null at '%s.%d.member.key' failed to satisfy constraint: Member must not be null", field, i+1)
		}
		tags[i].Key = *t.Key
		if t.Value != nil {
			tags[i].Value = *t.Value
		}
	}
	return tags, nil
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
	t, err := tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, awsErrorf(awsValidation, "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	tags, err := tagsIn("tags", in.Tags)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, a.eng.TagResource(ctx, t, tags)
}

// untagResource removes tags by key.
func (a *api) untagResource(ctx context.Context, in *untagResourceInput) (*struct{}, error) {
	t, err := tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, awsErrorf(awsValidation, "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
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
