package sfn

import (
	"context"
	"errors"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// activityPoll is how long GetActivityTask waits for a task, as AWS does.
const activityPoll = 60 * time.Second

type activityRef struct {
	ActivityArn *string `json:"activityArn"`
}

type activityItem struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate epoch  `json:"creationDate"`
}

func activityOf(a *store.Activity) activityItem {
	return activityItem{ActivityArn: a.ARN, Name: a.Name, CreationDate: epoch(a.CreatedAt)}
}

type createActivityInput struct {
	Name                    *string        `json:"name"`
	Tags                    []awsTag       `json:"tags"`
	EncryptionConfiguration *awsEncryption `json:"encryptionConfiguration"`
}

// describeActivityOutput is DescribeActivity's answer: the activity with
// its encryption configuration.
type describeActivityOutput struct {
	activityItem
	EncryptionConfiguration awsEncryption `json:"encryptionConfiguration"`
}

type createActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	CreationDate epoch  `json:"creationDate"`
}

// createActivity creates an activity, or returns the one of that name.
func (a *api) createActivity(ctx context.Context, in *createActivityInput) (*createActivityOutput, error) {
	tags, err := tagsIn("tags", in.Tags)
	if err := errors.Join(nameField("name", in.Name), err); err != nil {
		return nil, err
	}
	act, err := a.eng.CreateActivityWith(ctx, *in.Name, engine.ActivitySpec{Tags: tags, Encryption: in.EncryptionConfiguration.engine()})
	if err != nil {
		return nil, err
	}
	return &createActivityOutput{ActivityArn: act.ARN, CreationDate: epoch(act.CreatedAt)}, nil
}

// describeActivity describes an activity.
func (a *api) describeActivity(ctx context.Context, in *activityRef) (*describeActivityOutput, error) {
	ref, err := parseActivityARN(in.ActivityArn)
	if err != nil {
		return nil, err
	}
	act, err := a.eng.DescribeActivity(ctx, ref)
	if err != nil {
		return nil, err
	}
	return &describeActivityOutput{activityItem: activityOf(act), EncryptionConfiguration: encryptionOut(act.Encryption())}, nil
}

type listActivitiesInput = pageRequest

type listActivitiesOutput struct {
	Activities []activityItem `json:"activities"`
	NextToken  *string        `json:"nextToken,omitempty"`
}

// listActivities lists activities in name order.
func (a *api) listActivities(ctx context.Context, in *listActivitiesInput) (*listActivitiesOutput, error) {
	acts, next, err := byName(ctx, pagetoken.Activities, *in, a.eng.ListActivities,
		func(act *store.Activity) string { return act.Name }, activityOf)
	if err != nil {
		return nil, err
	}
	return &listActivitiesOutput{Activities: acts, NextToken: next}, nil
}

// deleteActivity deletes an activity.
func (a *api) deleteActivity(ctx context.Context, in *activityRef) (*struct{}, error) {
	ref, err := parseActivityARN(in.ActivityArn)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, a.eng.DeleteActivity(ctx, ref)
}

// parseActivityARN checks the activityArn of a request: absent is a
// ValidationException, anything but an activity's ARN InvalidArn.
func parseActivityARN(s *string) (string, error) {
	if err := required("activityArn", s); err != nil {
		return "", err
	}
	if _, err := arn.ParseActivity(*s); err != nil {
		return "", awsErrorf(awsInvalidArn, "Invalid Arn: '%s' is not an activity ARN", *s)
	}
	return *s, nil
}

type getActivityTaskInput struct {
	ActivityArn *string `json:"activityArn"`
	WorkerName  *string `json:"workerName"`
}

type getActivityTaskOutput struct {
	TaskToken *string `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

// getActivityTask long-polls for a task of the activity; an empty answer
// means none came within a minute.
func (a *api) getActivityTask(ctx context.Context, in *getActivityTaskInput) (*getActivityTaskOutput, error) {
	ref, err := parseActivityARN(in.ActivityArn)
	if err := errors.Join(err, minLength("workerName", in.WorkerName, 1), maxLength("workerName", in.WorkerName, maxName)); err != nil {
		return nil, err
	}
	task, err := a.eng.GetActivityTask(ctx, ref, orEmpty(in.WorkerName), activityPoll)
	if err != nil || task == nil {
		return &getActivityTaskOutput{}, err
	}
	return &getActivityTaskOutput{TaskToken: &task.Token, Input: &task.Input}, nil
}
